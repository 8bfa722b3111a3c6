package dev.microseg.api.db;

import dev.microseg.api.flow.FlowIngestor;
import dev.microseg.api.inventory.InventoryStore;
import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.TestDatabase;
import dev.microseg.api.support.Tenants;
import dev.microseg.model.flow.FlowRecord;
import dev.microseg.model.flow.Verdict;
import dev.microseg.model.policy.Protocol;
import dev.microseg.model.workload.Node;
import dev.microseg.model.workload.Workload;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
    @Inject
    InventoryStore inventory;
    @Inject
    FlowIngestor flows;

    static final List<String> TENANT_TABLES = List.of("api_keys", "audit_log", "groups", "rules", "policy_revisions",
            "workloads", "nodes", "flows", "flow_edges", "flow_edges_hourly");

    /** Every table with a tenant_id column (partitions aside) is in TENANT_TABLES, so the loops below cover them all. */
    @Test
    void tenantTablesListsEveryTenantOwnedTable() throws SQLException {
        try (Connection c = app()) {
            List<String> owned = Jdbc.list(c, "SELECT cl.relname FROM pg_attribute at JOIN pg_class cl ON cl.oid = at.attrelid "
                    + "JOIN pg_namespace ns ON ns.oid = cl.relnamespace WHERE ns.nspname = 'public' AND at.attname = 'tenant_id' "
                    + "AND NOT at.attisdropped AND cl.relkind IN ('r', 'p') AND NOT cl.relispartition", rs -> rs.getString(1));
            assertThat(owned).containsExactlyInAnyOrderElementsOf(TENANT_TABLES);
        }
    }

    /**
     * Puts at least one row of {@code t} in every table of {@link #TENANT_TABLES}, through the
     * code paths that write them in production, and checks that it did: a table the other
     * tenant cannot see rows of proves nothing if it has none.
     */
    private void seedEveryTable(Tenants.TestTenant t) {
        assertThat(http.post("/api/v1/group", t.admin(), "{\"name\":\"g\"}").status()).isEqualTo(201);          // groups, revisions, audit
        assertThat(http.post("/api/v1/policy", t.admin(), "{\"id\":1,\"from\":\"g\",\"to\":\"g\",\"action\":\"allow\"}").status())
                .isEqualTo(201);                                                                                       // rules
        UUID node = UUID.randomUUID();
        inventory.upsertNode(t.id(), new Node(node, "host", "0.1.0", 1, true, Instant.now()));                         // nodes
        inventory.upsertWorkloads(t.id(), List.of(new Workload("w-1", "w1", node.toString(), Map.of("app", "x"),
                List.of(InetAddress.ofLiteral("10.0.0.1")), "")));                                                     // workloads
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        assertThat(flows.ingest(t.id(), List.of(new FlowRecord(at, "node-1", "w-1", "", InetAddress.ofLiteral("10.0.0.1"),
                InetAddress.ofLiteral("93.184.216.34"), Protocol.TCP, 443, 0, 0, Verdict.ALLOWED, 1, 4, 100)))).isEqualTo(1); // flows, both edge tiers
        for (String table : TENANT_TABLES) {
            long own = tx.read(t.id(), c -> Jdbc.count(c, "SELECT count(*) FROM " + table + " WHERE tenant_id = ?", t.id()));
            assertThat(own).as("rows of %s seeded in %s", t.name(), table).isPositive();
        }
    }

    @Test
    void aQueryWithoutTenantFilterSeesOnlyTheBoundTenant() {
        var a = tenants.create();
        var b = tenants.create();
        seedEveryTable(a);
        assertThat(http.post("/api/v1/group", a.admin(), "{\"name\":\"only-a\"}").status()).isEqualTo(201);
        assertThat(http.post("/api/v1/group", b.admin(), "{\"name\":\"only-b\"}").status()).isEqualTo(201);

        // deliberately no WHERE tenant_id = ...
        List<String> seenByB = tx.read(b.id(), c -> Jdbc.list(c, "SELECT name FROM groups ORDER BY name", rs -> rs.getString(1)));
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
        seedEveryTable(a);
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

    /** More executions than pgjdbc's prepareThreshold (5), so the server-prepared path is covered too. */
    static final int PAST_PREPARE_THRESHOLD = 12;

    @Test
    void aBoundQuerySeesOnlyTheBoundTenantAlsoOnceServerPrepared() {
        var a = tenants.create();
        var b = tenants.create();
        assertThat(http.post("/api/v1/group", a.admin(), "{\"name\":\"only-a\"}").status()).isEqualTo(201);
        assertThat(http.post("/api/v1/group", b.admin(), "{\"name\":\"only-b\"}").status()).isEqualTo(201);
        for (int i = 0; i < PAST_PREPARE_THRESHOLD; i++) {
            // deliberately no WHERE tenant_id = ...; a parameter of unspecified type, as a null cursor is
            assertThat(tx.query(b.id(), "SELECT name FROM groups WHERE ?::text IS NULL", rs -> rs.getString(1), (Object) null))
                    .as("run %d", i).containsExactly("only-b");
            assertThat(tx.query(a.id(), "SELECT name FROM groups WHERE ?::text IS NULL", rs -> rs.getString(1), (Object) null))
                    .as("run %d", i).containsExactly("only-a");
        }
    }

    @Test
    void theBindingEndsWithItsTransaction() throws SQLException {
        var a = tenants.create();
        assertThat(http.post("/api/v1/group", a.admin(), "{\"name\":\"g\"}").status()).isEqualTo(201);
        try (Connection c = app()) {
            c.setAutoCommit(false);
            assertThat(TenantTx.bound(c, a.id(), "SELECT count(*) FROM groups", rs -> rs.getLong(1))).containsExactly(1L);
            c.commit();
            // the same session afterwards: the setting is gone and so is every row
            assertThat(Jdbc.one(c, "SELECT coalesce(current_setting('microseg.tenant_id', true), '')", rs -> rs.getString(1)))
                    .contains("");
            assertThat(Jdbc.count(c, "SELECT count(*) FROM groups")).isZero();
            c.commit();
            c.setAutoCommit(true);
            assertThatThrownBy(() -> TenantTx.bound(c, a.id(), "SELECT 1", rs -> rs.getInt(1)))
                    .hasMessageContaining("needs an open transaction");
        }
    }

    /**
     * Why {@link TenantTx} binds inside explicit transactions only: on an auto-commit connection,
     * once pgjdbc has server-prepared the statement string it syncs between its statements, which
     * ends PostgreSQL's implicit transaction, and the query after the binding runs unbound. If this
     * ever stops failing, pgjdbc changed and the reasoning in TenantTx's Javadoc needs a new look.
     */
    @Test
    void pgjdbcSyncsBetweenServerPreparedStatementsSoAutoCommitWouldRunThemUnbound() throws SQLException {
        var a = tenants.create();
        List<String> seen = new java.util.ArrayList<>();
        try (Connection c = app()) {
            for (int i = 0; i < PAST_PREPARE_THRESHOLD; i++) {
                try (var ps = c.prepareStatement(TenantTx.BIND + "SELECT coalesce(current_setting('microseg.tenant_id', true), '') "
                        + "FROM tenants WHERE ?::text IS NULL UNION ALL SELECT 'none'")) {
                    ps.setString(1, a.id().toString());
                    ps.setObject(2, null);
                    ps.execute();
                    assertThat(ps.getMoreResults()).isTrue();
                    try (var rs = ps.getResultSet()) {
                        rs.next();
                        seen.add(rs.getString(1));
                    }
                }
            }
        }
        assertThat(seen.getFirst()).isEqualTo(a.id().toString());
        assertThat(seen.getLast()).as("bound only while pgjdbc pipelines").isEqualTo("none");
    }

    @Test
    void aBoundQueryRefusesToRunInsideATransaction() {
        var a = tenants.create();
        assertThatThrownBy(() -> tx.read(a.id(), c -> tx.query(a.id(), "SELECT 1", rs -> rs.getInt(1))))
                .hasMessageContaining("must not run inside a transaction");
    }

    private static Connection app() throws SQLException {
        return DriverManager.getConnection(TestDatabase.get().url().replaceAll("\\?.*$", ""), TestDatabase.APP_USER, TestDatabase.APP_PASSWORD);
    }
}
