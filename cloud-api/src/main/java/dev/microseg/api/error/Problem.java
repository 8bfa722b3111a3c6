package dev.microseg.api.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * An RFC 9457 problem details object, as every error of the API is sent
 * ({@code Content-Type: application/problem+json}). {@code code} and {@code code_number} come
 * from {@link ErrorCode}; {@code errors} lists the offending fields.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(
        @Schema(example = "urn:microseg:problem:unknown-group") String type,
        @Schema(example = "Unknown group") String title,
        @Schema(example = "400") int status,
        String detail,
        @Schema(description = "stable error code name", example = "UNKNOWN_GROUP") String code,
        @Schema(name = "code_number", description = "stable error code number, never reused", example = "6")
        @com.fasterxml.jackson.annotation.JsonProperty("code_number") int codeNumber,
        @Schema(description = "whether repeating the same request may succeed") boolean retryable,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ErrorCode code, String detail, List<FieldError> errors) {
        return new Problem(code.type(), code.title(), code.status().getCode(), detail, code.name(), code.number(),
                code.retryable(), errors == null ? List.of() : List.copyOf(errors));
    }
}
