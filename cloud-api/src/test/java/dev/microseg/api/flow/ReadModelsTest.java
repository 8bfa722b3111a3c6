package dev.microseg.api.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.microseg.api.inventory.InventoryStore;
import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import dev.microseg.model.flow.FlowRecord;
import dev.microseg.model.flow.Verdict;
import dev.microseg.model.policy.Protocol;
import dev.microseg.model.workload.Node;
import dev.microseg.model.workload.Workload;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workloads, nodes, flow ingestion (COPY + rollup), graph, connections and stats, seeded
 * through the same store and ingestion methods the node channel will call.
 */
@ApiTest
class ReadModelsTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;
    @Inject
    InventoryStore inventory;
    @Inject
    FlowIngestor flows;

    static final int MYSQL = 2001;
    static final int HTTP = 1001;

    @Test
    void workloadsNodesGraphConnectionsAndStats() throws Exception {
        var t = tenants.create();
        var other = tenants.create();
        ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"web\",\"policy_mode\":\"Protect\",\"criteria\":[{\"key\":\"app\",\"op\":\"=\",\"value\":\"web\"}]}"));
        ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"db\",\"criteria\":[{\"key\":\"app\",\"op\":\"=\",\"value\":\"db\"}]}"));
        ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"internet\",\"cidrs\":[\"93.184.216.0/24\"]}"));
        UUID nodeId = UUID.randomUUID();
        inventory.upsertNode(t.id(), new Node(nodeId, "host-1", "0.1.0", 1, true, Instant.now()));
        inventory.upsertWorkloads(t.id(), List.of(
                new Workload("w-web-1", "web-1", nodeId.toString(), Map.of("app", "web"), List.of(ip("10.0.0.1")), "02:00:00:00:00:01"),
                new Workload("w-web-2", "web-2", nodeId.toString(), Map.of("app", "web"), List.of(ip("10.0.0.2")), ""),
                new Workload("w-db-1", "db-1", nodeId.toString(), Map.of("app", "db"), List.of(ip("10.0.1.1")), "")));
        inventory.upsertWorkloads(other.id(), List.of(new Workload("w-foreign", "x", "n", Map.of("app", "web"), List.of(), "")));

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<FlowRecord> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {   // one minute of 5-second windows, web-1 -> db-1 MySQL, allowed
            batch.add(flow(now.minusSeconds(600 - i * 5), "w-web-1", "w-db-1", "10.0.0.1", "10.0.1.1", 3306, MYSQL, Verdict.ALLOWED, 2, 1000));
        }
        batch.add(flow(now.minusSeconds(300), "w-web-2", "w-db-1", "10.0.0.2", "10.0.1.1", 3306, MYSQL, Verdict.VIOLATION, 1, 50));
        batch.add(flow(now.minusSeconds(200), "w-db-1", "", "10.0.1.1", "93.184.216.34", 443, HTTP, Verdict.DENIED, 3, 10));
        batch.add(flow(now.minus(3, ChronoUnit.HOURS), "w-web-1", "w-db-1", "10.0.0.1", "10.0.1.1", 3306, MYSQL, Verdict.ALLOWED, 100, 1));
        assertThat(flows.ingest(t.id(), batch)).isEqualTo(15);
        assertThat(flows.ingest(other.id(), List.of(flow(now.minusSeconds(60), "w-foreign", "w-foreign", "10.9.9.9", "10.9.9.8", 80, HTTP, Verdict.ALLOWED, 1, 1))))
                .isEqualTo(1);

        var workloads = http.get("/api/v1/workloads", t.viewer()).json();
        assertThat(workloads.get("items").findValuesAsText("id")).containsExactly("w-db-1", "w-web-1", "w-web-2");
        assertThat(workloads.get("items").get(1).get("groups").get(0).asText()).isEqualTo("web");
        assertThat(workloads.get("items").get(1).get("addresses").get(0).asText()).isEqualTo("10.0.0.1");
        assertThat(http.get("/api/v1/workloads?group=web", t.viewer()).json().get("items").findValuesAsText("id"))
                .containsExactly("w-web-1", "w-web-2");
        var page = http.get("/api/v1/workloads?limit=2", t.viewer()).json();
        assertThat(page.get("items").size()).isEqualTo(2);
        assertThat(http.get("/api/v1/workloads?limit=2&cursor=" + page.get("next_cursor").asText(), t.viewer()).json()
                .get("items").findValuesAsText("id")).containsExactly("w-web-2");

        var nodes = http.get("/api/v1/nodes", t.viewer()).json().get("items");
        assertThat(nodes.size()).isEqualTo(1);
        assertThat(nodes.get(0).get("hostname").asText()).isEqualTo("host-1");
        assertThat(nodes.get(0).get("versions_behind").asLong()).isEqualTo(2);   // policy_version 3, node enforces 1

        JsonNode graph = http.get("/api/v1/graph", t.viewer()).json();
        JsonNode webToDb = edge(graph, "w-web-1", "w-db-1");
        assertThat(webToDb.get("sessions").asLong()).isEqualTo(24);
        assertThat(webToDb.get("bytes").asLong()).isEqualTo(24_000);
        assertThat(webToDb.get("flows").asLong()).isEqualTo(12);
        assertThat(webToDb.get("allowed").asLong()).isEqualTo(24);
        assertThat(webToDb.get("applications").get(0).asText()).isEqualTo("MySQL");
        assertThat(edge(graph, "w-web-2", "w-db-1").get("violation").asLong()).isEqualTo(1);
        assertThat(edge(graph, "w-db-1", "ip:93.184.216.34").get("denied").asLong()).isEqualTo(3);
        assertThat(graph.get("edges").size()).isEqualTo(3);
        assertThat(graph.get("nodes").findValuesAsText("id")).contains("group:web", "group:db", "group:internet", "w-web-1", "ip:93.184.216.34")
                .doesNotContain("w-foreign");
        JsonNode ext = node(graph, "ip:93.184.216.34");
        assertThat(ext.get("kind").asText()).isEqualTo("external");
        assertThat(ext.get("groups").get(0).asText()).isEqualTo("internet");
        assertThat(node(graph, "group:web").get("policy_mode").asText()).isEqualTo("Protect");
        assertThat(node(graph, "w-web-1").get("name").asText()).isEqualTo("web-1");

        JsonNode focused = http.get("/api/v1/graph?group=internet", t.viewer()).json();
        assertThat(focused.get("edges").size()).isEqualTo(1);
        assertThat(http.get("/api/v1/graph?group=web", t.viewer()).json().get("edges").size()).isEqualTo(2);
        JsonNode wide = http.get("/api/v1/graph?from=" + now.minus(4, ChronoUnit.HOURS) + "&to=" + now.plusSeconds(60), t.viewer()).json();
        assertThat(edge(wide, "w-web-1", "w-db-1").get("sessions").asLong()).isEqualTo(124);
        JsonNode capped = http.get("/api/v1/graph?max_edges=1", t.viewer()).json();
        assertThat(capped.get("edges").size()).isEqualTo(1);
        assertThat(capped.get("truncated").asBoolean()).isTrue();
        assertThat(edge(capped, "w-web-1", "w-db-1")).isNotNull();

        var all = http.get("/api/v1/connections", t.viewer()).json().get("items");
        assertThat(all.size()).isEqualTo(14);
        assertThat(all.get(0).get("verdict").asText()).isEqualTo("denied");
        assertThat(all.get(0).get("server_ip").asText()).isEqualTo("93.184.216.34");
        assertThat(all.get(0).get("protocol").asText()).isEqualTo("tcp");
        assertThat(http.get("/api/v1/connections?verdict=violation", t.viewer()).json().get("items").size()).isEqualTo(1);
        assertThat(http.get("/api/v1/connections?application=mysql", t.viewer()).json().get("items").size()).isEqualTo(13);
        assertThat(http.get("/api/v1/connections?port=443", t.viewer()).json().get("items").size()).isEqualTo(1);
        assertThat(http.get("/api/v1/connections?workload=w-web-2", t.viewer()).json().get("items").size()).isEqualTo(1);
        assertThat(http.get("/api/v1/connections?group=internet", t.viewer()).json().get("items").size()).isEqualTo(1);
        assertThat(http.get("/api/v1/connections?group=web&verdict=allowed", t.viewer()).json().get("items").size()).isEqualTo(12);
        assertThat(http.get("/api/v1/connections?from=" + now.minus(4, ChronoUnit.HOURS), t.viewer()).json().get("items").size()).isEqualTo(15);
        // keyset pages over flows: no duplicates, nothing lost, stable while more flows arrive
        List<String> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var p = http.get("/api/v1/connections?limit=4" + (cursor == null ? "" : "&cursor=" + cursor), t.viewer()).json();
            ids.addAll(p.get("items").findValuesAsText("id"));
            cursor = p.get("next_cursor").isNull() ? null : p.get("next_cursor").asText();
            if (pages++ == 0) {
                flows.ingest(t.id(), List.of(flow(now.minusSeconds(30), "w-web-1", "w-db-1", "10.0.0.1", "10.0.1.1", 3306, MYSQL, Verdict.ALLOWED, 1, 1)));
            }
        } while (cursor != null && pages < 10);
        assertThat(ids).hasSize(14).doesNotHaveDuplicates();

        var stats = http.get("/api/v1/stats", t.viewer()).json();
        assertThat(stats.get("workloads").asLong()).isEqualTo(3);
        assertThat(stats.get("groups").asLong()).isEqualTo(3);
        assertThat(stats.get("policies").asLong()).isZero();
        assertThat(stats.get("nodes").asLong()).isEqualTo(1);
        assertThat(stats.get("nodes_connected").asLong()).isEqualTo(1);
        assertThat(stats.get("flows").asLong()).isEqualTo(15);       // the 3-hour-old record is outside the default hour
        assertThat(stats.get("violations").asLong()).isEqualTo(1);
        assertThat(stats.get("denied").asLong()).isEqualTo(3);

        var foreign = http.get("/api/v1/workloads", other.viewer()).json().get("items");
        assertThat(foreign.findValuesAsText("id")).containsExactly("w-foreign");
        assertThat(http.get("/api/v1/graph", other.viewer()).json().get("edges").size()).isEqualTo(1);
    }

    private static JsonNode edge(JsonNode graph, String from, String to) {
        for (JsonNode e : graph.get("edges")) {
            if (e.get("from").asText().equals(from) && e.get("to").asText().equals(to)) {
                return e;
            }
        }
        throw new AssertionError("no edge " + from + " -> " + to + " in " + graph);
    }

    private static JsonNode node(JsonNode graph, String id) {
        for (JsonNode n : graph.get("nodes")) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no node " + id + " in " + graph);
    }

    static FlowRecord flow(Instant at, String client, String server, String cip, String sip, int port, int app, Verdict v,
                           long sessions, long bytesPerSession) throws Exception {
        return new FlowRecord(at, "node-1", client, server, ip(cip), ip(sip), Protocol.TCP, port, app, 0, v, sessions,
                sessions * 4, sessions * bytesPerSession);
    }

    static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    private static void ok(Http.Res r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 201);
    }
}
