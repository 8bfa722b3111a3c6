package dev.microseg.api.db;

import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import java.util.UUID;

/**
 * The one place where a tenant's transactions begin. Each call opens a Micronaut Data JDBC
 * transaction and, as its first statement, binds the tenant with
 * {@code set_config('microseg.tenant_id', <uuid>, true)}: transaction-local, so it reverts at
 * commit or rollback and never leaks to the next user of the pooled connection. Every
 * row-level-security policy reads that setting, so even a query that forgets its own
 * {@code tenant_id} filter sees only this tenant's rows.
 *
 * <p>Repositories take the {@link Connection} handed to the work; Micronaut Data repositories
 * called inside the work join the same transaction.
 */
@Singleton
public final class TenantTx {
    private final TransactionOperations<Connection> tx;

    public TenantTx(TransactionOperations<Connection> tx) {
        this.tx = tx;
    }

    /** Work done inside a tenant transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs read-only work for {@code tenant}. */
    public <T> T read(UUID tenant, Work<T> work) {
        return run(TransactionDefinition.READ_ONLY, tenant, work);
    }

    /** Runs read-write work for {@code tenant}; a runtime exception rolls it back. */
    public <T> T write(UUID tenant, Work<T> work) {
        return run(TransactionDefinition.DEFAULT, tenant, work);
    }

    /**
     * Runs work bound to no tenant: row-level security then hides every tenant-owned row, so
     * only the SECURITY DEFINER provisioning and partition functions are of use here.
     */
    public <T> T platform(Work<T> work) {
        return tx.execute(TransactionDefinition.DEFAULT, status -> {
            try {
                return work.run(status.getConnection());
            } catch (SQLException e) {
                throw new DataAccessFailure(e);
            }
        });
    }

    private <T> T run(TransactionDefinition definition, UUID tenant, Work<T> work) {
        Objects.requireNonNull(tenant, "tenant");
        return tx.execute(definition, status -> {
            Connection c = status.getConnection();
            try {
                bind(c, tenant);
                return work.run(c);
            } catch (SQLException e) {
                throw new DataAccessFailure(e);
            }
        });
    }

    static void bind(Connection c, UUID tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('microseg.tenant_id', ?, true)")) {
            ps.setString(1, tenant.toString());
            ps.execute();
        }
    }
}
