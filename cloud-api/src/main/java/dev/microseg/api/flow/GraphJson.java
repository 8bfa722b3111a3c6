package dev.microseg.api.flow;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a {@link Graph} as JSON in the shape of {@link GraphView} (same fields, same order,
 * nulls included) with Jackson's streaming generator, straight from the summed edges: a busy
 * hour's answer has ~5,000 edges and ~7,700 nodes (~1.5 MB), and building the record tree
 * first only to walk it again through bean introspection cost more than the writing itself.
 */
final class GraphJson {
    /** Shared buffer pool: requests run on short-lived virtual threads (see JsonBodies.MAPPER). */
    private static final JsonFactory JSON = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
    /** Bytes per edge plus its two nodes, roughly: sizes the buffer so it rarely grows. */
    private static final int BYTES_PER_EDGE = 300;

    private GraphJson() {
    }

    static byte[] write(Graph g) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + g.edges().size() * BYTES_PER_EDGE);
        try (JsonGenerator j = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            j.writeStartObject();
            j.writeStringField("from", g.from().toString());
            j.writeStringField("to", g.to().toString());
            j.writeArrayFieldStart("nodes");
            for (Graph.GroupNode n : g.groups()) {
                node(j, "group:" + n.name(), "group", n.name(), List.of(), n.policyMode());
            }
            for (Graph.EndpointNode n : g.endpoints()) {
                node(j, n.id(), n.external() ? "external" : "workload", n.name(), n.groups(), null);
            }
            j.writeEndArray();
            j.writeArrayFieldStart("edges");
            for (EdgeSums.Edge e : g.edges()) {
                j.writeStartObject();
                j.writeStringField("from", e.client());
                j.writeStringField("to", e.server());
                j.writeNumberField("bytes", e.bytes());
                j.writeNumberField("packets", e.packets());
                j.writeNumberField("sessions", e.sessions());
                j.writeNumberField("flows", e.flows());
                strings(j, "applications", e.applications());
                j.writeNumberField("allowed", e.allowed());
                j.writeNumberField("violation", e.violation());
                j.writeNumberField("denied", e.denied());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeBooleanField("truncated", g.truncated());
            j.writeNumberField("max_edges", g.maxEdges());
            j.writeNumberField("total_edges", g.totalEdges());
            j.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the graph to memory", e);
        }
        return out.toByteArray();
    }

    private static void node(JsonGenerator j, String id, String kind, String name, List<String> groups, String policyMode)
            throws IOException {
        j.writeStartObject();
        j.writeStringField("id", id);
        j.writeStringField("kind", kind);
        j.writeStringField("name", name);
        strings(j, "groups", groups);
        j.writeStringField("policy_mode", policyMode);
        j.writeEndObject();
    }

    private static void strings(JsonGenerator j, String field, List<String> values) throws IOException {
        j.writeArrayFieldStart(field);
        for (String v : values) {
            j.writeString(v);
        }
        j.writeEndArray();
    }
}
