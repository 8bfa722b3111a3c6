package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * A command that cannot be applied, with the JSON path of the offending field (for example
 * {@code ctrl_cfg_policy.rules[3].sip}) and the reason. Thrown by the decoder, the batch assembler and
 * by engine handlers that refuse a command; the control server turns it into an error report.
 */
public final class ControlException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ControlError error;
    private final String path;
    private final String reason;

    public ControlException(ControlError error, String path, String reason) {
        super(path.isEmpty() ? reason : path + ": " + reason);
        this.error = Objects.requireNonNull(error, "error");
        this.path = path;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ControlError error() {
        return error;
    }

    /** Dotted JSON path of the bad field, empty when the datagram as a whole is bad. */
    public String path() {
        return path;
    }

    public String reason() {
        return reason;
    }
}
