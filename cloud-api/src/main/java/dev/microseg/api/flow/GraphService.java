package dev.microseg.api.flow;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.inventory.MembershipIndex;
import dev.microseg.model.app.ApplicationRegistry;
import dev.microseg.model.group.Group;
import dev.microseg.model.group.Membership;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the topology from the per-minute {@code flow_edges} rollup (never from raw flows):
 * one aggregate query over the window, then names and group membership from the cached
 * {@link MembershipIndex}. The window's start is rounded down to the minute, the rollup's
 * resolution.
 */
@Singleton
public class GraphService {
    public static final int DEFAULT_MAX_EDGES = 5000;
    /** Bound on edges returned; a topology view with more is unreadable anyway. */
    public static final int MAX_EDGES = 50_000;

    private final TenantTx tx;
    private final MembershipIndex membership;

    public GraphService(TenantTx tx, MembershipIndex membership) {
        this.tx = tx;
        this.membership = membership;
    }

    private record EdgeRow(String client, String server, long bytes, long packets, long sessions, long flows, Integer[] apps,
                           long allowed, long violation, long denied) {
    }

    public GraphView graph(Caller caller, TimeWindow w, String focus, Integer maxEdges) {
        int max = maxEdges == null ? DEFAULT_MAX_EDGES : maxEdges;
        if (max < 1 || max > MAX_EDGES) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "max_edges", "must be between 1 and " + MAX_EDGES);
        }
        return tx.read(caller.tenant(), c -> {
            MembershipIndex.Snapshot m = membership.get(c, caller.tenant());
            String[] members = null;
            Membership.Addresses focusAddresses = null;
            if (focus != null) {
                Group g = m.groups().get(focus);
                if (g == null) {
                    throw ApiException.field(ErrorCode.INVALID_QUERY, "group", "group '" + focus + "' does not exist");
                }
                if (g.membership() instanceof Membership.Addresses a) {
                    focusAddresses = a;
                    members = new String[0];
                } else {
                    members = m.membersOf().getOrDefault(focus, Set.of()).toArray(String[]::new);
                }
            }
            boolean external = focusAddresses != null;
            // Two levels: per (client, server, application) first, so collecting the applications
            // of an edge needs no DISTINCT sort; then per edge, heaviest first.
            List<EdgeRow> rows = Jdbc.list(c, "SELECT client, server, sum(bytes) AS bytes, sum(packets) AS packets, "
                            + "sum(sessions) AS sessions, sum(flows) AS flows, array_agg(application) AS apps, "
                            + "sum(allowed) AS allowed, sum(violation) AS violation, sum(denied) AS denied FROM ("
                            + "  SELECT client, server, application, sum(bytes) AS bytes, sum(packets) AS packets, "
                            + "  sum(sessions) AS sessions, sum(flows) AS flows, "
                            + "  coalesce(sum(sessions) FILTER (WHERE verdict = 'allowed'), 0) AS allowed, "
                            + "  coalesce(sum(sessions) FILTER (WHERE verdict = 'violation'), 0) AS violation, "
                            + "  coalesce(sum(sessions) FILTER (WHERE verdict = 'denied'), 0) AS denied "
                            + "  FROM flow_edges WHERE tenant_id = ? AND bucket >= ? AND bucket < ? "
                            + "  AND (?::text[] IS NULL OR client = ANY(?::text[]) OR server = ANY(?::text[]) "
                            + "      OR (? AND (client LIKE 'ip:%' OR server LIKE 'ip:%'))) "
                            + "  GROUP BY client, server, application) per_app "
                            + "GROUP BY client, server ORDER BY sum(bytes) DESC, client, server LIMIT ?",
                    rs -> {
                        Array a = rs.getArray("apps");
                        return new EdgeRow(rs.getString("client"), rs.getString("server"), rs.getLong("bytes"),
                                rs.getLong("packets"), rs.getLong("sessions"), rs.getLong("flows"), (Integer[]) a.getArray(),
                                rs.getLong("allowed"), rs.getLong("violation"), rs.getLong("denied"));
                    },
                    caller.tenant(), Timestamp.from(w.from().truncatedTo(ChronoUnit.MINUTES)), Timestamp.from(w.to()),
                    members, members, members, external, external ? MAX_EDGES + 1 : max + 1);
            if (focusAddresses != null) {
                String name = focus;
                rows = rows.stream().filter(r -> m.groupsOfEndpoint(r.client()).contains(name) || m.groupsOfEndpoint(r.server()).contains(name))
                        .toList();
            }
            boolean truncated = rows.size() > max;
            if (truncated) {
                rows = rows.subList(0, max);
            }
            return assemble(c, caller, w, m, rows, truncated);
        });
    }

    private static GraphView assemble(java.sql.Connection c, Caller caller, TimeWindow w, MembershipIndex.Snapshot m,
                                      List<EdgeRow> rows, boolean truncated) throws java.sql.SQLException {
        List<GraphView.GraphEdge> edges = new ArrayList<>(rows.size());
        Set<String> endpoints = new TreeSet<>();
        for (EdgeRow r : rows) {
            List<String> apps = new ArrayList<>();
            for (Integer id : r.apps()) {
                apps.add(ApplicationRegistry.nameOf(id));
            }
            apps.sort(null);
            edges.add(new GraphView.GraphEdge(r.client(), r.server(), r.bytes(), r.packets(), r.sessions(), r.flows(), apps,
                    r.allowed(), r.violation(), r.denied()));
            endpoints.add(r.client());
            endpoints.add(r.server());
        }
        String[] workloadIds = endpoints.stream().filter(e -> !e.startsWith("ip:")).toArray(String[]::new);
        Map<String, String> names = new HashMap<>();
        for (var e : Jdbc.list(c, "SELECT id, name FROM workloads WHERE tenant_id = ? AND id = ANY(?)",
                rs -> Map.entry(rs.getString(1), rs.getString(2)), caller.tenant(), workloadIds)) {
            names.put(e.getKey(), e.getValue());
        }
        Map<String, GraphView.GraphNode> groupNodes = new LinkedHashMap<>();
        List<GraphView.GraphNode> nodes = new ArrayList<>();
        for (String e : endpoints) {
            List<String> groups = m.groupsOfEndpoint(e);
            boolean ext = e.startsWith("ip:");
            nodes.add(new GraphView.GraphNode(e, ext ? "external" : "workload", ext ? e.substring(3) : names.getOrDefault(e, e),
                    groups, null));
            for (String g : groups) {
                Group group = m.groups().get(g);
                groupNodes.computeIfAbsent(g, k -> new GraphView.GraphNode("group:" + k, "group", k, List.of(),
                        group == null ? null : group.mode().display()));
            }
        }
        List<GraphView.GraphNode> all = new ArrayList<>(groupNodes.values());
        all.sort((a, b) -> a.name().compareTo(b.name()));
        all.addAll(nodes);
        return new GraphView(w.from().truncatedTo(ChronoUnit.MINUTES), w.to(), all, edges, truncated);
    }
}
