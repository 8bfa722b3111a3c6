package dev.microseg.dp.protocol;

/** {@code ctrl_sync.phase}: the two ends of a state replay. */
public enum SyncPhase {
    /** The agent starts replaying every endpoint and policy. */
    BEGIN(1),
    /** Replay done: the dp forgets what the replay did not mention. */
    END(2);

    /** {@code values()} clones its array on every call; lookups use this copy. */
    private static final SyncPhase[] VALUES = values();

    private final int code;

    SyncPhase(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} if there is none. */
    public static SyncPhase fromCode(long code) {
        for (SyncPhase v : VALUES) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }

    /** The wire values, for error messages. */
    public static String codes() {
        StringBuilder b = new StringBuilder();
        for (SyncPhase v : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(v.code).append(' ').append(v.name().toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }
}
