package dev.microseg.api.group;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.error.JsonBodies;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for the {@code groups} table; callers pass the tenant transaction's connection. */
public final class GroupStore {
    private static final String COLUMNS = "name, policy_mode, criteria::text AS criteria, cidrs, comment, created_at, updated_at";
    private static final TypeReference<List<CriterionBody>> CRITERIA = new TypeReference<>() {
    };

    private GroupStore() {
    }

    /** A stored group with its timestamps. */
    public record Row(GroupDef def, java.time.Instant createdAt, java.time.Instant updatedAt) {
        public GroupView view() {
            return GroupView.of(def, createdAt, updatedAt);
        }
    }

    /** A page of groups by name, in one round trip ({@link TenantTx#query}). */
    public static List<Row> list(TenantTx tx, UUID tenant, String afterName, int limit) {
        return tx.query(tenant, "SELECT " + COLUMNS + " FROM groups WHERE tenant_id = ? AND (?::text IS NULL OR name > ?) "
                + "ORDER BY name LIMIT ?", GroupStore::row, tenant, afterName, afterName, limit);
    }

    /** One group, in one round trip ({@link TenantTx#query}). */
    public static Optional<Row> get(TenantTx tx, UUID tenant, String name) {
        return tx.queryOne(tenant, "SELECT " + COLUMNS + " FROM groups WHERE tenant_id = ? AND name = ?", GroupStore::row, tenant, name);
    }

    public static List<Row> all(Connection c, UUID tenant) throws SQLException {
        return Jdbc.list(c, "SELECT " + COLUMNS + " FROM groups WHERE tenant_id = ? ORDER BY name", GroupStore::row, tenant);
    }

    public static Optional<Row> get(Connection c, UUID tenant, String name) throws SQLException {
        return Jdbc.one(c, "SELECT " + COLUMNS + " FROM groups WHERE tenant_id = ? AND name = ?", GroupStore::row, tenant, name);
    }

    public static boolean exists(Connection c, UUID tenant, String name) throws SQLException {
        return Jdbc.count(c, "SELECT count(*) FROM groups WHERE tenant_id = ? AND name = ?", tenant, name) > 0;
    }

    public static Row insert(Connection c, UUID tenant, GroupDef def) throws SQLException {
        return insertIfAbsent(c, tenant, def).orElseThrow(() -> new SQLException("group " + def.name() + " exists", "23505"));
    }

    /** Inserts the group unless one of that name exists (then empty): the existence check and the insert in one statement. */
    public static Optional<Row> insertIfAbsent(Connection c, UUID tenant, GroupDef def) throws SQLException {
        GroupBody b = def.toBody();
        return Jdbc.one(c, "INSERT INTO groups (tenant_id, name, policy_mode, criteria, cidrs, comment) "
                        + "VALUES (?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING " + COLUMNS, GroupStore::row,
                tenant, b.name(), b.policyMode(), criteriaJson(b), cidrs(b), b.comment());
    }

    public static Row update(Connection c, UUID tenant, GroupDef def) throws SQLException {
        GroupBody b = def.toBody();
        return Jdbc.one(c, "UPDATE groups SET policy_mode = ?, criteria = ?::jsonb, cidrs = ?, comment = ?, updated_at = now() "
                        + "WHERE tenant_id = ? AND name = ? RETURNING " + COLUMNS, GroupStore::row,
                b.policyMode(), criteriaJson(b), cidrs(b), b.comment(), tenant, b.name()).orElseThrow();
    }

    public static void delete(Connection c, UUID tenant, String name) throws SQLException {
        Jdbc.update(c, "DELETE FROM groups WHERE tenant_id = ? AND name = ?", tenant, name);
    }

    /** Ids of the rules whose from or to is this group, ascending. */
    public static List<Long> referencingRules(Connection c, UUID tenant, String name) throws SQLException {
        return Jdbc.list(c, "SELECT id FROM rules WHERE tenant_id = ? AND (from_group = ? OR to_group = ?) ORDER BY id",
                rs -> rs.getLong(1), tenant, name, name);
    }

    private static String[] cidrs(GroupBody b) {
        return b.cidrs() == null ? null : b.cidrs().toArray(String[]::new);
    }

    private static String criteriaJson(GroupBody b) {
        if (b.criteria() == null) {
            return null;
        }
        try {
            return JsonBodies.MAPPER.writeValueAsString(b.criteria());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("criteria not serialisable", e);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        List<CriterionBody> criteria = null;
        String json = rs.getString("criteria");
        if (json != null) {
            try {
                criteria = JsonBodies.MAPPER.readValue(json, CRITERIA);
            } catch (JsonProcessingException e) {
                throw new SQLException("stored criteria unreadable: " + e.getOriginalMessage(), e);
            }
        }
        GroupBody body = new GroupBody(rs.getString("name"), rs.getString("policy_mode"), criteria,
                Jdbc.strings(rs, "cidrs"), rs.getString("comment"));
        return new Row(GroupDef.validate(body, null), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
    }

}
