package dev.microseg.api.inventory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.UUID;

/** An enrolled node and how far behind the tenant's policy it is. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Node")
public record NodeView(UUID id, String hostname, @Schema(name = "agent_version") @JsonProperty("agent_version") String agentVersion,
                       @Schema(name = "enforced_policy_version") @JsonProperty("enforced_policy_version") long enforcedPolicyVersion,
                       @Schema(name = "versions_behind", description = "tenant policy_version minus the version the node enforces")
                       @JsonProperty("versions_behind") long versionsBehind,
                       boolean connected,
                       @Schema(name = "last_seen", nullable = true) @JsonProperty("last_seen") Instant lastSeen) {
}
