package dev.microseg.api.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.microseg.api.auth.Caller;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.inventory.InventoryStore;
import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import dev.microseg.model.app.ApplicationRegistry;
import dev.microseg.model.flow.FlowRecord;
import dev.microseg.model.flow.Verdict;
import dev.microseg.model.policy.Protocol;
import dev.microseg.model.workload.Workload;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hourly tier changes nothing but speed: over the same ingested flows, graphs read through
 * whole hours equal graphs read from minutes only, for aligned, ragged and sub-hour windows,
 * with and without a group filter, truncated or not; and both equal sums computed here from
 * the records themselves. The streamed JSON is the same document the schema record encodes to.
 */
@ApiTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphTiersTest {
    @Inject
    Tenants tenants;
    @Inject
    InventoryStore inventory;
    @Inject
    FlowIngestor flows;
    @Inject
    GraphService graphs;
    @Inject
    TenantTx tx;
    @Inject
    Http http;
    @Inject
    JsonMapper json;

    static final int WORKLOADS = 30;
    static final int[] APPS = {1001, 2001, 2006, 9999};   // 9999 is no known application: "unknown"
    static final String[] OUTSIDE = {"93.184.216.34", "93.184.216.35", "8.8.8.8"};

    Tenants.TestTenant t;
    Caller caller;
    /** Whole UTC hour six hours before the data ends. */
    Instant base;
    List<FlowRecord> records = new ArrayList<>();

    @BeforeAll
    void ingest() throws Exception {
        t = tenants.create();
        caller = new Caller(t.id(), "test");
        ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"web\",\"policy_mode\":\"Protect\",\"criteria\":[{\"key\":\"app\",\"op\":\"=\",\"value\":\"web\"}]}"));
        ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"db\",\"criteria\":[{\"key\":\"app\",\"op\":\"=\",\"value\":\"db\"}]}"));
        ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"ext\",\"cidrs\":[\"93.184.216.0/24\"]}"));
        List<Workload> wl = new ArrayList<>();
        for (int i = 0; i < WORKLOADS; i++) {
            wl.add(new Workload(id(i), "pod-" + i, "node-1", Map.of("app", i % 3 == 0 ? "db" : i % 3 == 1 ? "web" : "other"),
                    List.of(ip(i)), ""));
        }
        inventory.upsertWorkloads(t.id(), wl);

        base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(5, ChronoUnit.HOURS);
        Random rnd = new Random(7);
        for (int batch = 0; batch < 6; batch++) {
            List<FlowRecord> b = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                // whole seconds over six hours: many records share an edge-minute and an edge-hour, across batches
                Instant at = base.plusSeconds(rnd.nextInt(6 * 3600));
                int c = rnd.nextInt(WORKLOADS);
                boolean outside = rnd.nextInt(8) == 0;
                int s = (c + 1 + rnd.nextInt(3)) % WORKLOADS;
                int v = rnd.nextInt(10);
                Verdict verdict = v < 7 ? Verdict.ALLOWED : v < 9 ? Verdict.VIOLATION : Verdict.DENIED;
                long sessions = 1 + rnd.nextInt(5);
                b.add(new FlowRecord(at, "node-1", id(c), outside ? "" : id(s), ip(c),
                        outside ? InetAddress.ofLiteral(OUTSIDE[rnd.nextInt(OUTSIDE.length)]) : ip(s), Protocol.TCP, 443,
                        APPS[rnd.nextInt(APPS.length)], 0, verdict, sessions, sessions * 3, sessions * (100 + rnd.nextInt(1000))));
            }
            assertThat(flows.ingest(t.id(), b)).isEqualTo(b.size());
            records.addAll(b);
        }
    }

    /** Windows relative to {@link #base}: from and to in seconds, and how many whole hours the hourly tier should answer. */
    static final long[][] WINDOWS = {
            {0, 6 * 3600, 6},                       // aligned: hours only
            {450, 5 * 3600 + 800, 4},               // ragged at both ends
            {600, 600 + 3600, 0},                   // one unaligned hour: minutes only
            {3600, 2 * 3600, 1},                    // exactly one hour
            {3540, 3 * 3600 + 60, 2},               // a minute either side of two hours
            {-3600, 7 * 3600, 8},                   // beyond the data on both sides
            {1234, 1234 + 1800, 0}};                // half an hour

    @Test
    void hourlyAndMinuteTiersGiveTheSameGraph() {
        assertThat(rows("flow_edges_hourly")).as("the hourly tier collapses minute rows").isLessThan(rows("flow_edges")).isPositive();
        assertThat(ApplicationRegistry.nameOf(APPS[3])).as("an id no registry entry has").isEqualTo("unknown");
        int compared = 0;
        for (long[] win : WINDOWS) {
            TimeWindow w = window(win);
            assertThat(EdgeTiers.plan(w, true).hours()).as("hours in %s", w).isEqualTo(win[2]);
            for (String focus : new String[] {null, "web", "ext"}) {
                for (Integer max : new Integer[] {null, 7}) {
                    GraphView hourly = graphs.graph(caller, w, focus, max, true).toView();
                    GraphView minutes = graphs.graph(caller, w, focus, max, false).toView();
                    assertThat(hourly).as("%s focus=%s max=%s", w, focus, max).isEqualTo(minutes);
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(WINDOWS.length * 6);
    }

    @Test
    void edgesEqualTheSumsOfTheRecords() {
        for (long[] win : WINDOWS) {
            TimeWindow w = window(win);
            Map<String, long[]> expected = expectedEdges(w);
            GraphView g = graphs.graph(caller, w, null, GraphService.MAX_EDGES, true).toView();
            assertThat(g.truncated()).isFalse();
            assertThat(g.totalEdges()).isEqualTo(expected.size());
            Map<String, long[]> actual = new HashMap<>();
            for (GraphView.GraphEdge e : g.edges()) {
                actual.put(e.from() + ">" + e.to(), new long[] {e.bytes(), e.packets(), e.sessions(), e.flows(), e.allowed(),
                        e.violation(), e.denied()});
            }
            assertThat(actual.keySet()).as("edges of %s", w).isEqualTo(expected.keySet());
            expected.forEach((k, v) -> assertThat(actual.get(k)).as("%s in %s", k, w).containsExactly(v));
            assertThat(g.edges()).isSortedAccordingTo(Comparator.comparingLong(GraphView.GraphEdge::bytes).reversed()
                    .thenComparing(GraphView.GraphEdge::from).thenComparing(GraphView.GraphEdge::to));
        }
    }

    @Test
    void truncationIsStatedWithTheLimitAndTheTotal() {
        TimeWindow w = window(WINDOWS[0]);
        int total = expectedEdges(w).size();
        assertThat(total).isGreaterThan(10);
        GraphView capped = graphs.graph(caller, w, null, 10, true).toView();
        assertThat(capped.truncated()).isTrue();
        assertThat(capped.maxEdges()).isEqualTo(10);
        assertThat(capped.totalEdges()).isEqualTo(total);
        assertThat(capped.edges()).hasSize(10);
        GraphView all = graphs.graph(caller, w, null, total, true).toView();
        assertThat(all.truncated()).isFalse();
        assertThat(all.edges()).hasSize(total);
        assertThat(all.edges().subList(0, 10)).isEqualTo(capped.edges());
        // the nodes are exactly the endpoints of the kept edges, plus their groups
        TreeSet<String> endpoints = new TreeSet<>();
        capped.edges().forEach(e -> {
            endpoints.add(e.from());
            endpoints.add(e.to());
        });
        assertThat(capped.nodes().stream().filter(n -> !n.kind().equals("group")).map(GraphView.GraphNode::id).toList())
                .containsExactlyElementsOf(endpoints);
    }

    @Test
    void theStreamedJsonIsTheDocumentTheSchemaRecordEncodesTo() throws Exception {
        for (String focus : new String[] {null, "ext"}) {
            Graph g = graphs.graph(caller, window(WINDOWS[1]), focus, 25, true);
            String streamed = new String(GraphJson.write(g), StandardCharsets.UTF_8);
            String encoded = new String(json.writeValueAsBytes(g.toView()), StandardCharsets.UTF_8);
            assertThat(streamed).isEqualTo(encoded);
        }
        JsonNode viaHttp = http.get("/api/v1/graph?from=" + base.plusSeconds(450) + "&to=" + base.plusSeconds(5 * 3600 + 800)
                + "&max_edges=25", t.viewer()).json();
        assertThat(viaHttp.get("max_edges").asInt()).isEqualTo(25);
        assertThat(viaHttp.get("edges").size()).isEqualTo(25);
        assertThat(viaHttp.get("truncated").asBoolean()).isTrue();
        assertThat(node(viaHttp, "group:web").get("policy_mode").asText()).isEqualTo("Protect");
    }

    @Test
    void theStreamedJsonEscapesAndWritesNullsLikeTheEncoder() throws Exception {
        EdgeSums.Edge e = new EdgeSums.Edge("w-\"quoted\"", "ip:2001:db8::1");
        e.add(2001, "violation", 1, 2, 3, 4);
        e.add(1001, "denied", 5, 6, 7, 8);
        Graph g = new Graph(base, base.plusSeconds(61), List.of(new Graph.GroupNode("g\\1 \u00e9\u2603", null)),
                List.of(new Graph.EndpointNode("ip:2001:db8::1", true, "2001:db8::1", List.of()),
                        new Graph.EndpointNode("w-\"quoted\"", false, "tab\there\nnewline \uD83D\uDE00", List.of("g\\1 \u00e9\u2603"))),
                List.of(e), false, 1, 1);
        assertThat(new String(GraphJson.write(g), StandardCharsets.UTF_8))
                .isEqualTo(new String(json.writeValueAsBytes(g.toView()), StandardCharsets.UTF_8));
    }

    @Test
    void statsReadTheSameTotalsThroughEitherTier() {
        for (long[] win : WINDOWS) {
            TimeWindow w = window(win);
            long sessions = 0;
            long flowCount = 0;
            long violations = 0;
            for (FlowRecord r : records) {
                if (inside(r, w)) {
                    flowCount++;
                    sessions += r.sessions();
                    violations += r.verdict() == Verdict.VIOLATION ? r.sessions() : 0;
                }
            }
            Http.Res r = http.get("/api/v1/stats?from=" + w.from() + "&to=" + w.to(), t.viewer());
            assertThat(r.status()).as("%s: %s", w, r).isEqualTo(200);
            JsonNode stats = r.json();
            assertThat(stats.get("flows").asLong()).as("flows in %s", w).isEqualTo(flowCount);
            assertThat(stats.get("sessions").asLong()).as("sessions in %s", w).isEqualTo(sessions);
            assertThat(stats.get("violations").asLong()).as("violations in %s", w).isEqualTo(violations);
        }
    }

    /** Per edge: bytes, packets, sessions, flows (records), allowed, violation, denied sessions — from the records. */
    private Map<String, long[]> expectedEdges(TimeWindow w) {
        Map<String, long[]> out = new HashMap<>();
        for (FlowRecord r : records) {
            if (!inside(r, w)) {
                continue;
            }
            String server = r.serverWorkload().isEmpty() ? "ip:" + r.serverIp().getHostAddress() : r.serverWorkload();
            long[] e = out.computeIfAbsent(r.clientWorkload() + ">" + server, k -> new long[7]);
            e[0] += r.bytes();
            e[1] += r.packets();
            e[2] += r.sessions();
            e[3] += 1;
            e[4 + r.verdict().ordinal()] += r.sessions();
        }
        return out;
    }

    /** The minute tier's semantics: the record's minute is at or after from's minute and before to. */
    private static boolean inside(FlowRecord r, TimeWindow w) {
        Instant minute = r.windowStart().truncatedTo(ChronoUnit.MINUTES);
        return !minute.isBefore(w.from().truncatedTo(ChronoUnit.MINUTES)) && minute.isBefore(w.to());
    }

    private TimeWindow window(long[] win) {
        return new TimeWindow(base.plusSeconds(win[0]), base.plusSeconds(win[1]));
    }

    private long rows(String table) {
        return tx.read(t.id(), c -> Jdbc.count(c, "SELECT count(*) FROM " + table + " WHERE tenant_id = ?", t.id()));
    }

    private static JsonNode node(JsonNode graph, String id) {
        for (JsonNode n : graph.get("nodes")) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no node " + id + " in " + graph);
    }

    static String id(int i) {
        return String.format("w-%02d", i);
    }

    static InetAddress ip(int i) {
        return InetAddress.ofLiteral("10.1.0." + (i + 1));
    }

    private static void ok(Http.Res r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 201);
    }
}
