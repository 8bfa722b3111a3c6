package dev.microseg.api.db;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Start-up work done with the schema owner's (admin) credentials, before the application opens
 * its own pool: run the Flyway migrations, then make sure the application's login role exists
 * with the configured password, is neither superuser nor BYPASSRLS, does not own the tables,
 * and holds exactly the grants it needs. Every request then runs as that role, so row-level
 * security always applies.
 */
public final class DatabaseSetup {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSetup.class);
    /** Role names are interpolated into DDL (no bind parameters there): allow only plain identifiers. */
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private DatabaseSetup() {
    }

    /** Connection settings for start-up. */
    public record Settings(String url, String adminUser, String adminPassword, String appUser, String appPassword) {
        public Settings {
            Objects.requireNonNull(url, "MICROSEG_DB_URL");
            Objects.requireNonNull(adminUser, "MICROSEG_DB_ADMIN_USER");
            Objects.requireNonNull(appUser, "MICROSEG_DB_USER");
            Objects.requireNonNull(appPassword, "MICROSEG_DB_PASSWORD");
            if (!ROLE.matcher(appUser).matches()) {
                throw new IllegalArgumentException("MICROSEG_DB_USER '" + appUser + "' must match " + ROLE.pattern());
            }
            if (appUser.equals(adminUser)) {
                throw new IllegalArgumentException("MICROSEG_DB_USER must differ from MICROSEG_DB_ADMIN_USER: "
                        + "the application role must not own the tables, or row-level security could be bypassed");
            }
        }
    }

    /** Migrates the schema and prepares the application role. */
    public static void prepare(Settings s) {
        Flyway flyway = Flyway.configure()
                .dataSource(s.url(), s.adminUser(), s.adminPassword())
                .locations("classpath:db/migration")
                .load();
        var result = flyway.migrate();
        LOG.info("database migrated: applied={} schema_version={}", result.migrationsExecuted, result.targetSchemaVersion);
        try (Connection c = DriverManager.getConnection(s.url(), s.adminUser(), s.adminPassword())) {
            ensureRole(c, s.appUser(), s.appPassword());
            grant(c, s.appUser());
        } catch (SQLException e) {
            throw new IllegalStateException("preparing database role " + s.appUser() + ": " + e.getMessage(), e);
        }
    }

    private static void ensureRole(Connection c, String role, String password) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        String attributes = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD " + literal(password);
        try (Statement st = c.createStatement()) {
            if (!exists) {
                try {
                    st.execute("CREATE ROLE " + role + " " + attributes);
                    LOG.info("created database role {}", role);
                    return;
                } catch (SQLException e) {
                    if (!"42710".equals(e.getSQLState())) { // duplicate_object: another replica won the race
                        throw e;
                    }
                }
            }
            st.execute("ALTER ROLE " + role + " " + attributes);
        }
    }

    private static void grant(Connection c, String role) throws SQLException {
        String db;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            db = rs.getString(1);
        }
        try (Statement st = c.createStatement()) {
            st.execute("GRANT CONNECT, TEMPORARY ON DATABASE \"" + db.replace("\"", "\"\"") + "\" TO " + role);
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
            // Append-only history: the application may add to it, never rewrite it.
            st.execute("REVOKE UPDATE, DELETE ON audit_log, policy_revisions FROM " + role);
            st.execute("REVOKE ALL ON flyway_schema_history FROM " + role);
            // Tenants are provisioned (INSERT, under RLS) but never deleted by the application.
            st.execute("REVOKE DELETE ON tenants FROM " + role);
            st.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
            st.execute("GRANT EXECUTE ON FUNCTION microseg_tenant_id(text), "
                    + "microseg_ensure_flow_partitions(date, integer), microseg_drop_flow_partitions(date) TO " + role);
        }
    }

    /** A SQL string literal; DDL such as CREATE ROLE ... PASSWORD takes no bind parameters. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
