package dev.microseg.api.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

/** One flow record: a 5-second aggregate of connections between two endpoints. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Connection")
public record ConnectionView(long id, @Schema(name = "window_start") @JsonProperty("window_start") Instant windowStart, @Schema(name = "node_id") @JsonProperty("node_id") String nodeId,
                             @Schema(name = "client_workload") @JsonProperty("client_workload") String clientWorkload,
                             @Schema(name = "server_workload") @JsonProperty("server_workload") String serverWorkload,
                             @Schema(name = "client_ip") @JsonProperty("client_ip") String clientIp, @Schema(name = "server_ip") @JsonProperty("server_ip") String serverIp,
                             @Schema(allowableValues = {"any", "icmp", "tcp", "udp", "icmpv6"}) String protocol,
                             @Schema(name = "server_port") @JsonProperty("server_port") int serverPort, String application,
                             @Schema(name = "rule_id") @JsonProperty("rule_id") long ruleId,
                             @Schema(allowableValues = {"allowed", "violation", "denied"}) String verdict,
                             long sessions, long packets, long bytes) {
}
