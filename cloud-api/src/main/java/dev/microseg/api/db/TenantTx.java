package dev.microseg.api.db;

import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 *
 * <p>The binding rides in the same statement string as the transaction's first statement
 * ({@link #query}, {@link #write(UUID, Lead, LeadWork)}): pgjdbc sends the statements of one
 * string separated by {@code ;} in order, and pipelines them into one round trip while they are
 * not yet server-prepared. Correctness never depends on that pipelining: the statements run
 * inside an explicit transaction, so the binding holds even when pgjdbc syncs between them —
 * which it does for every statement once it has server-prepared it (after
 * {@code prepareThreshold} uses) and the result rows have no bounded size. (On an auto-commit
 * connection such a sync ends PostgreSQL's implicit transaction and the second statement runs
 * unbound — it then sees nothing; measured with pgjdbc 42.7.8, see RowLevelSecurityTest.)
 */
@Singleton
public final class TenantTx {
    /** Prefix that binds the tenant in the same statement string as the statement after it. */
    static final String BIND = "SELECT set_config('microseg.tenant_id', ?, true); ";

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

    /** A transaction's first statement, sent in one round trip with the tenant binding. */
    public record Lead<L>(String sql, Jdbc.RowMapper<L> mapper, Object... params) {
        public Lead {
            Objects.requireNonNull(sql, "sql");
            Objects.requireNonNull(mapper, "mapper");
        }
    }

    /** Work that continues a transaction after its {@link Lead}, with the lead's rows. */
    @FunctionalInterface
    public interface LeadWork<L, T> {
        T run(Connection c, List<L> lead) throws SQLException;
    }

    /**
     * Runs read-write work for {@code tenant} whose first statement ({@code lead}, e.g. the
     * tenant-row lock of a policy change) travels with the binding: one round trip fewer than
     * {@link #write(UUID, Work)}. A runtime exception rolls it back.
     */
    public <L, T> T write(UUID tenant, Lead<L> lead, LeadWork<L, T> work) {
        Objects.requireNonNull(tenant, "tenant");
        return tx.execute(TransactionDefinition.DEFAULT, status -> {
            Connection c = status.getConnection();
            try {
                return work.run(c, bound(c, tenant, lead.sql(), lead.mapper(), lead.params()));
            } catch (SQLException e) {
                throw new DataAccessFailure(e);
            }
        });
    }

    /**
     * One read-only statement for {@code tenant}, bound in the same statement string: a get, a
     * page of a list, the API key lookup. Reads of several statements use {@link #read}.
     * Must not be called inside another transaction (it would rebind it).
     */
    public <T> List<T> query(UUID tenant, String sql, Jdbc.RowMapper<T> mapper, Object... params) {
        Objects.requireNonNull(tenant, "tenant");
        if (tx.findTransactionStatus().isPresent()) {
            throw new IllegalStateException("TenantTx.query must not run inside a transaction");
        }
        return tx.execute(TransactionDefinition.READ_ONLY, status -> {
            try {
                return bound(status.getConnection(), tenant, sql, mapper, params);
            } catch (SQLException e) {
                throw new DataAccessFailure(e);
            }
        });
    }

    /** {@link #query} for at most one row. */
    public <T> Optional<T> queryOne(UUID tenant, String sql, Jdbc.RowMapper<T> mapper, Object... params) {
        List<T> rows = query(tenant, sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.getFirst());
    }

    /**
     * Binds {@code tenant} and runs {@code sql} on {@code c}, whose transaction must be open
     * (auto-commit off): the binding lasts until that transaction ends.
     */
    static <T> List<T> bound(Connection c, UUID tenant, String sql, Jdbc.RowMapper<T> mapper, Object... params)
            throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("binding a tenant needs an open transaction, not an auto-commit connection");
        }
        Object[] all = new Object[params.length + 1];
        all[0] = tenant.toString();
        System.arraycopy(params, 0, all, 1, params.length);
        try (PreparedStatement ps = Jdbc.prepare(c, BIND + sql, all)) {
            ps.execute();
            if (!ps.getMoreResults()) {
                throw new SQLException("no rows came back from: " + sql);
            }
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        }
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
