package dev.microseg.api.flow;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.inventory.MembershipIndex;
import dev.microseg.model.group.Group;
import dev.microseg.model.group.Membership;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Builds the topology from the edge rollup (never from raw flows): whole UTC hours of the
 * window from the hourly tier, the ragged minutes at either end from the minute tier
 * ({@link EdgeTiers}); the rows are streamed and summed per edge here ({@link EdgeSums}); names
 * and group membership come from the cached {@link MembershipIndex}. The window's start is
 * rounded down to the minute, the rollup's resolution.
 */
@Singleton
public class GraphService {
    private static final Logger LOG = LoggerFactory.getLogger(GraphService.class);
    public static final int DEFAULT_MAX_EDGES = 5000;
    /** Bound on edges returned; a topology view with more is unreadable anyway. */
    public static final int MAX_EDGES = 50_000;
    /** Rows per fetch while streaming the rollup: bounds memory for long windows (~100 bytes a row). */
    static final int FETCH_ROWS = 20_000;

    private static final String TIER = "SELECT client, server, application, verdict, flows, sessions, packets, bytes FROM %s "
            + "WHERE tenant_id = ? AND bucket >= ? AND bucket < ? "
            + "AND (?::text[] IS NULL OR client = ANY(?::text[]) OR server = ANY(?::text[]) "
            + "OR (? AND (client LIKE 'ip:%%' OR server LIKE 'ip:%%')))";
    /** Leading minutes, whole hours, trailing minutes; an empty range costs one index probe. */
    private static final String EDGES = String.format(TIER, "flow_edges") + " UNION ALL " + String.format(TIER, "flow_edges_hourly")
            + " UNION ALL " + String.format(TIER, "flow_edges");

    private final TenantTx tx;
    private final MembershipIndex membership;
    private final boolean hourlyTier;

    public GraphService(TenantTx tx, MembershipIndex membership,
                        @Value("${microseg.graph.hourly-tier:true}") boolean hourlyTier) {
        this.tx = tx;
        this.membership = membership;
        this.hourlyTier = hourlyTier;
    }

    public Graph graph(Caller caller, TimeWindow w, String focus, Integer maxEdges) {
        return graph(caller, w, focus, maxEdges, hourlyTier);
    }

