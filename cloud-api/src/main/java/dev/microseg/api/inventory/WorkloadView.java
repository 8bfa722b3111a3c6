package dev.microseg.api.inventory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A workload as nodes reported it, with the groups it belongs to now. */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Workload")
public record WorkloadView(String id, String name, @Schema(name = "node_id") @JsonProperty("node_id") String nodeId, Map<String, String> labels,
                           List<String> addresses, String mac,
                           @Schema(description = "selector groups whose criteria match the labels") List<String> groups,
                           @Schema(name = "updated_at") @JsonProperty("updated_at") Instant updatedAt) {
}
