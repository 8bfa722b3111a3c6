package dev.microseg.model;

import java.util.Objects;

/**
 * A value that does not satisfy the domain's rules, naming the field it came from so that the
 * REST layer can answer with an RFC 9457 problem that points at it.
 */
public final class InvalidFieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    public InvalidFieldException(String field, String reason) {
        super(field + ": " + reason);
        this.field = Objects.requireNonNull(field, "field");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The offending field, as a JSON-pointer-like path relative to the request body (e.g. {@code ports}). */
    public String field() {
        return field;
    }

    /** Why the value was rejected, without the field name. */
    public String reason() {
        return reason;
    }

    /** The same error with the field nested under {@code parent} (e.g. {@code criteria[2].key}). */
    public InvalidFieldException under(String parent) {
        return new InvalidFieldException(parent + (field.startsWith("[") ? "" : ".") + field, reason);
    }
}
