package dev.microseg.model.compile;

import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.policy.RuleAction;

/**
 * A data-plane action with the number {@code ctrl_cfg_policy} carries in {@code action} and
 * {@code defact}: 1 allow, 2 deny, 3 learn, 4 violate. The mode travels as these values: where
 * a Protect workload gets {@code deny}, a Monitor workload gets {@code violate}, which passes the
 * packet and reports it (ARCHITECTURE.md, "The dp control protocol").
 */
public enum DpAction {
    ALLOW(1),
    DENY(2),
    /** Kept for the protocol's sake; the first version has no Discover mode and never emits it. */
    LEARN(3),
    VIOLATE(4);

    private final int code;

    DpAction(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    public static DpAction fromCode(int code) {
        for (DpAction a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown dp action " + code + " (expected 1 allow, 2 deny, 3 learn, 4 violate)");
    }

    /** A rule's action for a workload in {@code mode}: allow stays allow; deny is violate in Monitor. */
    public static DpAction forRule(RuleAction action, PolicyMode mode) {
        return switch (action) {
            case ALLOW -> ALLOW;
            case DENY -> mode == PolicyMode.PROTECT ? DENY : VIOLATE;
        };
    }

    /** What happens to traffic no rule matches: dropped in Protect, passed and reported in Monitor. */
    public static DpAction defaultFor(PolicyMode mode) {
        return mode == PolicyMode.PROTECT ? DENY : VIOLATE;
    }
}
