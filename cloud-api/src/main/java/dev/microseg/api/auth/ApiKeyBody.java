package dev.microseg.api.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Introspected;
import io.swagger.v3.oas.annotations.media.Schema;

/** Request to create an API key. */
@Introspected
@Schema(name = "ApiKeyRequest")
public record ApiKeyBody(
        @Schema(description = "a label for people", example = "terraform") String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"admin", "editor", "viewer"}) String role,
        @Schema(name = "expires_at", description = "RFC 3339 time after which the key stops working; absent = never", nullable = true,
                example = "2027-01-01T00:00:00Z")
        @JsonProperty("expires_at") String expiresAt) {
}
