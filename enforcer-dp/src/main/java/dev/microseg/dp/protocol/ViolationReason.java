package dev.microseg.dp.protocol;

/** Why a violation report was raised. */
public enum ViolationReason {
    /** A deny or violate rule matched. */
    RULE(1),
    /** No rule matched and the default action denies or violates. */
    DEFAULT_ACTION(2),
    /** The identified application is not one the matching rule allows. */
    APPLICATION(3),
    /** The dp could not decide (e.g. session table full) and fail mode is closed. */
    FAIL_CLOSED(4);

    /** {@code values()} clones its array on every call; lookups use this copy. */
    private static final ViolationReason[] VALUES = values();

    private final int code;

    ViolationReason(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} if there is none. */
    public static ViolationReason fromCode(long code) {
        for (ViolationReason v : VALUES) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }

    /** The wire values, for error messages. */
    public static String codes() {
        StringBuilder b = new StringBuilder();
        for (ViolationReason v : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(v.code).append(' ').append(v.name().toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }
}
