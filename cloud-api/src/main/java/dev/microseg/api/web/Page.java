package dev.microseg.api.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: the items, and the opaque cursor of the next page ({@code null} on the
 * last page). Pass {@code next_cursor} back as {@code cursor} to continue.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Page<T>(List<T> items,
                      @Schema(name = "next_cursor", description = "cursor of the next page; null on the last page", nullable = true)
                      @JsonProperty("next_cursor") String nextCursor) {

    /**
     * Builds a page from {@code limit + 1} fetched rows: the extra row only tells that another
     * page exists; the cursor is the key of the last item returned.
     */
    public static <T> Page<T> of(List<T> rows, PageRequest request, Function<T, String> key) {
        if (rows.size() <= request.limit()) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, request.limit());
        return new Page<>(List.copyOf(items), Cursor.encode(key.apply(items.getLast())));
    }
}
