package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackCounters;
import dev.microseg.dp.conntrack.ConntrackEntry;
import dev.microseg.dp.conntrack.ConntrackTuple;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.kcache.AllowKey;
import dev.microseg.dp.policy.Decision;
import dev.microseg.dp.protocol.AppUpdate;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.ViolationReason;
import dev.microseg.dp.session.SessionKey;
import dev.microseg.dp.session.SessionTable;
import dev.microseg.dp.session.SessionView;
import dev.microseg.dp.session.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the reporter knows of each connection between its decision and its end, and how every
 * event moves it: decisions and removals from the queue threads ({@link EventRing}), DESTROY
 * events and dumps from conntrack, re-decisions from {@link Reevaluation}. It fills the
 * {@link FlowLedger} and says which records are due; {@link Reporter} decides when they leave.
 *
 * <p>Exact counters for offloaded connections: once a connection is offloaded its packets no
 * longer reach the dp, so its totals come from conntrack (the reporter's dump of the ACCEPT and
 * DROP decisions each interval, {@link #reconcile}, and the DESTROY event's final counters,
 * {@link #destroyed}); conntrack accounting counts every packet of the connection, the first one
 * included. Reporter thread only.
 */
final class FlowTracker {
    private static final Logger LOG = LoggerFactory.getLogger(FlowTracker.class);
    /** An offloaded flow missing from this many consecutive dumps is taken as ended (DESTROY lost). */
    static final int MISSED_DUMPS_BEFORE_GONE = 3;
    /**
     * DESTROY events of unknown ACCEPT-marked entries held until the rings are drained: one
     * reporter turn's worth ({@link Reporter#MAX_EVENT_DATAGRAMS_PER_STEP} datagrams of a few events).
     */
    static final int MAX_UNKNOWN_DESTROYED = 8192;

    private final Engine engine;
    private final FlowLedger ledger;
    private final ViolationAggregator violations = new ViolationAggregator();
    private final List<Flow> due = new ArrayList<>();
    private final List<Connection> finals = new ArrayList<>();
    private final List<AppUpdate> appUpdates = new ArrayList<>();
    private final SessionKey scratchKey = new SessionKey();
    private final SessionView scratchView = new SessionView();
    private final Outcome outcome = new Outcome();
    private final List<ConntrackEntry> unknownDestroyed = new ArrayList<>();
    /** Connections accepted by the kernel allow cache and adopted from conntrack (reporter thread; read by counters). */
    volatile long cacheAdopted;
    /** DESTROY events of cache-accepted connections beyond {@link #MAX_UNKNOWN_DESTROYED} in one turn: not reported. */
    volatile long cacheDestroyedDropped;
    /**
     * Ids of the offloaded conntrack entries that existed when the reporter started (left by an
     * earlier run): only these are adopted "from now on" by a re-evaluation; any other entry the
     * ledger does not know was accepted by the kernel allow cache and is reported in full.
     */
    private Set<Long> preexisting = Set.of();

    FlowTracker(Engine engine, int maxFlows) {
        this.engine = engine;
        this.ledger = new FlowLedger(maxFlows);
    }

    FlowLedger ledger() {
        return ledger;
    }

    ViolationAggregator violations() {
        return violations;
    }

    /** One event of a queue thread's ring. */
    void onEvent(long[] d, int b) {
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

    /** The session listener's direct path on the reporter thread. */
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
        if (f == null && marks.decision(e.mark()) == MarkBits.Decision.ACCEPT && engine.allowCache().enabled()) {
            if (unknownDestroyed.size() < MAX_UNKNOWN_DESTROYED) {
                unknownDestroyed.add(e);
            } else {
                cacheDestroyedDropped++; // a connection the cache accepted goes unreported: counted, not silent
            }
        }
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

    void preexisting(Map<FlowKey, ConntrackEntry> atStart) {
        Set<Long> ids = new HashSet<>();
        if (atStart != null) {
            atStart.values().forEach(e -> ids.add(e.id()));
        }
        preexisting = ids;
    }

    /** Whether the entry was in conntrack before this dp started (see {@link #preexisting}). */
    boolean leftByEarlierRun(ConntrackEntry e) {
        return preexisting.contains(e.id());
    }

    /**
     * The DESTROY events {@link #destroyed} could not match, once the rings are drained (a
     * connection the dp decided has its DECIDED event in a ring before its verdict left, so before
     * conntrack knew it): what is still unknown was accepted by the kernel allow cache without
     * reaching the dp, and is reported now with its final counters.
     */
    void adoptDestroyed(long now) {
        for (ConntrackEntry e : unknownDestroyed) {
            FlowKey key = FlowKey.of(e.original());
            if (!leftByEarlierRun(e) && ledger.find(key) == null) {
                Flow f = adopt(key, e, now);
                if (f != null) {
                    finish(f);
                }
            }
        }
        unknownDestroyed.clear();
    }

    /**
     * A connection the kernel allow cache accepted: never seen by the packet path, so it is
     * classified here (the reporter thread, off the packet path) to name its workload and rule,
     * and tracked from conntrack like any offloaded connection, with every counter since its start.
     * Only what the current policy still allows is adopted (the cache holds only allows, and a
     * policy change empties it before re-deciding live connections).
     *
     * @return the new flow, or null when it is not a cached allow of a workload
     */
    private Flow adopt(FlowKey key, ConntrackEntry e, long now) {
        ConntrackTuple t = e.original();
        if (!AllowKey.cacheable(t.protocol()) || !(t.l4() instanceof ConntrackTuple.Ports p)) {
            return null;
        }
        engine.decider().decide(t.protocol(), key.iHi(), key.iLo(), key.rHi(), key.rLo(), p.destination(),
                Decider.APP_UNIDENTIFIED, outcome);
        if (outcome.verdict != Verdict.ALLOWED || outcome.endpoint == Outcome.NO_ENDPOINT) {
            return null;
        }
        ConntrackCounters o = e.originalCounters().orElse(new ConntrackCounters(0, 0));
        ConntrackCounters r = e.replyCounters().orElse(new ConntrackCounters(0, 0));
        decided(key, Verdict.ALLOWED, outcome.decision == null ? -1 : outcome.decision.kind().ordinal(), true,
                outcome.endpointRef(), outcome.ruleId(), 0, now, o.packets(), r.packets(), o.bytes(), r.bytes(), now, now);
        Flow f = ledger.find(key);
        if (f != null) {
            f.conntrackId = e.id();
            cacheAdopted++;
        }
        return f;
    }

    /**
     * Every report interval: each flow's totals from conntrack ({@code kernel}, the offloaded
     * entries by original tuple; null when unreadable) or from its session; flows whose entry or
     * session is gone end.
     */
    void reconcile(Map<FlowKey, ConntrackEntry> kernel, long now) {
        SessionTable sessions = engine.sessions();
        Set<FlowKey> matched = kernel == null ? Set.of() : new HashSet<>();
        for (Flow f : ledger.all()) {
            if (f.offloaded && kernel != null) {
                ConntrackEntry e = kernel.get(f.key);
                boolean reversed = false;
                if (e == null) {
                    e = kernel.get(f.key.reversed());
                    reversed = e != null;
                }
                if (e != null) {
                    matched.add(FlowKey.of(e.original()));
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
        if (kernel != null && engine.allowCache().enabled()) {
            MarkBits marks = engine.marks();
            for (Map.Entry<FlowKey, ConntrackEntry> k : kernel.entrySet()) {
                if (!matched.contains(k.getKey()) && marks.decision(k.getValue().mark()) == MarkBits.Decision.ACCEPT
                        && !leftByEarlierRun(k.getValue()) && ledger.find(k.getKey()) == null) {
                    adopt(k.getKey(), k.getValue(), now);
                }
            }
        }
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

    private void markDue(Flow f) {
        if (!f.due) {
            f.due = true;
            due.add(f);
        }
    }

    /** The last records of finished flows, then the records of newly decided or changed ones. */
    List<Connection> takeDueRecords() {
        List<Connection> records = takeFinals();
        for (Flow f : due) {
            if (f.due) {
                records.add(FlowLedger.record(f, engine.internalNets()));
            }
        }
        due.clear();
        return records;
    }

    /** The last records of finished flows, then a record of every flow that moved or is due. */
    List<Connection> takeAllRecords() {
        List<Connection> records = takeFinals();
        records.addAll(ledger.records(engine.internalNets()));
        due.clear();
        return records;
    }

    private List<Connection> takeFinals() {
        List<Connection> records = new ArrayList<>(finals);
        finals.clear();
        return records;
    }

    /** Application updates since the last call. */
    List<AppUpdate> takeAppUpdates() {
        if (appUpdates.isEmpty()) {
            return List.of();
        }
        List<AppUpdate> u = List.copyOf(appUpdates);
        appUpdates.clear();
        return u;
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
