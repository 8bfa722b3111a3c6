package dev.microseg.api.db;

import java.sql.SQLException;

/** An unexpected database error, unchecked so that it rolls the transaction back. */
public final class DataAccessFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataAccessFailure(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** The SQLSTATE of the underlying error, e.g. {@code 23505} for a unique violation. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }
}
