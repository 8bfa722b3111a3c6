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
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A graph focused on an address group keeps every edge with an end in the group's CIDRs: an
 * address outside the cluster (IPv4 or IPv6), and a workload whose address lies in them (the
 * data plane matches a rule naming the group by address, so such traffic is the group's too).
 * Heavier edges outside the group must not crowd its edges out, and the graph must show the
 * same endpoint pairs {@code /connections?group=} lists for the group.
 */
@ApiTest
class AddressGroupGraphTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;
    @Inject
    InventoryStore inventory;
    @Inject
    FlowIngestor flows;

    /** More noise edges than the max_edges asked for, so that a filter applied after the cut would lose the group's. */
    static final int NOISE_EDGES = 30;
    static final int MAX_EDGES = 5;

    @Test
    void focusOnAnAddressGroupKeepsEveryEdgeTouchingItsCidrs() {
        var t = tenants.create();
        assertThat(http.post("/api/v1/group", t.editor(), "{\"name\":\"partner\",\"cidrs\":[\"203.0.113.0/24\",\"2001:db8::/32\"]}").status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/group", t.editor(), "{\"name\":\"web\",\"criteria\":[{\"key\":\"app\",\"op\":\"=\",\"value\":\"web\"}]}")
                .status()).isEqualTo(201);
        UUID node = UUID.randomUUID();
        inventory.upsertNode(t.id(), new Node(node, "host-1", "0.1.0", 1, true, Instant.now()));
        inventory.upsertWorkloads(t.id(), List.of(
                new Workload("w-web-1", "web-1", node.toString(), Map.of("app", "web"), List.of(ip("10.0.0.1")), ""),
                new Workload("w-gw", "gw", node.toString(), Map.of("app", "gw"), List.of(ip("203.0.113.200")), "")));

        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(300);
        List<FlowRecord> batch = new ArrayList<>();
        batch.add(flow(at, "w-web-1", "", "10.0.0.1", "203.0.113.5", 10));            // to an outside address in the group
        batch.add(flow(at, "", "w-web-1", "2001:db8::7", "10.0.0.1", 20));            // from an IPv6 address in the group
        batch.add(flow(at, "w-web-1", "w-gw", "10.0.0.1", "203.0.113.200", 30));      // to a workload whose address is in the group
        for (int i = 1; i <= NOISE_EDGES; i++) {                                     // heavier, outside the group
            batch.add(flow(at, "w-web-1", "", "10.0.0.1", "198.51.100." + i, 1_000_000));
        }
        assertThat(flows.ingest(t.id(), batch)).isEqualTo(3 + NOISE_EDGES);

        JsonNode graph = http.get("/api/v1/graph?group=partner&max_edges=" + MAX_EDGES, t.viewer()).json();
        assertThat(pairs(graph.get("edges"), "from", "to"))
                .containsExactly("ip:2001:db8::7 -> w-web-1", "w-web-1 -> ip:203.0.113.5", "w-web-1 -> w-gw");
        assertThat(graph.get("total_edges").asInt()).isEqualTo(3);
        assertThat(graph.get("truncated").asBoolean()).isFalse();
        assertThat(graph.get("nodes").findValuesAsText("id")).contains("group:partner", "ip:203.0.113.5", "ip:2001:db8::7", "w-gw");

        // the same endpoint pairs as the group's flow records
        JsonNode records = http.get("/api/v1/connections?group=partner", t.viewer()).json().get("items");
        TreeSet<String> fromRecords = new TreeSet<>();
        for (JsonNode r : records) {
            fromRecords.add(endpoint(r, "client") + " -> " + endpoint(r, "server"));
        }
        assertThat(pairs(graph.get("edges"), "from", "to")).isEqualTo(fromRecords);

        // and the whole graph, capped, is the noise: the focus is what found the group's edges
        JsonNode whole = http.get("/api/v1/graph?max_edges=" + MAX_EDGES, t.viewer()).json();
        assertThat(whole.get("total_edges").asInt()).isEqualTo(3 + NOISE_EDGES);
        assertThat(whole.get("edges").findValuesAsText("to")).allMatch(s -> s.startsWith("ip:198.51.100."));
    }

    private static TreeSet<String> pairs(JsonNode edges, String from, String to) {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode e : edges) {
            out.add(e.get(from).asText() + " -> " + e.get(to).asText());
        }
        return out;
    }

    private static String endpoint(JsonNode record, String side) {
        String w = record.get(side + "_workload").asText();
        return w.isEmpty() ? "ip:" + record.get(side + "_ip").asText() : w;
    }

    private static FlowRecord flow(Instant at, String client, String server, String cip, String sip, long bytes) {
        return new FlowRecord(at, "node-1", client, server, ip(cip), ip(sip), Protocol.TCP, 443, 0, 0, Verdict.ALLOWED, 1, 4, bytes);
    }

    private static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }
}
