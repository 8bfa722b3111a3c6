package dev.microseg.dp.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A workload's whole policy: what the agent hands to {@link PolicySplitter} and what
 * {@link BatchAssembler} hands to the engine once every batch of it has arrived.
 *
 * @param cmd    add, delete or modify
 * @param defact the action when no rule matches
 * @param dir    which direction the policy governs
 * @param macs   the workload's MACs (wire name {@code mac})
 * @param rules  in match order, at most {@link ProtocolLimits#MAX_RULES_PER_POLICY}; none for delete
 */
public record WorkloadPolicy(PolicyCmd cmd, RuleAction defact, PolicyDir dir, List<MacAddress> macs,
                             List<PolicyRule> rules) {

    public WorkloadPolicy {
        Objects.requireNonNull(Check.present("cmd", cmd));
        Objects.requireNonNull(Check.present("defact", defact));
        Objects.requireNonNull(Check.present("dir", dir));
        macs = checkMacs(macs);
        rules = Check.list("rules", rules, ProtocolLimits.MAX_RULES_PER_POLICY);
        if (cmd == PolicyCmd.DELETE && !rules.isEmpty()) {
            throw new InvalidFieldException("rules", "must be empty when cmd is 2 (delete)");
        }
    }

    static List<MacAddress> checkMacs(List<MacAddress> macs) {
        List<MacAddress> copy = Check.list("mac", macs, ProtocolLimits.MAX_MACS_PER_POLICY);
        if (copy.isEmpty()) {
            throw new InvalidFieldException("mac", ControlError.MISSING_FIELD, "at least one MAC is required");
        }
        Check.unique("mac", copy);
        return copy;
    }
}
