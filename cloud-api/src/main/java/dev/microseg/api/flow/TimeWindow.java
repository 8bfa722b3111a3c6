package dev.microseg.api.flow;

import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A {@code [from, to)} window from the {@code from}/{@code to} query parameters (RFC 3339).
 * Defaults: {@code to} = now, {@code from} = one hour before {@code to}.
 */
public record TimeWindow(Instant from, Instant to) {
    public static final Duration DEFAULT = Duration.ofHours(1);
    /** Longest window one query may cover: a month of partitions. */
    public static final Duration MAX = Duration.ofDays(31);

    public static TimeWindow of(String from, String to) {
        Instant t = to == null ? Instant.now() : parse("to", to);
        Instant f = from == null ? t.minus(DEFAULT) : parse("from", from);
        if (!f.isBefore(t)) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "from", "must be before to");
        }
        if (Duration.between(f, t).compareTo(MAX) > 0) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "from", "the window may span at most " + MAX.toDays() + " days");
        }
        return new TimeWindow(f, t);
    }

    private static Instant parse(String field, String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, field, "'" + s + "' is not an RFC 3339 time such as 2026-11-21T10:00:00Z");
        }
    }
}
