package dev.microseg.api.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.JsonBodies;
import dev.microseg.model.net.IpAddresses;
import dev.microseg.model.workload.Node;
import dev.microseg.model.workload.Workload;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The workload and node read models. The node channel (a later issue) calls the upsert
 * methods as nodes report; the REST API reads.
 */
@Singleton
public class InventoryStore {
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };

    private final TenantTx tx;

    public InventoryStore(TenantTx tx) {
        this.tx = tx;
    }

    /** A workload row: the domain record plus its update time. */
    public record WorkloadRow(Workload workload, Instant updatedAt) {
    }

    /** Inserts or replaces workloads as one batch. */
    public void upsertWorkloads(UUID tenant, Collection<Workload> workloads) {
        tx.write(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workloads (tenant_id, id, name, node_id, labels, addresses, mac) "
                    + "VALUES (?, ?, ?, ?, ?::jsonb, ?::inet[], ?) ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, "
                    + "node_id = EXCLUDED.node_id, labels = EXCLUDED.labels, addresses = EXCLUDED.addresses, mac = EXCLUDED.mac, "
                    + "updated_at = now()")) {
                for (Workload w : workloads) {
                    ps.setObject(1, tenant);
                    ps.setString(2, w.id());
                    ps.setString(3, w.name());
                    ps.setString(4, w.nodeId());
                    ps.setString(5, JsonBodies.MAPPER.writeValueAsString(w.labels()));
                    ps.setArray(6, c.createArrayOf("text", w.addresses().stream().map(IpAddresses::format).toArray()));
                    ps.setString(7, w.mac());
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("labels not serialisable", e);
            }
            return null;
        });
    }

    public void deleteWorkloads(UUID tenant, Collection<String> ids) {
        tx.write(tenant, c -> Jdbc.update(c, "DELETE FROM workloads WHERE tenant_id = ? AND id = ANY(?)", tenant,
                ids.toArray(String[]::new)));
    }

    /** Inserts or replaces a node's read-model row. */
    public void upsertNode(UUID tenant, Node n) {
        tx.write(tenant, c -> Jdbc.update(c, "INSERT INTO nodes (tenant_id, id, hostname, agent_version, enforced_policy_version, "
                        + "connected, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, id) DO UPDATE SET "
                        + "hostname = EXCLUDED.hostname, agent_version = EXCLUDED.agent_version, "
                        + "enforced_policy_version = EXCLUDED.enforced_policy_version, connected = EXCLUDED.connected, "
                        + "last_seen = EXCLUDED.last_seen",
                tenant, n.id(), n.hostname(), n.agentVersion(), n.enforcedPolicyVersion(), n.connected(),
                n.lastSeen() == null ? null : Timestamp.from(n.lastSeen())));
    }

    public static List<WorkloadRow> workloads(Connection c, UUID tenant, String afterId, int limit, String[] onlyIds)
            throws SQLException {
        return Jdbc.list(c, "SELECT id, name, node_id, labels::text AS labels, addresses::text[] AS addresses, mac, updated_at "
                        + "FROM workloads WHERE tenant_id = ? AND (?::text IS NULL OR id > ?) "
                        + "AND (?::text[] IS NULL OR id = ANY(?::text[])) ORDER BY id LIMIT ?",
                InventoryStore::workload, tenant, afterId, afterId, onlyIds, onlyIds, limit);
    }

    /** A workload's name and labels, keyed by id in {@link #labels}. */
    public record Labelled(String name, Map<String, String> labels) {
    }

    /** Every workload's name and labels: what group membership (and the graph's node names) come from. */
    public static Map<String, Labelled> labels(Connection c, UUID tenant) throws SQLException {
        Map<String, Labelled> out = new java.util.HashMap<>();
        for (var row : Jdbc.list(c, "SELECT id, name, labels::text AS labels FROM workloads WHERE tenant_id = ?",
                rs -> Map.entry(rs.getString("id"), new Labelled(rs.getString("name"), readLabels(rs.getString("labels")))), tenant)) {
            out.put(row.getKey(), row.getValue());
        }
        return out;
    }

    /** A page of nodes by id with how far each is behind the tenant's policy, in one round trip. */
    public static List<NodeView> nodes(TenantTx tx, UUID tenant, UUID after, int limit) {
        return tx.query(tenant, "SELECT n.id, n.hostname, n.agent_version, n.enforced_policy_version, n.connected, n.last_seen, "
                        + "t.policy_version FROM nodes n JOIN tenants t ON t.id = n.tenant_id "
                        + "WHERE n.tenant_id = ? AND (?::uuid IS NULL OR n.id > ?::uuid) ORDER BY n.id LIMIT ?",
                rs -> new NodeView(rs.getObject("id", UUID.class), rs.getString("hostname"), rs.getString("agent_version"),
                        rs.getLong("enforced_policy_version"),
                        Math.max(0, rs.getLong("policy_version") - rs.getLong("enforced_policy_version")),
                        rs.getBoolean("connected"), Jdbc.instant(rs, "last_seen")),
                tenant, after, after, limit);
    }

    private static WorkloadRow workload(ResultSet rs) throws SQLException {
        List<InetAddress> addresses = new ArrayList<>();
        List<String> raw = Jdbc.strings(rs, "addresses");
        if (raw != null) {
            for (String a : raw) {
                int slash = a.indexOf('/');
                addresses.add(IpAddresses.parse("addresses", slash < 0 ? a : a.substring(0, slash)));
            }
        }
        Workload w = new Workload(rs.getString("id"), rs.getString("name"), rs.getString("node_id"),
                readLabels(rs.getString("labels")), addresses, rs.getString("mac"));
        return new WorkloadRow(w, Jdbc.instant(rs, "updated_at"));
    }

    static Map<String, String> readLabels(String json) throws SQLException {
        try {
            return JsonBodies.MAPPER.readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored labels unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
