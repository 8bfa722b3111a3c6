package dev.microseg.dp.protocol;

import java.util.List;
import java.util.Objects;

/**
 * One datagram of a workload's policy (NeuVector's {@code DPPolicyCfg}). A policy of more than
 * {@link ProtocolLimits#RULES_PER_BATCH} rules travels as several datagrams, the first flagged
 * {@link BatchFlags#MSG_START}, the last {@link BatchFlags#MSG_END}; {@link BatchAssembler} puts them
 * back together and {@link PolicySplitter} takes them apart.
 *
 * @param cmd    add, delete or modify
 * @param flag   batch flags, 0..3
 * @param defact the action when no rule matches
 * @param dir    which direction the policy governs
 * @param mac    the workload's MACs, 1..{@link ProtocolLimits#MAX_MACS_PER_POLICY}, no duplicates; the
 *               first one identifies the workload's batch
 * @param rules  at most {@link ProtocolLimits#RULES_PER_BATCH} rules; none for delete
 */
public record CtrlCfgPolicy(PolicyCmd cmd, int flag, RuleAction defact, PolicyDir dir, List<MacAddress> mac,
                            List<PolicyRule> rules) implements ControlCommand {
    public static final String KEY = "ctrl_cfg_policy";

    public CtrlCfgPolicy {
        Objects.requireNonNull(Check.present("cmd", cmd));
        Check.flag("flag", flag);
        Objects.requireNonNull(Check.present("defact", defact));
        Objects.requireNonNull(Check.present("dir", dir));
        mac = WorkloadPolicy.checkMacs(mac);
        rules = Check.list("rules", rules, ProtocolLimits.RULES_PER_BATCH);
        if (cmd == PolicyCmd.DELETE && !rules.isEmpty()) {
            throw new InvalidFieldException("rules", "must be empty when cmd is 2 (delete)");
        }
    }

    @Override
    public String key() {
        return KEY;
    }
}
