package dev.microseg.api.flow;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.auth.Role;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.sql.Timestamp;
import java.time.temporal.ChronoUnit;

/** Topology graph, connections and stats: the flow read models. */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Role.VIEWER_ROLE)
@Tag(name = "traffic")
public class FlowController {
    private final GraphService graph;
    private final ConnectionService connections;
    private final TenantTx tx;

    public FlowController(GraphService graph, ConnectionService connections, TenantTx tx) {
        this.graph = graph;
        this.connections = connections;
        this.tx = tx;
    }

    @Get("/graph")
    @Operation(operationId = "getGraph", summary = "Topology over a time window: group, workload and external nodes; edges aggregate flows")
    public GraphView graph(Authentication auth,
                           @Parameter(description = "RFC 3339; default: one hour before to") @Nullable @QueryValue String from,
                           @Parameter(description = "RFC 3339; default: now") @Nullable @QueryValue String to,
                           @Parameter(description = "only edges touching members of this group") @Nullable @QueryValue String group,
                           @Parameter(description = "heaviest edges kept (by bytes), default 5000, at most 50000")
                           @Nullable @QueryValue("max_edges") Integer maxEdges) {
        return graph.graph(Caller.of(auth), TimeWindow.of(from, to), group, maxEdges);
    }

    @Get("/connections")
    @Operation(operationId = "listConnections", summary = "Flow records, newest first, filtered by group, workload, verdict, application, port and time")
    public Page<ConnectionView> connections(Authentication auth,
                                            @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                            @Nullable @QueryValue String group, @Nullable @QueryValue String workload,
                                            @Parameter(description = "allowed, violation or denied") @Nullable @QueryValue String verdict,
                                            @Parameter(description = "application name, e.g. MySQL") @Nullable @QueryValue String application,
                                            @Parameter(description = "server port") @Nullable @QueryValue Integer port,
                                            @Nullable @QueryValue Integer limit, @Nullable @QueryValue String cursor) {
        return connections.list(Caller.of(auth), TimeWindow.of(from, to),
                new ConnectionService.Filter(group, workload, verdict, application, port), PageRequest.of(limit, cursor));
    }

    @Get("/stats")
    @Operation(operationId = "getStats", summary = "Counts of workloads, groups, policies, nodes; flows, sessions, violations and denials in a window "
            + "(default the last hour)")
    public StatsView stats(Authentication auth, @Nullable @QueryValue String from, @Nullable @QueryValue String to) {
        Caller caller = Caller.of(auth);
        TimeWindow w = TimeWindow.of(from, to);
        return tx.read(caller.tenant(), c -> Jdbc.one(c, "SELECT "
                        + "(SELECT count(*) FROM workloads WHERE tenant_id = t.id) AS workloads, "
                        + "(SELECT count(*) FROM groups WHERE tenant_id = t.id) AS groups, "
                        + "(SELECT count(*) FROM rules WHERE tenant_id = t.id) AS policies, "
                        + "(SELECT count(*) FROM nodes WHERE tenant_id = t.id) AS nodes, "
                        + "(SELECT count(*) FROM nodes WHERE tenant_id = t.id AND connected) AS connected, "
                        + "t.policy_version, f.flows, f.sessions, f.violations, f.denied "
                        + "FROM tenants t, LATERAL (SELECT coalesce(sum(flows), 0) AS flows, coalesce(sum(sessions), 0) AS sessions, "
                        + "  coalesce(sum(sessions) FILTER (WHERE verdict = 'violation'), 0) AS violations, "
                        + "  coalesce(sum(sessions) FILTER (WHERE verdict = 'denied'), 0) AS denied "
                        + "  FROM flow_edges WHERE tenant_id = t.id AND bucket >= ? AND bucket < ?) f WHERE t.id = ?",
                rs -> new StatsView(rs.getLong("workloads"), rs.getLong("groups"), rs.getLong("policies"), rs.getLong("nodes"),
                        rs.getLong("connected"), rs.getLong("policy_version"), rs.getLong("flows"), rs.getLong("sessions"),
                        rs.getLong("violations"), rs.getLong("denied"), w.from().truncatedTo(ChronoUnit.MINUTES), w.to()),
                Timestamp.from(w.from().truncatedTo(ChronoUnit.MINUTES)), Timestamp.from(w.to()), caller.tenant()).orElseThrow());
    }
}
