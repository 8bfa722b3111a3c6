package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackCounters;
import dev.microseg.dp.conntrack.ConntrackEntry;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.protocol.AppUpdate;
import dev.microseg.dp.protocol.AppUpdateReport;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.ConnectionReport;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.Violation;
import dev.microseg.dp.protocol.ViolationReason;
import dev.microseg.dp.protocol.ViolationReport;
import dev.microseg.dp.policy.Decision;
import dev.microseg.dp.session.SessionKey;
import dev.microseg.dp.session.SessionTable;
import dev.microseg.dp.session.SessionView;
import dev.microseg.dp.session.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reporter: one thread that owns everything about reports. Its loop waits (at most
 * {@link KernelConntrack#EVENT_POLL}) for conntrack DESTROY events, then drains the queue threads'
 * {@link EventRing}s, runs a requested re-evaluation ({@link Reevaluation}), flushes violations
 * and the records of newly decided connections (every {@link #FLUSH_MILLIS}), and every report
 * interval sweeps expired sessions and reports every connection whose counters moved.
 *
 * <p>Exact counters for offloaded connections: once a connection is offloaded its packets no
 * longer reach the dp, so its totals come from conntrack ({@code dumpByMark} of the ACCEPT and
 * DROP decisions each interval, and the DESTROY event's final counters); conntrack accounting
 * counts every packet of the connection, the first one included. Each record carries the
 * difference to the previous record of its connection.
 */
final class Reporter {
    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);
    /** Newly decided connections and violations leave at most this long after the decision. */
    static final long FLUSH_MILLIS = 200;
    /** An offloaded flow missing from this many consecutive dumps is taken as ended (DESTROY lost). */
    static final int MISSED_DUMPS_BEFORE_GONE = 3;
    /** DESTROY datagrams taken per loop turn at most, so the rings are drained under a steady stream too. */
    static final int MAX_EVENT_DATAGRAMS_PER_STEP = 1024;
    /** How often the kernel's queue counters are read. */
    static final long PROC_MILLIS = 1000;

    private final Engine engine;
    private final ConntrackPort conntrack;
    private final FlowLedger ledger;
    private final ViolationAggregator violations = new ViolationAggregator();
    private final Reevaluation reevaluation;
    private final List<Flow> due = new ArrayList<>();
    private final List<Connection> finals = new ArrayList<>();
    private final List<AppUpdate> appUpdates = new ArrayList<>();
    private final SessionKey scratchKey = new SessionKey();
    private final SessionView scratchView = new SessionView();
    private final EventRing.Consumer onEvent = this::onEvent;
    private final java.util.function.Consumer<ConntrackEntry> onDestroyed = this::destroyed;
    private long nextFlush;
    private long nextReport;
    private long nextProc;
    private volatile boolean running = true;
    volatile long connectionsSent;
    volatile long violationsSent;
    volatile long conntrackErrors;
    volatile int flows;
    volatile long untracked;
    volatile long suppressed;
    volatile QueueProcStats proc = QueueProcStats.NONE;

    /**
     * @param conntrack the conntrack table, or null where there is none (unit tests): offloaded
     *                  connections then keep the counters the dp saw
     */
    Reporter(Engine engine, ConntrackPort conntrack, int maxFlows) {
        this.engine = engine;
        this.conntrack = conntrack;
        this.ledger = new FlowLedger(maxFlows);
        this.reevaluation = new Reevaluation(engine, conntrack, this);
    }

    /** The loop; returns after {@link #stop()}. */
    void run() {
        long now = engine.now();
        nextReport = now + engine.reportIntervalMillis();
        while (running) {
            try {
                step();
            } catch (RuntimeException e) {
                LOG.atError().setCause(e).log("event=reporter_step_failed");
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

    /** One turn of the loop; public to the package so tests can drive it without a thread. */
    void step() {
        if (conntrack != null) {
            try {
                drainDestroyed();
            } catch (IOException e) {
                conntrackErrors++;
                LOG.atWarn().addKeyValue("reason", e.getMessage()).log("event=conntrack_events_failed");
                sleepQuietly();
            }
        } else {
            sleepQuietly();
        }
        drainRings();
        long now = engine.now();
        if (engine.takeReevaluationRequest()) {
            reevaluation.run(now);
        }
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

    private void onEvent(long[] d, int b) {
        long head = d[b + EventRing.F_HEAD];
        FlowKey key = FlowKey.of(d, b);
        switch (EventRing.kind(head)) {
            case EventRing.DECIDED -> {
                int flags = EventRing.flags(head);
                boolean fresh = (flags & EventRing.FLAG_NEW_CONNECTION) != 0;
                if (fresh) {
                    newConnection(key);
                }
                long at = d[b + EventRing.F_AT];
                decided(key, Verdict.values()[EventRing.verdict(head)], EventRing.decisionKind(head),
                        (flags & EventRing.FLAG_OFFLOADED) != 0, (int) d[b + EventRing.F_ENDPOINT_REF],
                        (int) d[b + EventRing.F_RULE], d[b + EventRing.F_APP], at,
                        fresh ? 1 : d[b + EventRing.F_PKTS_INIT], fresh ? 0 : d[b + EventRing.F_PKTS_RESP],
                        fresh ? d[b + EventRing.F_PACKET_BYTES] : d[b + EventRing.F_BYTES_INIT],
                        fresh ? 0 : d[b + EventRing.F_BYTES_RESP], fresh ? at : d[b + EventRing.F_FIRST],
                        fresh ? at : d[b + EventRing.F_LAST]);
            }
            case EventRing.REMOVED -> removed(key, d[b + EventRing.F_PKTS_INIT], d[b + EventRing.F_PKTS_RESP],
                    d[b + EventRing.F_BYTES_INIT], d[b + EventRing.F_BYTES_RESP], d[b + EventRing.F_LAST]);
            case EventRing.APPLICATION -> application(key, d[b + EventRing.F_APP], d[b + EventRing.F_AT]);
            default -> LOG.warn("event=reporter_unknown_event kind={}", EventRing.kind(head));
        }
    }

    /**
     * A connection was decided, or its decision changed. Counters are initiator → responder first.
     *
     * @param decisionKind the deciding {@link Decision.Kind} ordinal, -1 when no end is a workload
     */
    void decided(FlowKey key, Verdict verdict, int decisionKind, boolean offloaded, int endpointRef, int rule, long app,
                 long at, long pToServer, long pToClient, long bToServer, long bToClient, long first, long last) {
        MacAddress mac = engine.endpoints().snapshot().mac(Outcome.endpointOf(endpointRef));
        Flow f = ledger.find(key);
        if (f == null) {
            if (mac == null || (f = ledger.create(key)) == null) {
                return;
            }
            f.firstSeen = first;
            f.lastSeen = last;
        }
        boolean reversed = !f.key.equals(key);
        RuleAction before = f.action;
        if (mac != null) {
            f.workload = mac;
            f.ingress = Outcome.ingressOf(endpointRef) != reversed;
        }
        f.action = action(verdict);
        f.ruleId = rule;
        f.reason = reason(decisionKind);
        f.offloaded |= offloaded;
        if (app > 0) {
            f.application = app;
        }
        if (reversed) {
            f.totals(pToClient, pToServer, bToClient, bToServer, last);
        } else {
            f.totals(pToServer, pToClient, bToServer, bToClient, last);
        }
        markDue(f);
        if (f.violation() && f.action != before) {
            violations.add(FlowLedger.tuple(f), f.application, f.ruleId, f.action, f.ingress,
                    FlowLedger.external(FlowLedger.tuple(f), f.ingress, engine.internalNets()), f.reason, at);
        }
    }

    /**
     * A new connection reuses the ports of one this ledger still holds: the earlier one ends here,
     * with the final counters of its DESTROY event when that came first.
     */
    private void newConnection(FlowKey key) {
        Flow f = ledger.find(key);
        if (f == null) {
            return;
        }
        if (f.pendingDestroy != null) {
            counters(f, f.pendingDestroy, !f.key.equals(FlowKey.of(f.pendingDestroy.original())), engine.now());
        }
        finish(f);
    }

    /** A session left the table: its last counters close a flow the dp was counting itself. */
    void removed(FlowKey key, long pToServer, long pToClient, long bToServer, long bToClient, long last) {
        Flow f = ledger.find(key);
        if (f == null || f.offloaded) {
            return;
        }
        if (f.key.equals(key)) {
            f.totals(pToServer, pToClient, bToServer, bToClient, last);
        } else {
            f.totals(pToClient, pToServer, bToClient, bToServer, last);
        }
        finish(f);
    }

    /** The session listener's direct path on this thread. */
    void removed(SessionView s) {
        removed(FlowKey.of(s), s.packetsFromInitiator(), s.packetsFromResponder(), s.bytesFromInitiator(),
                s.bytesFromResponder(), s.lastSeen());
    }

    private void application(FlowKey key, long app, long at) {
        Flow f = ledger.find(key);
        if (f != null && f.workload != null) {
            f.application = app;
            appUpdates.add(new AppUpdate(FlowLedger.tuple(f), app, at));
        }
    }

    /**
     * conntrack forgot a connection: the final counters of an offloaded one. The event is matched
     * to the flow by the entry's id once a dump showed it; before that it is kept until the next
     * dump ({@link Flow#pendingDestroy}). The session's decision is cleared either way (not the
     * session: a new connection may already be using it), so the next packet that still reaches
     * the dp is decided afresh and a new connection on this tuple is reported as new.
     */
    void destroyed(ConntrackEntry e) {
        MarkBits marks = engine.marks();
        if (marks.decision(e.mark()) == MarkBits.Decision.UNDECIDED) {
            return;
        }
        FlowKey key = FlowKey.of(e.original());
        Flow f = ledger.find(key);
        if (f == null || (f.conntrackId != 0 && f.conntrackId != e.id())) {
            return;
        }
        engine.sessions().decide(f.key.into(scratchKey), Verdict.UNDECIDED, 0, 0);
        if (f.conntrackId == 0) {
            f.pendingDestroy = e;
            return;
        }
        counters(f, e, !f.key.equals(key), engine.now());
        finish(f);
    }

    /** Takes conntrack's totals for the flow. */
    static void counters(Flow f, ConntrackEntry e, boolean reversed, long now) {
        if (e.originalCounters().isEmpty() || e.replyCounters().isEmpty()) {
            return;
        }
        ConntrackCounters o = e.originalCounters().get();
        ConntrackCounters r = e.replyCounters().get();
        if (reversed) {
            f.totals(r.packets(), o.packets(), r.bytes(), o.bytes(), now);
        } else {
            f.totals(o.packets(), r.packets(), o.bytes(), r.bytes(), now);
        }
    }

    private void finish(Flow f) {
        if (f.due || f.changedSinceReport()) {
            finals.add(FlowLedger.record(f, engine.internalNets()));
        }
        f.due = false;
        ledger.remove(f);
    }

    void markDue(Flow f) {
        if (!f.due) {
            f.due = true;
            due.add(f);
        }
    }

    FlowLedger ledger() {
        return ledger;
    }

    ViolationAggregator violations() {
        return violations;
    }

    /** Every report interval: sweep, read the counters of every flow, report what moved. */
    void periodic(long now) {
        SessionTable sessions = engine.sessions();
        sessions.sweep(now);
        Map<FlowKey, ConntrackEntry> kernel = offloadedEntries();
        for (Flow f : ledger.all()) {
            if (f.offloaded && kernel != null) {
                ConntrackEntry e = kernel.get(f.key);
                boolean reversed = false;
                if (e == null) {
                    e = kernel.get(f.key.reversed());
                    reversed = e != null;
                }
                if (e != null) {
                    f.missedDumps = 0;
                    f.conntrackId = e.id();
                    f.pendingDestroy = null;
                    counters(f, e, reversed, now);
                } else if (f.pendingDestroy != null) {
                    counters(f, f.pendingDestroy, !f.key.equals(FlowKey.of(f.pendingDestroy.original())), now);
                    finish(f);
                } else if (++f.missedDumps >= MISSED_DUMPS_BEFORE_GONE) {
                    finish(f);
                }
            } else if (!f.offloaded) {
                if (sessions.get(f.key.into(scratchKey), now, scratchView)) {
                    f.totals(scratchView.packetsFromInitiator(), scratchView.packetsFromResponder(),
                            scratchView.bytesFromInitiator(), scratchView.bytesFromResponder(), scratchView.lastSeen());
                } else {
                    finish(f);
                }
            }
        }
        List<Connection> records = new ArrayList<>(finals);
        finals.clear();
        records.addAll(ledger.records(engine.internalNets()));
        due.clear();
        send(records);
        flows = ledger.size();
        untracked = ledger.untracked();
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
            LOG.atWarn().addKeyValue("reason", e.getMessage()).log("event=conntrack_dump_failed");
            return null;
        }
    }

    /** Sends newly due records, finished flows, violations and application updates. */
    void flush(long now, boolean all) {
        List<Connection> records = new ArrayList<>(finals);
        finals.clear();
        for (Flow f : due) {
            if (f.due) {
                records.add(FlowLedger.record(f, engine.internalNets()));
            }
        }
        due.clear();
        send(records);
        List<Violation> v = violations.drain(now);
        if (!v.isEmpty()) {
            engine.report(new ViolationReport(v));
            violationsSent += v.size();
        }
        if (!appUpdates.isEmpty()) {
            engine.report(new AppUpdateReport(List.copyOf(appUpdates)));
            appUpdates.clear();
        }
        suppressed = violations.suppressed();
        flows = ledger.size();
        if (all) {
            untracked = ledger.untracked();
        }
    }

    private void send(List<Connection> records) {
        if (!records.isEmpty()) {
            engine.report(new ConnectionReport(records));
            connectionsSent += records.size();
        }
    }

    static RuleAction action(Verdict v) {
        return switch (v) {
            case DENIED -> RuleAction.DENY;
            case VIOLATION -> RuleAction.VIOLATE;
            default -> RuleAction.ALLOW;
        };
    }

    static ViolationReason reason(int decisionKind) {
        if (decisionKind == Decision.Kind.DEFAULT.ordinal()) {
            return ViolationReason.DEFAULT_ACTION;
        }
        if (decisionKind == Decision.Kind.APPLICATION.ordinal()) {
            return ViolationReason.APPLICATION;
        }
        return ViolationReason.RULE;
    }
}
