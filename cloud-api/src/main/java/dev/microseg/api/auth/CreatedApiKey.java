package dev.microseg.api.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** A key just created: its listing plus the bearer token, shown this once and never again. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CreatedApiKey(
        @JsonUnwrapped ApiKeyView key,
        @Schema(description = "the bearer token; store it now, it cannot be shown again") String token) {
}
