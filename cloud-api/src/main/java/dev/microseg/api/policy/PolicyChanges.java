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
 *
 * <p>Durability: the commit waits for the WAL flush ({@code synchronous_commit} is left at
 * PostgreSQL's default, {@code on}): a 201 means the change and its revision survive a crash.
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
     *
     * <p>Statements: the tenant binding travels with the row lock, and the version bump,
     * revision, audit row and NOTIFY are one statement, so creating a group is five statements
     * (bind, lock, insert, record, COMMIT) where it was nine.
     */
    public <T> T apply(Caller caller, String action, String summary, boolean always, Work<T> work) {
        UUID tenant = caller.tenant();
        return tx.write(tenant, new TenantTx.Lead<>("SELECT policy_version FROM tenants WHERE id = ? FOR UPDATE",
                rs -> rs.getLong(1), tenant), (c, locked) -> {
            if (locked.isEmpty()) {
                throw new IllegalStateException("tenant row missing: " + tenant);
            }
            ChangeSet set = new ChangeSet(c, tenant);
            T result = work.run(set);
            if (!set.changes().isEmpty() || always) {
                record(c, caller, action, summary, json(set.changes()));
            } else {
                AuditLog.record(c, tenant, caller.actor(), action, summary, Map.of("summary", summary));
            }
            return result;
        });
    }

    /**
     * Bumps {@code policy_version}, stores the revision under the new number, writes the audit
     * row and queues the NOTIFY (sent at commit) — one statement, one row per table. Returns the
     * new version.
     */
    private static long record(Connection c, Caller caller, String action, String summary, String changes) throws SQLException {
        String tenant = caller.tenant().toString();
        return Jdbc.one(c, "WITH v AS (UPDATE tenants SET policy_version = policy_version + 1 WHERE id = ?::uuid RETURNING policy_version), "
                        + "r AS (INSERT INTO policy_revisions (tenant_id, n, actor, summary, changes) "
                        + "  SELECT ?::uuid, policy_version, ?, ?, ?::jsonb FROM v), "
                        + "a AS (INSERT INTO audit_log (tenant_id, actor, action, target, detail) "
                        + "  SELECT ?::uuid, ?, ?, ?, jsonb_build_object('summary', ?::text, 'policy_version', policy_version) FROM v) "
                        + "SELECT policy_version, pg_notify(?, '{\"tenant_id\":\"' || ?::text || '\",\"policy_version\":' || policy_version || '}') "
                        + "FROM v",
                rs -> rs.getLong(1),
                tenant, tenant, caller.actor(), summary, changes, tenant, caller.actor(), action, summary, summary, CHANNEL, tenant)
                .orElseThrow(() -> new IllegalStateException("tenant row missing: " + tenant));
    }

    private static String json(Object o) {
        try {
            return JsonBodies.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("revision not serialisable", e);
        }
    }
}
