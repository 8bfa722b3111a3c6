package dev.microseg.api.flow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code GET /api/v1/graph} answers, before encoding: the kept edges (heaviest first) and
 * the groups and endpoints they touch. {@link GraphJson} writes it in the shape of
 * {@link GraphView}, the documented schema; {@link #toView()} builds that record form (tests
 * check that both encodings are the same document).
 *
 * @param groups     group nodes, by name
 * @param endpoints  workload and external nodes, by id
 * @param edges      at most {@code maxEdges}, heaviest first
 * @param truncated  whether edges were left out ({@code totalEdges > maxEdges})
 * @param maxEdges   the limit applied
 * @param totalEdges edges in the window (matching the group filter) before the limit
 */
public record Graph(Instant from, Instant to, List<GroupNode> groups, List<EndpointNode> endpoints, List<EdgeSums.Edge> edges,
                    boolean truncated, int maxEdges, int totalEdges) {

    /** A group node. */
    public record GroupNode(String name, String policyMode) {
    }

    /** A workload or an outside address ({@code ip:...}) with the groups it belongs to. */
    public record EndpointNode(String id, boolean external, String name, List<String> groups) {
    }

    /** The same graph as the record tree the schema documents. */
    public GraphView toView() {
        List<GraphView.GraphNode> nodes = new ArrayList<>(groups.size() + endpoints.size());
        for (GroupNode g : groups) {
            nodes.add(new GraphView.GraphNode("group:" + g.name(), "group", g.name(), List.of(), g.policyMode()));
        }
        for (EndpointNode e : endpoints) {
            nodes.add(new GraphView.GraphNode(e.id(), e.external() ? "external" : "workload", e.name(), e.groups(), null));
        }
        List<GraphView.GraphEdge> out = new ArrayList<>(edges.size());
        for (EdgeSums.Edge e : edges) {
            out.add(new GraphView.GraphEdge(e.client(), e.server(), e.bytes(), e.packets(), e.sessions(), e.flows(), e.applications(),
                    e.allowed(), e.violation(), e.denied()));
        }
        return new GraphView(from, to, nodes, out, truncated, maxEdges, totalEdges);
    }
}
