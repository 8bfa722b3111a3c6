package dev.microseg.api.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * The topology over a time window: group nodes, workload (and outside-address) nodes with the
 * groups they belong to, and edges aggregating the flows between two endpoints. This record is
 * the documented schema; the response itself is streamed by {@link GraphJson} in exactly this
 * shape.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Graph")
public record GraphView(Instant from, Instant to, List<GraphNode> nodes, List<GraphEdge> edges,
                        @Schema(description = "true when edges were left out (total_edges > max_edges): only the max_edges "
                                + "heaviest, by bytes, are returned")
                        boolean truncated,
                        @Schema(name = "max_edges", description = "the limit applied (the max_edges parameter, default 5000)")
                        @JsonProperty("max_edges") int maxEdges,
                        @Schema(name = "total_edges", description = "edges before the limit (in the window, touching the group if one was given)")
                        @JsonProperty("total_edges") int totalEdges) {

    /** A group, a workload, or an address outside the cluster ({@code ip:...}). */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "GraphNode")
    public record GraphNode(String id, @Schema(allowableValues = {"group", "workload", "external"}) String kind, String name,
                            @Schema(description = "groups of a workload or external node; empty for group nodes") List<String> groups,
                            @Schema(name = "policy_mode", nullable = true) @JsonProperty("policy_mode") String policyMode) {
    }

    /** Flows from a client endpoint to a server endpoint, summed over the window. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "GraphEdge")
    public record GraphEdge(String from, String to, long bytes, long packets, long sessions, long flows, List<String> applications,
                            @Schema(description = "sessions a rule allowed") long allowed,
                            @Schema(description = "sessions reported as violations (Monitor)") long violation,
                            @Schema(description = "sessions dropped (Protect)") long denied) {
    }
}
