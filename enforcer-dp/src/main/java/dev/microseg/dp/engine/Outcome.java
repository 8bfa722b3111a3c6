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
 * deciding end is the one with the strongest answer; between equally strong answers a rule beats
 * the default action, which beats a policy that does not cover the traffic
 * ({@link Decision.Kind#UNENFORCED}, or no policy yet); then the source end (egress) decides. Its
 * rule id is the one reported.
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
        int re = rank(egress);
        int ri = rank(ingress);
        if (re < 0 && ri < 0) {
            verdict = Verdict.ALLOWED;
            decision = null;
            endpoint = NO_ENDPOINT;
            this.ingress = false;
            return this;
        }
        boolean fromEgress = re >= ri;
        int winner = (fromEgress ? re : ri) / SPECIFICITY_LEVELS;
        verdict = switch (winner) {
            case DENY -> Verdict.DENIED;
            case PENDING -> Verdict.PENDING_APPLICATION;
            case VIOLATE -> Verdict.VIOLATION;
            default -> Verdict.ALLOWED;
        };
        decision = fromEgress ? egress : ingress;
        endpoint = fromEgress ? egressEndpoint : ingressEndpoint;
        this.ingress = !fromEgress;
        return this;
    }

    /** Strengths, weakest first: deny beats pending beats violate beats allow beats "no policy". */
    private static final int UNENFORCED = 0;
    private static final int ALLOW = 1;
    private static final int VIOLATE = 2;
    private static final int PENDING = 3;
    private static final int DENY = 4;
    private static final int SPECIFICITY_LEVELS = 3;

    /**
     * An answer's strength, and within one strength its specificity (a rule, then the default
     * action, then nothing enforced), so the reported rule is the most specific one; -1 when the
     * end is not a local workload.
     */
    private static int rank(Decision d) {
        if (d == null) {
            return -1;
        }
        int strength;
        int specificity;
        switch (d.kind()) {
            case UNENFORCED -> {
                strength = UNENFORCED;
                specificity = 0;
            }
            case NEEDS_APPLICATION -> {
                strength = PENDING;
                specificity = 2;
            }
            default -> {
                strength = switch (d.action()) {
                    case DENY -> DENY;
                    case VIOLATE -> VIOLATE;
                    case ALLOW, LEARN -> ALLOW;
                };
                specificity = d.kind() == Decision.Kind.DEFAULT ? 1 : 2;
            }
        }
        return strength * SPECIFICITY_LEVELS + specificity;
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
