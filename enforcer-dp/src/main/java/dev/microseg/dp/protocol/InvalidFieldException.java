package dev.microseg.dp.protocol;

/**
 * Thrown by a record's compact constructor when a component is invalid. It names the component in
 * its wire spelling ({@code sipr}, not {@code sourceRangeEnd}) so the decoder can prefix the JSON path
 * of the enclosing object and report {@code ctrl_cfg_policy.rules[3].sipr: ...}.
 */
public final class InvalidFieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final ControlError error;

    public InvalidFieldException(String field, ControlError error, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.error = error;
    }

    public InvalidFieldException(String field, String reason) {
        this(field, ControlError.INVALID_VALUE, reason);
    }

    /** The wire name of the bad field, possibly a sub-path such as {@code pips[2]}. */
    public String field() {
        return field;
    }

    public ControlError error() {
        return error;
    }

    /** The reason without the field name. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
