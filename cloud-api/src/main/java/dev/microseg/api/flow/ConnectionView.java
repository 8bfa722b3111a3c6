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
public record ConnectionView(long id, @JsonProperty("window_start") Instant windowStart, @JsonProperty("node_id") String nodeId,
                             @JsonProperty("client_workload") String clientWorkload,
                             @JsonProperty("server_workload") String serverWorkload,
                             @JsonProperty("client_ip") String clientIp, @JsonProperty("server_ip") String serverIp,
                             @Schema(allowableValues = {"any", "icmp", "tcp", "udp", "icmpv6"}) String protocol,
                             @JsonProperty("server_port") int serverPort, String application,
                             @JsonProperty("rule_id") long ruleId,
                             @Schema(allowableValues = {"allowed", "violation", "denied"}) String verdict,
                             long sessions, long packets, long bytes) {
}
