package dev.microseg.api.flow;

import dev.microseg.api.auth.Caller;
import dev.microseg.api.auth.Role;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.web.Page;
import dev.microseg.api.web.PageRequest;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.sql.Timestamp;

/** Topology graph, connections and stats: the flow read models. */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Role.VIEWER_ROLE)
@Tag(name = "traffic")
public class FlowController {
    private final GraphService graph;
    private final ConnectionService connections;
    private final TenantTx tx;
    private final boolean hourlyTier;

    public FlowController(GraphService graph, ConnectionService connections, TenantTx tx,
                          @Value("${microseg.graph.hourly-tier:true}") boolean hourlyTier) {
        this.graph = graph;
        this.connections = connections;
        this.tx = tx;
        this.hourlyTier = hourlyTier;
    }

    @Get(uri = "/graph", produces = MediaType.APPLICATION_JSON)
    @Operation(operationId = "getGraph", summary = "Topology over a time window: group, workload and external nodes; edges aggregate flows")
    @ApiResponse(responseCode = "200", description = "the topology; truncated, max_edges and total_edges say whether edges were left out",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GraphView.class)))
    public HttpResponse<byte[]> graph(Authentication auth,
                                      @Parameter(description = "RFC 3339; default: one hour before to") @Nullable @QueryValue String from,
                                      @Parameter(description = "RFC 3339; default: now") @Nullable @QueryValue String to,
                                      @Parameter(description = "only edges touching members of this group") @Nullable @QueryValue String group,
                                      @Parameter(description = "heaviest edges kept (by bytes), default 5000, at most 50000")
                                      @Nullable @QueryValue("max_edges") Integer maxEdges) {
        Graph g = graph.graph(Caller.of(auth), TimeWindow.of(from, to), group, maxEdges);
        return HttpResponse.ok(GraphJson.write(g)).contentType(MediaType.APPLICATION_JSON_TYPE);
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
        EdgeTiers plan = EdgeTiers.plan(w, hourlyTier);
        String window = "tenant_id = t.id AND bucket >= ? AND bucket < ?";
        return tx.queryOne(caller.tenant(), "SELECT "
                        + "(SELECT count(*) FROM workloads WHERE tenant_id = t.id) AS workloads, "
                        + "(SELECT count(*) FROM groups WHERE tenant_id = t.id) AS groups, "
                        + "(SELECT count(*) FROM rules WHERE tenant_id = t.id) AS policies, "
                        + "(SELECT count(*) FROM nodes WHERE tenant_id = t.id) AS nodes, "
                        + "(SELECT count(*) FROM nodes WHERE tenant_id = t.id AND connected) AS connected, "
                        + "t.policy_version, f.flows, f.sessions, f.violations, f.denied "
                        + "FROM tenants t, LATERAL (SELECT coalesce(sum(flows), 0) AS flows, coalesce(sum(sessions), 0) AS sessions, "
                        + "  coalesce(sum(sessions) FILTER (WHERE verdict = 'violation'), 0) AS violations, "
                        + "  coalesce(sum(sessions) FILTER (WHERE verdict = 'denied'), 0) AS denied FROM ("
                        + "    SELECT flows, sessions, verdict FROM flow_edges WHERE " + window
                        + "    UNION ALL SELECT flows, sessions, verdict FROM flow_edges_hourly WHERE " + window
                        + "    UNION ALL SELECT flows, sessions, verdict FROM flow_edges WHERE " + window + ") e) f WHERE t.id = ?",
                rs -> new StatsView(rs.getLong("workloads"), rs.getLong("groups"), rs.getLong("policies"), rs.getLong("nodes"),
                        rs.getLong("connected"), rs.getLong("policy_version"), rs.getLong("flows"), rs.getLong("sessions"),
                        rs.getLong("violations"), rs.getLong("denied"), plan.minutesFrom(), w.to()),
                Timestamp.from(plan.minutesFrom()), Timestamp.from(plan.hoursFrom()), Timestamp.from(plan.hoursFrom()),
                Timestamp.from(plan.hoursTo()), Timestamp.from(plan.hoursTo()), Timestamp.from(plan.minutesTo()), caller.tenant())
                .orElseThrow();
    }
}
