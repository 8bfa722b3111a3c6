package dev.microseg.dp.protocol;

/**
 * Why a command was refused. The numbers are part of the protocol (they travel in the error report,
 * kind 6) and are never renumbered; new reasons take new numbers. Each says whether a retry can help
 * (the agent re-sends a whole policy on a retryable batch error, and stops on the others).
 */
public enum ControlError {
    /** Not JSON, bad UTF-8, trailing data, or a parser limit (depth, string length) hit. */
    MALFORMED_JSON(1, false),
    /** The datagram is larger than {@link ProtocolLimits#MAX_DATAGRAM}. */
    OVERSIZE(2, false),
    /** The top-level object has no key or more than one. */
    NOT_ONE_COMMAND(3, false),
    /** The top-level key names no command. */
    UNKNOWN_COMMAND(4, false),
    /** An object carries a key the protocol does not define. */
    UNKNOWN_FIELD(5, false),
    /** An object carries the same key twice. */
    DUPLICATE_FIELD(6, false),
    /** A required key is absent. */
    MISSING_FIELD(7, false),
    /** A value has the wrong JSON type (string for number, float for integer, null, ...). */
    WRONG_TYPE(8, false),
    /** A value has the right type but is not valid (bad MAC, bad IP, unknown enum code, range lo &gt; hi). */
    INVALID_VALUE(9, false),
    /** A number lies outside its range. */
    OUT_OF_RANGE(10, false),
    /** A list is longer than its bound. */
    TOO_MANY(11, false),
    /** A middle or last batch arrived with no batch in progress for that workload. */
    BATCH_NOT_STARTED(12, true),
    /** A later batch disagrees with the first (cmd, defact, dir). */
    BATCH_MISMATCH(13, true),
    /** Too many unfinished batches, or an assembled policy grew past its bound. */
    BATCH_LIMIT(14, true),
    /** The engine refused a well-formed command (e.g. a policy for an unknown workload). */
    REJECTED(15, false),
    /** The engine failed while applying a command; the dp kept running. */
    INTERNAL(16, true);

    /** {@code values()} clones its array on every call; lookups use this copy. */
    private static final ControlError[] VALUES = values();

    private final int code;
    private final boolean retryable;

    ControlError(int code, boolean retryable) {
        this.code = code;
        this.retryable = retryable;
    }

    /**
     * Whether sending the same thing again can succeed: a batch that was cut off or interleaved badly
     * can be re-sent whole, an engine failure may pass; a malformed command will fail the same way.
     */
    public boolean retryable() {
        return retryable;
    }

    /** The stable wire number. */
    public int code() {
        return code;
    }

    /** The error for a wire number, or {@code null} if the number is unknown. */
    public static ControlError fromCode(int code) {
        for (ControlError e : VALUES) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
