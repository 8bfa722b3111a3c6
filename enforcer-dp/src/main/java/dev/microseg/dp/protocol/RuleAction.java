package dev.microseg.dp.protocol;

/** A rule's or default action: {@code action}, {@code defact}, and the verdict in reports. For a workload in Monitor mode the agent sends {@link #VIOLATE} wherever Protect would send {@link #DENY}. */
public enum RuleAction {
    /** Pass the packet. */
    ALLOW(1),
    /** Drop the packet and report it. */
    DENY(2),
    /** Pass and report it as learned (Discover mode; accepted, not used in the first version). */
    LEARN(3),
    /** Pass the packet and report a violation (Monitor mode). */
    VIOLATE(4);

    /** {@code values()} clones its array on every call; lookups use this copy. */
    private static final RuleAction[] VALUES = values();

    private final int code;

    RuleAction(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} if there is none. */
    public static RuleAction fromCode(long code) {
        for (RuleAction v : VALUES) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }

    /** The wire values, for error messages. */
    public static String codes() {
        StringBuilder b = new StringBuilder();
        for (RuleAction v : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(v.code).append(' ').append(v.name().toLowerCase(java.util.Locale.ROOT));
        }
        return b.toString();
    }
}
