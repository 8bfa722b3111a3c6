package dev.microseg.dp.protocol;

/** {@code ctrl_cfg_policy.dir}: which direction of the workload's traffic the policy governs. */
public enum PolicyDir {
    /** Traffic the workload receives. */
    INGRESS(1),
    /** Traffic the workload sends. */
    EGRESS(2),
    /** Both directions. */
    BOTH(3);

    /** {@code values()} clones its array on every call; lookups use this copy. */
    private static final PolicyDir[] VALUES = values();

    private final int code;

    PolicyDir(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} if there is none. */
    public static PolicyDir fromCode(long code) {
        for (PolicyDir v : VALUES) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }

    /** The wire values, for error messages. */
    public static String codes() {
        StringBuilder b = new StringBuilder();
        for (PolicyDir v : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(v.code).append(' ').append(v.name().toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }
}
