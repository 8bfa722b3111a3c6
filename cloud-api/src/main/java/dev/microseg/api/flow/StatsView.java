package dev.microseg.api.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

/**
 * Tenant counts. Inventory and policy counts are current; flow counts cover the window
 * {@code [from, to)} (default: the last hour), read from the per-minute rollup.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Stats")
public record StatsView(long workloads, long groups,
                        @Schema(description = "rules") long policies,
                        long nodes,
                        @Schema(name = "nodes_connected", description = "nodes with an open stream now") @JsonProperty("nodes_connected") long nodesConnected,
                        @Schema(name = "policy_version") @JsonProperty("policy_version") long policyVersion,
                        @Schema(description = "flow records (5-second aggregates) in the window") long flows,
                        @Schema(description = "sessions in the window") long sessions,
                        @Schema(description = "sessions reported as violations (Monitor) in the window") long violations,
                        @Schema(description = "sessions dropped (Protect) in the window") long denied,
                        @Schema(description = "start of the flow window (rounded down to the minute)") Instant from,
                        @Schema(description = "end of the flow window") Instant to) {
}
