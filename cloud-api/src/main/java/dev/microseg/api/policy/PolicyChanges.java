package dev.microseg.api.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.microseg.api.audit.AuditLog;
import dev.microseg.api.auth.Caller;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.JsonBodies;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The only way groups and rules change. One transaction: lock the tenant row (so changes of
 * one tenant are serialised and every check inside sees a stable state), do the work, then —
 * if anything changed — bump {@code tenants.policy_version}, store a revision with the
 * before/after of each touched object, write an audit row, and {@code pg_notify} the
 * {@value #CHANNEL} channel so other replicas can push the new version to their nodes.
 */
@Singleton
public class PolicyChanges {
    /** LISTEN/NOTIFY channel; payload {"tenant_id": ..., "policy_version": n}. */
    public static final String CHANNEL = "microseg_policy";

    private final TenantTx tx;

    public PolicyChanges(TenantTx tx) {
        this.tx = tx;
    }

    /** What a change did, collected while the work runs. */
    public static final class ChangeSet {
        private final Connection connection;
        private final UUID tenant;
        private final List<Map<String, Object>> changes = new ArrayList<>();

        ChangeSet(Connection connection, UUID tenant) {
            this.connection = connection;
            this.tenant = tenant;
        }

        public Connection connection() {
            return connection;
        }

        public UUID tenant() {
            return tenant;
        }

        /** Records a change of one object; {@code before}/{@code after} null for create/delete. */
        public void record(String kind, String key, Object before, Object after) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind);
            m.put("key", key);
            m.put("before", before == null ? null : JsonBodies.MAPPER.valueToTree(before));
            m.put("after", after == null ? null : JsonBodies.MAPPER.valueToTree(after));
            changes.add(m);
        }

        List<Map<String, Object>> changes() {
            return changes;
        }
    }

    /** Work inside a policy change. */
    @FunctionalInterface
    public interface Work<T> {
        T run(ChangeSet changes) throws SQLException;
    }

    /**
     * Runs {@code work} as one change. {@code summary} describes it in the revision list
     * (e.g. {@code create group web-servers}); with {@code always} a revision is stored even if
     * nothing changed (a restore is always a revision).
     */
    public <T> T apply(Caller caller, String action, String summary, boolean always, Work<T> work) {
        return tx.write(caller.tenant(), c -> {
            Jdbc.one(c, "SELECT policy_version FROM tenants WHERE id = ? FOR UPDATE", rs -> rs.getLong(1), caller.tenant())
                    .orElseThrow(() -> new IllegalStateException("tenant row missing: " + caller.tenant()));
            ChangeSet set = new ChangeSet(c, caller.tenant());
            T result = work.run(set);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("summary", summary);
            if (!set.changes().isEmpty() || always) {
                long version = Jdbc.one(c, "UPDATE tenants SET policy_version = policy_version + 1 WHERE id = ? RETURNING policy_version",
                        rs -> rs.getLong(1), caller.tenant()).orElseThrow();
                Jdbc.update(c, "INSERT INTO policy_revisions (tenant_id, n, actor, summary, changes) VALUES (?, ?, ?, ?, ?::jsonb)",
                        caller.tenant(), version, caller.actor(), summary, json(set.changes()));
                Jdbc.list(c, "SELECT pg_notify(?, ?)", rs -> Boolean.TRUE, CHANNEL,
                        json(Map.of("tenant_id", caller.tenant().toString(), "policy_version", version)));
                detail.put("policy_version", version);
            }
            AuditLog.record(c, caller.tenant(), caller.actor(), action, summary, detail);
            return result;
        });
    }

    private static String json(Object o) {
        try {
            return JsonBodies.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("revision not serialisable", e);
        }
    }
}
