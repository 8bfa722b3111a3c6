package dev.microseg.api.policy;

import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for the {@code rules} table; callers pass the tenant transaction's connection. */
public final class RuleStore {
    private static final String COLUMNS = "id, from_group, to_group, ports, applications, action, disabled, comment, created_at, updated_at";

    private RuleStore() {
    }

    /** A stored rule with its timestamps. */
    public record Row(RuleDef def, Instant createdAt, Instant updatedAt) {
        public RuleView view() {
            return RuleView.of(def, createdAt, updatedAt);
        }
    }

    /** A page of rules by id, in one round trip ({@link TenantTx#query}). */
    public static List<Row> list(TenantTx tx, UUID tenant, Long afterId, int limit) {
        return tx.query(tenant, "SELECT " + COLUMNS + " FROM rules WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?",
                RuleStore::row, tenant, afterId == null ? 0L : afterId, limit);
    }

    /** One rule, in one round trip ({@link TenantTx#query}). */
    public static Optional<Row> get(TenantTx tx, UUID tenant, long id) {
        return tx.queryOne(tenant, "SELECT " + COLUMNS + " FROM rules WHERE tenant_id = ? AND id = ?", RuleStore::row, tenant, id);
    }

    public static List<Row> all(Connection c, UUID tenant) throws SQLException {
        return Jdbc.list(c, "SELECT " + COLUMNS + " FROM rules WHERE tenant_id = ? ORDER BY id", RuleStore::row, tenant);
    }

    public static Optional<Row> get(Connection c, UUID tenant, long id) throws SQLException {
        return Jdbc.one(c, "SELECT " + COLUMNS + " FROM rules WHERE tenant_id = ? AND id = ?", RuleStore::row, tenant, id);
    }

    public static Row insert(Connection c, UUID tenant, RuleDef def) throws SQLException {
        RuleBody b = def.toBody();
        return Jdbc.one(c, "INSERT INTO rules (tenant_id, id, from_group, to_group, ports, applications, action, disabled, comment) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS, RuleStore::row,
                tenant, b.id(), b.from(), b.to(), b.ports(), b.applications().toArray(String[]::new), b.action(), b.disabled(),
                b.comment()).orElseThrow();
    }

    public static Row update(Connection c, UUID tenant, RuleDef def) throws SQLException {
        RuleBody b = def.toBody();
        return Jdbc.one(c, "UPDATE rules SET from_group = ?, to_group = ?, ports = ?, applications = ?, action = ?, disabled = ?, "
                        + "comment = ?, updated_at = now() WHERE tenant_id = ? AND id = ? RETURNING " + COLUMNS, RuleStore::row,
                b.from(), b.to(), b.ports(), b.applications().toArray(String[]::new), b.action(), b.disabled(), b.comment(),
                tenant, b.id()).orElseThrow();
    }

    public static void delete(Connection c, UUID tenant, long id) throws SQLException {
        Jdbc.update(c, "DELETE FROM rules WHERE tenant_id = ? AND id = ?", tenant, id);
    }

    private static Row row(ResultSet rs) throws SQLException {
        RuleBody body = new RuleBody(rs.getLong("id"), rs.getString("from_group"), rs.getString("to_group"), rs.getString("ports"),
                Jdbc.strings(rs, "applications"), rs.getString("action"), rs.getBoolean("disabled"), rs.getString("comment"));
        return new Row(RuleDef.validate(body, null), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
    }
}
