package dev.microseg.api.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.UUID;

/** An API key as listed: never its secret. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiKeyView(
        UUID id,
        String name,
        @Schema(allowableValues = {"admin", "editor", "viewer"}) String role,
        @Schema(name = "created_at") @JsonProperty("created_at") Instant createdAt,
        @Schema(name = "created_by") @JsonProperty("created_by") String createdBy,
        @Schema(name = "expires_at", nullable = true) @JsonProperty("expires_at") Instant expiresAt,
        @Schema(name = "revoked_at", nullable = true) @JsonProperty("revoked_at") Instant revokedAt,
        @Schema(name = "last_used_at", nullable = true, description = "last use, updated in batches every few seconds")
        @JsonProperty("last_used_at") Instant lastUsedAt,
        @Schema(name = "use_count") @JsonProperty("use_count") long useCount) {
}
