package dev.microseg.dp.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * dp side of batching: collects the datagrams of a policy (keyed by the workload's first MAC) or of the
 * internal-net set until MSG_END and only then hands out the whole. The rules, from NeuVector's dp and
 * docs/dp-protocol.md:
 * <ul>
 *   <li>a half-received batch never takes effect;</li>
 *   <li>MSG_START while a batch of the same workload is unfinished discards the unfinished one
 *       ({@link #restarted()});</li>
 *   <li>a middle or last datagram with no batch in progress is refused (BATCH_NOT_STARTED);</li>
 *   <li>a later datagram whose cmd, defact, dir or MAC list differs from the first is refused and the
 *       batch discarded (BATCH_MISMATCH);</li>
 *   <li>a batch with no datagram for {@code timeoutNanos} is discarded ({@link #expired()});</li>
 *   <li>at most {@link ProtocolLimits#MAX_PENDING_BATCHES} unfinished batches and
 *       {@link ProtocolLimits#MAX_RULES_PER_POLICY} rules per policy (BATCH_LIMIT).</li>
 * </ul>
 * Not thread-safe: the control thread owns it. Time is passed in, so tests need no clock.
 */
public final class BatchAssembler {
    private static final String POLICY = CtrlCfgPolicy.KEY;
    private static final String NET = CtrlCfgInternalNet.KEY;

    private final long timeoutNanos;
    private final Map<MacAddress, PendingPolicy> policies = new HashMap<>();
    private PendingNets nets;
    private long restarted;
    private long expired;

    private static final class PendingPolicy {
        final CtrlCfgPolicy first;
        final List<PolicyRule> rules = new ArrayList<>();
        long lastNanos;

        PendingPolicy(CtrlCfgPolicy first, long now) {
            this.first = first;
            this.lastNanos = now;
        }
    }

    private static final class PendingNets {
        final List<Subnet> subnets = new ArrayList<>();
        long lastNanos;
    }

    public BatchAssembler(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeoutNanos must be positive");
        }
        this.timeoutNanos = timeoutNanos;
    }

    /** Adds one policy datagram; the whole policy once its last datagram arrived, else empty. */
    public Optional<WorkloadPolicy> offer(CtrlCfgPolicy part, long nowNanos) throws ControlException {
        MacAddress key = part.mac().getFirst();
        PendingPolicy p = policies.get(key);
        if (p != null && nowNanos - p.lastNanos > timeoutNanos) {
            policies.remove(key);
            expired++;
            p = null;
        }
        if (BatchFlags.isStart(part.flag())) {
            if (p != null) {
                policies.remove(key);
                restarted++;
            }
            if (BatchFlags.isEnd(part.flag())) {
                return Optional.of(whole(part, part.rules()));
            }
            if (policies.size() >= ProtocolLimits.MAX_PENDING_BATCHES) {
                expire(nowNanos);
                if (policies.size() >= ProtocolLimits.MAX_PENDING_BATCHES) {
                    throw new ControlException(ControlError.BATCH_LIMIT, POLICY + ".flag",
                            "too many unfinished batches (" + ProtocolLimits.MAX_PENDING_BATCHES + ")");
                }
            }
            p = new PendingPolicy(part, nowNanos);
            p.rules.addAll(part.rules());
            policies.put(key, p);
            return Optional.empty();
        }
        if (p == null) {
            throw new ControlException(ControlError.BATCH_NOT_STARTED, POLICY + ".flag",
                    "no batch in progress for workload " + key + " (a batch starts with flag bit 1, MSG_START)");
        }
        String mismatch = mismatch(p.first, part);
        if (mismatch != null) {
            policies.remove(key);
            throw new ControlException(ControlError.BATCH_MISMATCH, POLICY + "." + mismatch,
                    "differs from the first datagram of the batch; batch for " + key + " discarded");
        }
        if (p.rules.size() + part.rules().size() > ProtocolLimits.MAX_RULES_PER_POLICY) {
            policies.remove(key);
            throw new ControlException(ControlError.BATCH_LIMIT, POLICY + ".rules",
                    "policy of " + key + " exceeds " + ProtocolLimits.MAX_RULES_PER_POLICY + " rules; batch discarded");
        }
        p.rules.addAll(part.rules());
        p.lastNanos = nowNanos;
        if (!BatchFlags.isEnd(part.flag())) {
            return Optional.empty();
        }
        policies.remove(key);
        return Optional.of(whole(p.first, p.rules));
    }

    private static WorkloadPolicy whole(CtrlCfgPolicy first, List<PolicyRule> rules) {
        return new WorkloadPolicy(first.cmd(), first.defact(), first.dir(), first.mac(), rules);
    }

    private static String mismatch(CtrlCfgPolicy first, CtrlCfgPolicy part) {
        if (first.cmd() != part.cmd()) {
            return "cmd";
        }
        if (first.defact() != part.defact()) {
            return "defact";
        }
        if (first.dir() != part.dir()) {
            return "dir";
        }
        return first.mac().equals(part.mac()) ? null : "mac";
    }

    /** Adds one internal-net datagram; the whole set once its last datagram arrived, else empty. */
    public Optional<InternalNets> offer(CtrlCfgInternalNet part, long nowNanos) throws ControlException {
        if (nets != null && nowNanos - nets.lastNanos > timeoutNanos) {
            nets = null;
            expired++;
        }
        if (BatchFlags.isStart(part.flag())) {
            if (nets != null) {
                restarted++;
            }
            nets = new PendingNets();
        } else if (nets == null) {
            throw new ControlException(ControlError.BATCH_NOT_STARTED, NET + ".flag",
                    "no internal-net batch in progress (a batch starts with flag bit 1, MSG_START)");
        }
        if (nets.subnets.size() + part.subnets().size() > ProtocolLimits.MAX_SUBNETS) {
            nets = null;
            throw new ControlException(ControlError.BATCH_LIMIT, NET + ".subnet_addr",
                    "more than " + ProtocolLimits.MAX_SUBNETS + " subnets; batch discarded");
        }
        nets.subnets.addAll(part.subnets());
        nets.lastNanos = nowNanos;
        if (!BatchFlags.isEnd(part.flag())) {
            return Optional.empty();
        }
        InternalNets whole = new InternalNets(nets.subnets);
        nets = null;
        return Optional.of(whole);
    }

    /** Discards batches idle for longer than the timeout; returns how many. */
    public int expire(long nowNanos) {
        int n = 0;
        for (Iterator<PendingPolicy> it = policies.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().lastNanos > timeoutNanos) {
                it.remove();
                n++;
            }
        }
        if (nets != null && nowNanos - nets.lastNanos > timeoutNanos) {
            nets = null;
            n++;
        }
        expired += n;
        return n;
    }

    /** Unfinished batches held now (policies and the internal-net set). */
    public int pending() {
        return policies.size() + (nets == null ? 0 : 1);
    }

    /** Unfinished batches discarded because a new MSG_START for the same workload arrived. */
    public long restarted() {
        return restarted;
    }

    /** Unfinished batches discarded because they went stale. */
    public long expired() {
        return expired;
    }
}
