package dev.microseg.api.db;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.TestDatabase;
import dev.microseg.api.support.Tenants;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Row-level security is the second wall: queries that forget their tenant filter still see
 * only the bound tenant's rows, an unbound connection sees nothing, and the application role
 * can neither bypass nor disable the policies.
 */
@ApiTest
class RowLevelSecurityTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;
    @Inject
    TenantTx tx;

    static final List<String> TENANT_TABLES = List.of("api_keys", "audit_log", "groups", "rules", "policy_revisions",
            "workloads", "nodes", "flows", "flow_edges");

    @Test
    void aQueryWithoutTenantFilterSeesOnlyTheBoundTenant() {
        var a = tenants.create();
        var b = tenants.create();
        assertThat(http.post("/api/v1/group", a.admin(), "{\"name\":\"only-a\"}").status()).isEqualTo(201);
        assertThat(http.post("/api/v1/group", b.admin(), "{\"name\":\"only-b\"}").status()).isEqualTo(201);

        // deliberately no WHERE tenant_id = ...
        List<String> seenByB = tx.read(b.id(), c -> Jdbc.list(c, "SELECT name FROM groups", rs -> rs.getString(1)));
        assertThat(seenByB).containsExactly("only-b");
        List<String> tenantsSeen = tx.read(b.id(), c -> Jdbc.list(c, "SELECT name FROM tenants", rs -> rs.getString(1)));
        assertThat(tenantsSeen).containsExactly(b.name());
        for (String table : TENANT_TABLES) {
            long foreign = tx.read(b.id(), c -> Jdbc.count(c, "SELECT count(*) FROM " + table + " WHERE tenant_id <> ?", b.id()));
            assertThat(foreign).as(table).isZero();
        }
    }

    @Test
    void anUnboundConnectionSeesNothingAndCannotWrite() throws SQLException {
        var a = tenants.create();
        assertThat(http.post("/api/v1/group", a.admin(), "{\"name\":\"g\"}").status()).isEqualTo(201);
        try (Connection c = app()) {
            for (String table : TENANT_TABLES) {
                assertThat(Jdbc.count(c, "SELECT count(*) FROM " + table)).as(table).isZero();
            }
            assertThat(Jdbc.count(c, "SELECT count(*) FROM tenants")).isZero();
            assertThatThrownBy(() -> Jdbc.update(c, "INSERT INTO groups (tenant_id, name, policy_mode, criteria) VALUES (?, 'x', 'Monitor', '[]')", a.id()))
                    .hasMessageContaining("row-level security");
        }
    }

    @Test
    void writingIntoAnotherTenantIsRefused() {
        var a = tenants.create();
        var b = tenants.create();
        assertThatThrownBy(() -> tx.write(b.id(), c -> Jdbc.update(c,
                "INSERT INTO groups (tenant_id, name, policy_mode, criteria) VALUES (?, 'planted', 'Monitor', '[]')", a.id())))
                .hasMessageContaining("row-level security");
        int updated = tx.write(b.id(), c -> Jdbc.update(c, "UPDATE tenants SET policy_version = 99 WHERE id = ?", a.id()));
        assertThat(updated).isZero();
    }

    @Test
    void theAppRoleCannotBypassOrDisableRls() throws SQLException {
        var a = tenants.create();
        assertThat(http.post("/api/v1/group", a.admin(), "{\"name\":\"g\"}").status()).isEqualTo(201);
        try (Connection c = app()) {
            var attrs = Jdbc.one(c, "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
                    rs -> new boolean[] {rs.getBoolean(1), rs.getBoolean(2)}).orElseThrow();
            assertThat(attrs[0]).as("superuser").isFalse();
            assertThat(attrs[1]).as("bypassrls").isFalse();
            assertThat(Jdbc.count(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")).isZero();
            assertThatThrownBy(() -> Jdbc.update(c, "ALTER TABLE groups DISABLE ROW LEVEL SECURITY")).hasMessageContaining("owner");
            assertThatThrownBy(() -> Jdbc.update(c, "ALTER TABLE groups NO FORCE ROW LEVEL SECURITY")).hasMessageContaining("owner");
            assertThatThrownBy(() -> Jdbc.update(c, "DROP POLICY groups_isolation ON groups")).hasMessageContaining("owner");
            Jdbc.update(c, "SET row_security = off");
            assertThatThrownBy(() -> Jdbc.count(c, "SELECT count(*) FROM groups")).hasMessageContaining("row-level security");
            assertThatThrownBy(() -> Jdbc.update(c, "SET ROLE postgres")).isInstanceOf(SQLException.class);
            Jdbc.update(c, "RESET row_security");
            assertThatThrownBy(() -> Jdbc.update(c, "DELETE FROM audit_log")).hasMessageContaining("permission denied");
        }
    }

    private static Connection app() throws SQLException {
        return DriverManager.getConnection(TestDatabase.get().url().replaceAll("\\?.*$", ""), TestDatabase.APP_USER, TestDatabase.APP_PASSWORD);
    }
}
