package dev.microseg.dp.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Agent side of batching: cuts a {@link WorkloadPolicy} or {@link InternalNets} into datagrams of at
 * most {@link ProtocolLimits#RULES_PER_BATCH} rules ({@link ProtocolLimits#SUBNETS_PER_BATCH} subnets),
 * the first flagged MSG_START, the last MSG_END. No datagram exceeds the size bound: should a batch
 * of 40 ever encode larger (it cannot with the field bounds of this version, but the bounds may move),
 * the batch size is halved until every datagram fits.
 */
public final class PolicySplitter {
    private PolicySplitter() {
    }

    /** The datagrams of a policy, in sending order, each at most {@link ProtocolLimits#MAX_DATAGRAM} bytes. */
    public static List<byte[]> split(WorkloadPolicy policy) {
        return split(policy, ProtocolLimits.MAX_DATAGRAM);
    }

    /** As {@link #split(WorkloadPolicy)} with a smaller datagram bound (tests, constrained peers). */
    public static List<byte[]> split(WorkloadPolicy policy, int maxDatagram) {
        for (int per = ProtocolLimits.RULES_PER_BATCH; ; per = Math.max(1, per / 2)) {
            List<byte[]> out = encodeAll(batches(policy, per), maxDatagram);
            if (out != null) {
                return out;
            }
            if (per == 1) {
                throw new IllegalArgumentException("a single rule of workload " + policy.macs().getFirst()
                        + " does not fit in " + maxDatagram + " bytes");
            }
        }
    }

    /** The policy as commands of at most {@code perBatch} rules each (1..40). */
    public static List<CtrlCfgPolicy> batches(WorkloadPolicy policy, int perBatch) {
        Check.range("perBatch", perBatch, 1, ProtocolLimits.RULES_PER_BATCH);
        List<PolicyRule> rules = policy.rules();
        int count = Math.max(1, (rules.size() + perBatch - 1) / perBatch);
        List<CtrlCfgPolicy> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<PolicyRule> part = rules.subList(Math.min(rules.size(), i * perBatch),
                    Math.min(rules.size(), (i + 1) * perBatch));
            out.add(new CtrlCfgPolicy(policy.cmd(), BatchFlags.forPart(i, count), policy.defact(), policy.dir(),
                    policy.macs(), part));
        }
        return out;
    }

    /** The datagrams of an internal-net set. */
    public static List<byte[]> split(InternalNets nets) {
        return split(nets, ProtocolLimits.MAX_DATAGRAM);
    }

    public static List<byte[]> split(InternalNets nets, int maxDatagram) {
        for (int per = ProtocolLimits.SUBNETS_PER_BATCH; ; per = Math.max(1, per / 2)) {
            List<byte[]> out = encodeAll(batches(nets, per), maxDatagram);
            if (out != null) {
                return out;
            }
            if (per == 1) {
                throw new IllegalArgumentException("a single subnet does not fit in " + maxDatagram + " bytes");
            }
        }
    }

    public static List<CtrlCfgInternalNet> batches(InternalNets nets, int perBatch) {
        Check.range("perBatch", perBatch, 1, ProtocolLimits.SUBNETS_PER_BATCH);
        List<Subnet> all = nets.subnets();
        int count = Math.max(1, (all.size() + perBatch - 1) / perBatch);
        List<CtrlCfgInternalNet> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new CtrlCfgInternalNet(BatchFlags.forPart(i, count),
                    all.subList(Math.min(all.size(), i * perBatch), Math.min(all.size(), (i + 1) * perBatch))));
        }
        return out;
    }

    /** Encodes every command, or null if one of them exceeds the bound. */
    private static List<byte[]> encodeAll(List<? extends ControlCommand> cmds, int maxDatagram) {
        List<byte[]> out = new ArrayList<>(cmds.size());
        for (ControlCommand c : cmds) {
            byte[] b = ControlEncoder.encode(c);
            if (b.length > maxDatagram) {
                return null;
            }
            out.add(b);
        }
        return out;
    }
}
