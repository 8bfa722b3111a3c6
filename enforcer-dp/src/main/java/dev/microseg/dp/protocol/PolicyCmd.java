package dev.microseg.dp.protocol;

/** {@code ctrl_cfg_policy.cmd}: what to do with the workload's policy. */
public enum PolicyCmd {
    /** Install a policy for a workload that has none. */
    ADD(1),
    /** Remove the workload's policy. */
    DELETE(2),
    /** Replace the workload's policy. */
    MODIFY(3);

    /** {@code values()} clones its array on every call; lookups use this copy. */
    private static final PolicyCmd[] VALUES = values();

    private final int code;

    PolicyCmd(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} if there is none. */
    public static PolicyCmd fromCode(long code) {
        for (PolicyCmd v : VALUES) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }

    /** The wire values, for error messages. */
    public static String codes() {
        StringBuilder b = new StringBuilder();
        for (PolicyCmd v : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(v.code).append(' ').append(v.name().toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }
}
