package dev.microseg.dp.engine;

import dev.microseg.dp.session.SessionCounters;
import dev.microseg.dp.session.SessionTable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's own counters, and the snapshot of every counter a {@code ctrl_stats} reply carries
 * (names in docs/dp.md "Counters"): the packet paths', the session table's, the configuration's,
 * the reporter's, conntrack's and the queues'. Thread-safe.
 */
final class EngineCounters {
    /** Session removals no event ring could take (reported as {@code report.events_dropped}). */
    final AtomicLong unroutedEvents = new AtomicLong();
    private final AtomicLong reevaluations = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private final AtomicLong readmitted = new AtomicLong();

    void countReevaluation(int cutNow, int readmittedNow) {
        reevaluations.incrementAndGet();
        cut.addAndGet(cutNow);
        readmitted.addAndGet(readmittedNow);
    }

    /**
     * @param reporter  null until the reporter runs
     * @param conntrack null until the reporter runs
     */
    Map<String, Long> snapshot(List<PathCounters> paths, SessionTable s, int heapCap, WorkloadState workloads,
                               Reporter reporter, ConntrackPort conntrack, Map<String, Long> queues) {
        Map<String, Long> m = new LinkedHashMap<>();
        PathCounters.sum(paths, m);
        m.merge("report.events_dropped", unroutedEvents.get(), Long::sum);
        SessionCounters sc = s.counters();
        m.put("dp.sessions", (long) s.size());
        m.put("dp.sessions.capacity", (long) s.capacity());
        m.put("dp.sessions.heap_cap", (long) heapCap);
        m.put("dp.sessions.inserts", sc.inserts());
        m.put("dp.sessions.expirations", sc.expirations());
        m.put("dp.sessions.evictions", sc.evictions());
        m.put("dp.sessions.not_created", sc.failures());
        m.put("engine.endpoints", (long) workloads.endpoints().snapshot().count());
        m.put("engine.policies", (long) workloads.policyCount());
        m.put("engine.policies.max", (long) workloads.maxPolicies());
        m.put("engine.policies_refused", workloads.policiesRefused());
        m.put("engine.intercept_updates", workloads.ruleUpdates());
        m.put("engine.intercept_update_failures", workloads.ruleUpdateFailures());
        m.put("engine.generation", (long) workloads.generation());
        m.put("engine.reevaluations", reevaluations.get());
        m.put("engine.connections_cut", cut.get());
        m.put("engine.connections_readmitted", readmitted.get());
        if (reporter != null) {
            m.put("report.connections", reporter.connectionsSent);
            m.put("report.violations", reporter.violationsSent);
            m.put("report.violations_suppressed", reporter.suppressed);
            m.put("report.flows", (long) reporter.flowCount);
            m.put("report.flows_untracked", reporter.untracked);
            m.put("report.step_failures", reporter.stepFailures);
            m.put("report.log_suppressed", reporter.logSuppressed);
            m.put("engine.reevaluation_quiesce_timeouts", reporter.quiesceTimeouts);
            m.put("ct.errors", reporter.conntrackErrors);
            QueueProcStats q = reporter.proc;
            m.put("nfq.kernel_waiting", q.waiting());
            m.put("nfq.kernel_queue_dropped", q.queueDropped());
            m.put("nfq.kernel_user_dropped", q.userDropped());
        }
        if (conntrack != null) {
            m.put("ct.destroy_events_lost", conntrack.eventsLost());
        }
        m.putAll(queues);
        return m;
    }
}
