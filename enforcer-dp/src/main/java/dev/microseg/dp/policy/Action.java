package dev.microseg.dp.policy;

/** A rule's or the policy's default action, numbered as on the dp control protocol ({@code action}, {@code defact}). */
public enum Action {
    ALLOW(1),
    DENY(2),
    /** Discover mode's "learn": passes and reports (kept for wire compatibility). */
    LEARN(3),
    /** Monitor mode's deny: passes and reports a violation. */
    VIOLATE(4);

    private final int wire;

    Action(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    /** The action for a wire value; names the field in the error. */
    public static Action fromWire(int value, String field) {
        for (Action a : values()) {
            if (a.wire == value) {
                return a;
            }
        }
        throw new IllegalArgumentException(field + " must be 1 (allow), 2 (deny), 3 (learn) or 4 (violate), was " + value);
    }
}
