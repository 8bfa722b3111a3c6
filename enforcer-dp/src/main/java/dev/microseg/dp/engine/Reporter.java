package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackEntry;
import dev.microseg.dp.ctrl.RateLimitedLog;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.protocol.AppUpdate;
import dev.microseg.dp.protocol.AppUpdateReport;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.ConnectionReport;
import dev.microseg.dp.protocol.Violation;
import dev.microseg.dp.protocol.ViolationReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The reporter: one thread that owns everything about reports. Its loop waits (at most
 * {@link KernelConntrack#EVENT_POLL}) for conntrack DESTROY events, then drains the queue threads'
 * {@link EventRing}s into the {@link FlowTracker}, runs a requested re-evaluation
 * ({@link Reevaluation}) once every queue thread has sent the verdicts it gave under the old
 * policy, flushes violations and the records of newly decided connections (every
 * {@link #FLUSH_MILLIS}), and every report interval sweeps expired sessions, reads conntrack's
 * counters of offloaded connections and reports every connection whose counters moved.
 *
 * <p>A failing turn (conntrack unreadable, a bug) is counted ({@code report.step_failures}),
 * logged at most {@link #FAILURE_LOGS_PER_WINDOW} times per {@link #FAILURE_LOG_WINDOW}, and the
 * loop backs off one poll interval before the next turn, so a persistent failure neither floods
 * the log nor spins a CPU.
 */
final class Reporter {
    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);
    /** Newly decided connections and violations leave at most this long after the decision. */
    static final long FLUSH_MILLIS = 200;
    /** DESTROY datagrams taken per loop turn at most, so the rings are drained under a steady stream too. */
    static final int MAX_EVENT_DATAGRAMS_PER_STEP = 1024;
    /** How often the kernel's queue counters are read. */
    static final long PROC_MILLIS = 1000;
    /**
     * Longest a re-evaluation waits for every queue thread to end the receive batch it was in when
     * the policy changed: ten poll intervals of an idle queue (100 ms, {@code NfQueueConfig}). Only
     * a stuck queue thread makes it wait that long; it then runs anyway and is counted.
     */
    static final long QUIESCE_MILLIS = 1000;
    /** Failure lines per window: enough to see a failure start and what it says, not a flood. */
    static final int FAILURE_LOGS_PER_WINDOW = 5;
    static final Duration FAILURE_LOG_WINDOW = Duration.ofMinutes(1);

    private final Engine engine;
    private final ConntrackPort conntrack;
    private final FlowTracker flows;
    private final Reevaluation reevaluation;
    private final RateLimitedLog failures;
    private final EventRing.Consumer onEvent;
    private final Consumer<ConntrackEntry> onDestroyed;
    private long nextFlush;
    private long nextReport;
    private long nextProc;
    /** Each queue's batch count when the pending re-evaluation was asked for; null when none is pending. */
    private long[] reevaluationBatches;
    private long reevaluationAsked;
    private volatile boolean running = true;
    volatile long connectionsSent;
    volatile long violationsSent;
    volatile long conntrackErrors;
    volatile int flowCount;
    volatile long untracked;
    volatile long suppressed;
    volatile long stepFailures;
    volatile long logSuppressed;
    volatile long quiesceTimeouts;
    volatile QueueProcStats proc = QueueProcStats.NONE;

    /**
     * @param conntrack the conntrack table, or null where there is none (unit tests): offloaded
     *                  connections then keep the counters the dp saw
     */
    Reporter(Engine engine, ConntrackPort conntrack, int maxFlows) {
        this.engine = engine;
        this.conntrack = conntrack;
        this.flows = new FlowTracker(engine, maxFlows);
        this.reevaluation = new Reevaluation(engine, conntrack, this);
        this.failures = new RateLimitedLog(LOG, FAILURE_LOGS_PER_WINDOW, FAILURE_LOG_WINDOW.toNanos(), System::nanoTime,
                () -> logSuppressed++);
        this.onEvent = flows::onEvent;
        this.onDestroyed = flows::destroyed;
    }

    /** The loop; returns after {@link #stop()}. */
    void run() {
        flows.preexisting(offloadedEntries());
        long now = engine.now();
        nextReport = now + engine.reportIntervalMillis();
        while (running) {
            if (!turn()) {
                sleepQuietly();
            }
        }
        try {
            drainRings();
            flush(engine.now(), true);
        } catch (RuntimeException e) {
            LOG.atWarn().setCause(e).log("event=reporter_final_flush_failed");
        }
    }

    void stop() {
        running = false;
    }

    /** One {@link #step()} with its failure contained: false when it failed (counted, logged rate-limited). */
    boolean turn() {
        try {
            step();
            return true;
        } catch (RuntimeException e) {
            stepFailures++;
            failures.error("event=reporter_step_failed reason=\"" + e + "\" failures=" + stepFailures, e);
            return false;
        }
    }

    /** One turn of the loop; package-private so tests can drive it without a thread. */
    void step() {
        if (conntrack != null) {
            try {
                drainDestroyed();
            } catch (IOException e) {
                conntrackErrors++;
                failures.warn("event=conntrack_events_failed reason=\"" + e.getMessage() + "\" errors=" + conntrackErrors);
                sleepQuietly();
            }
        } else {
            sleepQuietly();
        }
        drainRings();
        long now = engine.now();
        flows.adoptDestroyed(now);
        reevaluateWhenQuiet(now);
        if (now >= nextReport) {
            periodic(now);
            nextReport = now + engine.reportIntervalMillis();
        }
        if (now >= nextFlush) {
            flush(now, false);
            nextFlush = now + FLUSH_MILLIS;
        }
        if (now >= nextProc) {
            proc = engine.readQueueStats();
            nextProc = now + PROC_MILLIS;
        }
    }

    /**
     * Runs a requested re-evaluation once every queue thread has ended the receive batch it was in
     * when the request came. A queue thread may have read the old policy just before the change
     * and still be about to send an ACCEPT-marked verdict; once its batch ended, that verdict is in
     * the kernel (the kernel re-injects a packet within the {@code sendto} of its verdict, so
     * CONNMARK has saved the mark), where the conntrack dump of the re-evaluation finds it and
     * cuts it if the new policy denies it. Every batch that starts later reads the new generation.
     */
    private void reevaluateWhenQuiet(long now) {
        if (engine.takeReevaluationRequest()) {
            if (reevaluationBatches == null) {
                reevaluationAsked = now;
            }
            reevaluationBatches = engine.queueBatches();
        }
        if (reevaluationBatches == null) {
            return;
        }
        boolean quiet = engine.queuesPassed(reevaluationBatches);
        if (!quiet && now - reevaluationAsked < QUIESCE_MILLIS) {
            return;
        }
        if (!quiet) {
            quiesceTimeouts++;
            LOG.atWarn().addKeyValue("waited_ms", now - reevaluationAsked).log("event=reevaluation_quiesce_timeout");
        }
        reevaluationBatches = null;
        reevaluation.run(now);
    }

    /**
     * Every pending DESTROY event before the rings: the end of an earlier connection on a tuple is
     * then handled before the decision of a new connection that reuses it (conntrack sends the
     * former before the latter's first packet reaches a queue). Waits at most one poll interval.
     */
    private void drainDestroyed() throws IOException {
        for (int i = 0; i < MAX_EVENT_DATAGRAMS_PER_STEP; i++) {
            if (conntrack.pollDestroyed(onDestroyed) == 0) {
                return;
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(KernelConntrack.EVENT_POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void drainRings() {
        for (EventRing r : engine.rings()) {
            r.drain(onEvent);
        }
    }

    FlowTracker flows() {
        return flows;
    }

    /** Every report interval: sweep, read the counters of every flow, report what moved. */
    void periodic(long now) {
        engine.sessions().sweep(now);
        Map<FlowKey, ConntrackEntry> kernel = offloadedEntries();
        // Decisions whose verdict left before the dump are in the rings: drained now, they are not
        // taken for connections the kernel allow cache accepted.
        drainRings();
        flows.reconcile(kernel, now);
        send(flows.takeAllRecords());
        flowCount = flows.ledger().size();
        untracked = flows.ledger().untracked();
    }

    /** conntrack's offloaded connections (ACCEPT and DROP decisions) by their original tuple; null if unreadable. */
    Map<FlowKey, ConntrackEntry> offloadedEntries() {
        if (conntrack == null) {
            return null;
        }
        MarkBits m = engine.marks();
        Map<FlowKey, ConntrackEntry> byKey = new HashMap<>();
        try {
            for (int mark : new int[] {m.accept(), m.drop()}) {
                for (ConntrackEntry e : conntrack.dumpByMark(mark, m.mask())) {
                    byKey.put(FlowKey.of(e.original()), e);
                }
            }
            return byKey;
        } catch (IOException e) {
            conntrackErrors++;
            failures.warn("event=conntrack_dump_failed reason=\"" + e.getMessage() + "\" errors=" + conntrackErrors);
            return null;
        }
    }

    /** Sends newly due records, finished flows, violations and application updates. */
    void flush(long now, boolean all) {
        send(flows.takeDueRecords());
        List<Violation> v = flows.violations().drain(now);
        if (!v.isEmpty()) {
            engine.report(new ViolationReport(v));
            violationsSent += v.size();
        }
        List<AppUpdate> apps = flows.takeAppUpdates();
        if (!apps.isEmpty()) {
            engine.report(new AppUpdateReport(apps));
        }
        suppressed = flows.violations().suppressed();
        flowCount = flows.ledger().size();
        if (all) {
            untracked = flows.ledger().untracked();
        }
    }

    private void send(List<Connection> records) {
        if (!records.isEmpty()) {
            engine.report(new ConnectionReport(records));
            connectionsSent += records.size();
        }
    }
}
