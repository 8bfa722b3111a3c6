package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * One violation or denial (kind 3), threat-log style: raised when a packet is denied (Protect) or
 * violates policy (Monitor). Identical events within a short window are counted, not repeated.
 *
 * @param tuple       workload and 5-tuple
 * @param application identified application id, 0 if none
 * @param ruleId      the rule that decided, 0 for the default action
 * @param action      deny (dropped) or violate (passed); allow or learn for an application mismatch
 * @param ingress     the workload is the responder
 * @param external    the peer lies outside the internal subnets
 * @param reason      why
 * @param count       events folded into this record, 1 or more (u32)
 * @param atMillis    the first of them (epoch ms)
 */
public record Violation(FlowTuple tuple, long application, long ruleId, RuleAction action, boolean ingress,
                        boolean external, ViolationReason reason, long count, long atMillis) {
    public Violation {
        Objects.requireNonNull(Check.present("tuple", tuple));
        Check.u32("application", application);
        Check.u32("rule_id", ruleId);
        Objects.requireNonNull(Check.present("action", action));
        Objects.requireNonNull(Check.present("reason", reason));
        Check.range("count", count, 1, Check.U32_MAX);
        Check.range("at_ms", atMillis, 0, Long.MAX_VALUE);
    }
}
