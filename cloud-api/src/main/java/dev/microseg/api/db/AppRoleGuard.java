package dev.microseg.api.db;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Refuses to start when the application's pool logs in as a role that row-level security does
 * not bind: a superuser, a BYPASSRLS role, or the owner of the tables (e.g. a JDBC URL carrying
 * {@code ?user=postgres}, which overrides the configured user in pgjdbc).
 */
@Context
@Requires(property = "microseg.db.role-guard", notEquals = "false", defaultValue = "true")
public class AppRoleGuard {
    private final TenantTx tx;

    public AppRoleGuard(TenantTx tx) {
        this.tx = tx;
    }

    @PostConstruct
    void check() {
        tx.platform(c -> {
            check(c);
            return null;
        });
    }

    private static void check(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user, r.rolsuper, r.rolbypassrls, "
                     + "(SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) "
                     + "FROM pg_roles r WHERE r.rolname = current_user")) {
            rs.next();
            if (rs.getBoolean(2) || rs.getBoolean(3) || rs.getLong(4) > 0) {
                throw new IllegalStateException("the application's database role '" + rs.getString(1)
                        + "' is a superuser, has BYPASSRLS or owns tables: row-level security would not apply. "
                        + "Use MICROSEG_DB_USER (default microseg_app) and keep user= out of MICROSEG_DB_URL");
            }
        }
    }
}
