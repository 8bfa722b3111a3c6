package dev.microseg.dp.engine;

import dev.microseg.dp.policy.Action;
import dev.microseg.dp.policy.Decision;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.ViolationReason;
import dev.microseg.dp.session.Verdict;

/**
 * The engine's decision for one connection, combined from the classifier's answers at the two
 * ends ({@link #combine}). Mutable and reused per thread, so deciding allocates nothing.
 *
 * <p>Combination: the connection is classified at its source endpoint (egress) and at its
 * destination endpoint (ingress) when each is a local workload. Deny beats violate beats allow:
 * one end's deny drops the connection whatever the other end allows. While no end denies and an
 * end's best rule needs the application, the connection is pending (DPI keeps inspecting). The
 * deciding end is the one with the strongest answer; on a tie the source end (egress) decides,
 * and between an end whose policy answered and one whose policy does not cover the traffic
 * ({@link Decision.Kind#UNENFORCED}, or no policy yet) the former decides. Its rule id is the one
 * reported.
 */
final class Outcome {
    /** Endpoint value when neither end is a local workload. */
    static final int NO_ENDPOINT = -1;

    Verdict verdict = Verdict.UNDECIDED;
    /** The deciding end's answer; null when neither end is a local workload. */
    Decision decision;
    /** The deciding end's endpoint index, or {@link #NO_ENDPOINT}. */
    int endpoint = NO_ENDPOINT;
    /** The deciding end is the destination (the workload receives the connection). */
    boolean ingress;

    /**
     * Combines the answers of the two ends.
     *
     * @param egress          the source endpoint's answer, null when the source is not a local workload
     * @param egressEndpoint  its index
     * @param ingress         the destination endpoint's answer, null when it is not a local workload
     * @param ingressEndpoint its index
     */
    Outcome combine(Decision egress, int egressEndpoint, Decision ingress, int ingressEndpoint) {
        int se = strength(egress);
        int si = strength(ingress);
        if (se == DENY || si == DENY) {
            return set(Verdict.DENIED, se == DENY, egress, egressEndpoint, ingress, ingressEndpoint);
        }
        if (se == PENDING || si == PENDING) {
            return set(Verdict.PENDING_APPLICATION, se == PENDING, egress, egressEndpoint, ingress, ingressEndpoint);
        }
        if (se == VIOLATE || si == VIOLATE) {
            return set(Verdict.VIOLATION, se == VIOLATE, egress, egressEndpoint, ingress, ingressEndpoint);
        }
        boolean fromEgress = se == ALLOW || (si != ALLOW && se != ABSENT);
        if (se == ABSENT && si == ABSENT) {
            verdict = Verdict.ALLOWED;
            decision = null;
            endpoint = NO_ENDPOINT;
            this.ingress = false;
            return this;
        }
        return set(Verdict.ALLOWED, fromEgress, egress, egressEndpoint, ingress, ingressEndpoint);
    }

    private Outcome set(Verdict v, boolean fromEgress, Decision egress, int egressEndpoint, Decision ingress,
                        int ingressEndpoint) {
        verdict = v;
        decision = fromEgress ? egress : ingress;
        endpoint = fromEgress ? egressEndpoint : ingressEndpoint;
        this.ingress = !fromEgress;
        return this;
    }

    private static final int ABSENT = -1;
    private static final int UNENFORCED = 0;
    private static final int ALLOW = 1;
    private static final int VIOLATE = 2;
    private static final int PENDING = 3;
    private static final int DENY = 4;

    private static int strength(Decision d) {
        if (d == null) {
            return ABSENT;
        }
        if (d.kind() == Decision.Kind.UNENFORCED) {
            return UNENFORCED;
        }
        if (d.kind() == Decision.Kind.NEEDS_APPLICATION) {
            return PENDING;
        }
        return switch (d.action()) {
            case DENY -> DENY;
            case VIOLATE -> VIOLATE;
            case ALLOW, LEARN -> ALLOW;
        };
    }

    /** The rule to report: the deciding rule's id, 0 for the default action or no policy. */
    int ruleId() {
        return decision == null || decision.kind() == Decision.Kind.UNENFORCED ? 0 : decision.ruleId();
    }

    /** The action to report for this verdict. */
    RuleAction action() {
        return switch (verdict) {
            case DENIED -> RuleAction.DENY;
            case VIOLATION -> RuleAction.VIOLATE;
            default -> decision != null && decision.action() == Action.LEARN && decision.kind() != Decision.Kind.UNENFORCED
                    ? RuleAction.LEARN : RuleAction.ALLOW;
        };
    }

    /** Why a denial or violation is reported. */
    ViolationReason reason() {
        if (decision == null) {
            return ViolationReason.RULE;
        }
        return switch (decision.kind()) {
            case DEFAULT -> ViolationReason.DEFAULT_ACTION;
            case APPLICATION -> ViolationReason.APPLICATION;
            default -> ViolationReason.RULE;
        };
    }

    /** The deciding endpoint and side packed for the session table: {@code index << 1 | ingress}, -1 for none. */
    int endpointRef() {
        return endpoint == NO_ENDPOINT ? -1 : endpoint << 1 | (ingress ? 1 : 0);
    }

    static int endpointOf(int ref) {
        return ref < 0 ? NO_ENDPOINT : ref >>> 1;
    }

    static boolean ingressOf(int ref) {
        return ref >= 0 && (ref & 1) != 0;
    }

    @Override
    public String toString() {
        return "Outcome[" + verdict + " by " + decision + " at endpoint " + endpoint + (ingress ? " ingress" : " egress") + "]";
    }
}
