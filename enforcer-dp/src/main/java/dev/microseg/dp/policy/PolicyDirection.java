package dev.microseg.dp.policy;

/** The control protocol's {@code dir}: which traffic of the endpoint the policy governs. */
public enum PolicyDirection {
    INGRESS(1, true, false),
    EGRESS(2, false, true),
    BOTH(3, true, true);

    private final int wire;
    final boolean ingress;
    final boolean egress;

    PolicyDirection(int wire, boolean ingress, boolean egress) {
        this.wire = wire;
        this.ingress = ingress;
        this.egress = egress;
    }

    public int wire() {
        return wire;
    }

    public static PolicyDirection fromWire(int value) {
        for (PolicyDirection d : values()) {
            if (d.wire == value) {
                return d;
            }
        }
        throw new IllegalArgumentException("dir must be 1 (ingress), 2 (egress) or 3 (both), was " + value);
    }
}