    /** As {@link #graph(Caller, TimeWindow, String, Integer)}, choosing whether whole hours come from the hourly tier. */
    Graph graph(Caller caller, TimeWindow w, String focus, Integer maxEdges, boolean hourly) {
        int max = maxEdges == null ? DEFAULT_MAX_EDGES : maxEdges;
        if (max < 1 || max > MAX_EDGES) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "max_edges", "must be between 1 and " + MAX_EDGES);
        }
        EdgeTiers plan = EdgeTiers.plan(w, hourly);
        return tx.read(caller.tenant(), c -> {
            MembershipIndex.Snapshot m = membership.get(c, caller.tenant());
            String[] members = null;
            Predicate<EdgeSums.Edge> keep = e -> true;
            boolean external = false;
            if (focus != null) {
                Group g = m.groups().get(focus);
                if (g == null) {
                    throw ApiException.field(ErrorCode.INVALID_QUERY, "group", "group '" + focus + "' does not exist");
                }
                if (g.membership() instanceof Membership.Addresses addresses) {
                    // An address group covers every address in its CIDRs: the data plane matches a rule naming it by
                    // address, so a workload with an address inside is the group's too (as /connections?group= finds
                    // by IP). The rollup keeps workload ids, not their addresses: those workloads come from the
                    // inventory, and SQL narrows to them plus edges with an outside end, whose addresses are checked here.
                    external = true;
                    members = workloadsIn(c, caller.tenant(), addresses);
                    Set<String> inside = Set.of(members);
                    Predicate<String> touches = id -> id.startsWith("ip:") ? m.groupsOfEndpoint(id).contains(focus) : inside.contains(id);
                    keep = e -> touches.test(e.client()) || touches.test(e.server());
                } else {
                    members = m.membersOf().getOrDefault(focus, Set.of()).toArray(String[]::new);
                }
            }
            long t0 = System.nanoTime();
            EdgeSums sums = sum(c, caller, plan, members, external);
            long t1 = System.nanoTime();
            List<EdgeSums.Edge> edges = sums.sorted(keep);
            int total = edges.size();
            boolean truncated = total > max;
            if (truncated) {
                edges = List.copyOf(edges.subList(0, max));
            }
            Graph graph = assemble(w, m, edges, truncated, max, total);
            if (LOG.isDebugEnabled()) {
                LOG.debug("graph tenant={} hours={} rows={} edges={} kept={} read_ms={} build_ms={}", caller.tenant(), plan.hours(),
                        sums.rows(), total, edges.size(), (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            }
            return graph;
        });
    }

    /** Ids of the tenant's workloads with an address in one of the group's CIDRs. */
    private static String[] workloadsIn(Connection c, UUID tenant, Membership.Addresses group) throws SQLException {
        String[] cidrs = group.cidrs().stream().map(Object::toString).toArray(String[]::new);
        return Jdbc.list(c, "SELECT id FROM workloads w WHERE tenant_id = ? "
                + "AND EXISTS (SELECT 1 FROM unnest(w.addresses) a WHERE a <<= ANY(?::cidr[]))", rs -> rs.getString(1), tenant, cidrs)
                .toArray(String[]::new);
    }

    private static EdgeSums sum(Connection c, Caller caller, EdgeTiers plan, String[] members, boolean external) throws SQLException {
        Instant[][] ranges = {{plan.minutesFrom(), plan.hoursFrom()}, {plan.hoursFrom(), plan.hoursTo()}, {plan.hoursTo(), plan.minutesTo()}};
        EdgeSums sums = new EdgeSums();
        try (PreparedStatement ps = c.prepareStatement(EDGES)) {
            int i = 1;
            for (Instant[] r : ranges) {
                ps.setObject(i++, caller.tenant());
                ps.setTimestamp(i++, Timestamp.from(r[0]));
                ps.setTimestamp(i++, Timestamp.from(r[1]));
                java.sql.Array a = members == null ? null : c.createArrayOf("text", members);
                ps.setObject(i++, a);
                ps.setObject(i++, a);
                ps.setObject(i++, a);
                ps.setBoolean(i++, external);
            }
            ps.setFetchSize(FETCH_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sums.add(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                            rs.getLong(7), rs.getLong(8));
                }
            }
        }
        return sums;
    }

    private static Graph assemble(TimeWindow w, MembershipIndex.Snapshot m, List<EdgeSums.Edge> edges, boolean truncated,
                                  int max, int total) {
        // both ends of every edge, sorted and without repeats (cheaper than a TreeSet at ~10,000 ids)
        String[] all = new String[edges.size() * 2];
        int n = 0;
        for (EdgeSums.Edge e : edges) {
            all[n++] = e.client();
            all[n++] = e.server();
        }
        Arrays.sort(all);
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i == 0 || !all[i].equals(all[i - 1])) {
                ids.add(all[i]);
            }
        }
        TreeMap<String, Graph.GroupNode> groups = new TreeMap<>();
        List<Graph.EndpointNode> endpoints = new ArrayList<>(ids.size());
        for (String id : ids) {
            List<String> of = m.groupsOfEndpoint(id);
            boolean ext = id.startsWith("ip:");
            endpoints.add(new Graph.EndpointNode(id, ext, ext ? id.substring(3) : m.names().getOrDefault(id, id), of));
            for (String g : of) {
                if (!groups.containsKey(g)) {
                    Group group = m.groups().get(g);
                    groups.put(g, new Graph.GroupNode(g, group == null ? null : group.mode().display()));
                }
            }
        }
        return new Graph(w.from().truncatedTo(ChronoUnit.MINUTES), w.to(), List.copyOf(groups.values()), endpoints, edges,
                truncated, max, total);
    }
}
