package dev.microseg.dp.engine;

import dev.microseg.dp.protocol.FlowTuple;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.Violation;
import dev.microseg.dp.protocol.ViolationReason;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Violations and denials on their way to the agent: identical events (same connection, rule,
 * action, reason, application) between two flushes are folded into one record with a count, and
 * at most {@link #MAX_PER_SECOND} records leave per second (token bucket); what does not fit is
 * counted as suppressed ({@code report.violations_suppressed}), never queued without bound.
 * Reporter thread only.
 */
final class ViolationAggregator {
    /** One full kind-3 message (908 records, docs/dp-protocol.md) per second, roughly. */
    static final int MAX_PER_SECOND = 1000;
    /** Distinct events held between two flushes. */
    static final int MAX_PENDING = 10_000;

    private record Key(FlowTuple tuple, long application, long ruleId, RuleAction action, boolean ingress,
                       boolean external, ViolationReason reason) {
    }

    private static final class Pending {
        long count;
        final long at;

        Pending(long at) {
            this.at = at;
        }
    }

    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private double tokens = MAX_PER_SECOND;
    private long lastRefill = -1;
    private long suppressed;

    void add(FlowTuple tuple, long application, long ruleId, RuleAction action, boolean ingress, boolean external,
             ViolationReason reason, long at) {
        Key k = new Key(tuple, application, ruleId, action, ingress, external, reason);
        Pending p = pending.get(k);
        if (p == null) {
            if (pending.size() >= MAX_PENDING) {
                suppressed++;
                return;
            }
            p = new Pending(at);
            pending.put(k, p);
        }
        p.count++;
    }

    /** The records allowed out now, oldest first; the rest of what is pending waits or is suppressed. */
    List<Violation> drain(long nowMillis) {
        if (lastRefill < 0) {
            lastRefill = nowMillis;
        }
        tokens = Math.min(MAX_PER_SECOND, tokens + (nowMillis - lastRefill) * MAX_PER_SECOND / 1000.0);
        lastRefill = nowMillis;
        List<Violation> out = new ArrayList<>();
        Iterator<Map.Entry<Key, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Pending> e = it.next();
            it.remove();
            if (tokens < 1) {
                suppressed += e.getValue().count;
                continue;
            }
            tokens -= 1;
            Key k = e.getKey();
            out.add(new Violation(k.tuple(), k.application(), k.ruleId(), k.action(), k.ingress(), k.external(),
                    k.reason(), Math.min(e.getValue().count, 0xFFFF_FFFFL), e.getValue().at));
        }
        return out;
    }

    long suppressed() {
        return suppressed;
    }
}
