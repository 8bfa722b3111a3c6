package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackCounters;
import dev.microseg.dp.conntrack.ConntrackEntry;
import dev.microseg.dp.conntrack.ConntrackTuple;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.packet.IpProtocols;
import dev.microseg.dp.session.SessionKey;
import dev.microseg.dp.session.SessionTable;
import dev.microseg.dp.session.SessionView;
import dev.microseg.dp.session.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * After a policy or endpoint change, decides every live connection again under the new policy
 * (on the reporter thread, which owns the conntrack socket):
 *
 * <ol>
 *   <li>Connections the dp still sees (not offloaded: pending DPI, denied, or every connection with
 *       offload off): the session's verdict is updated, so the next packet gets the new verdict.</li>
 *   <li>Offloaded connections, whose decision lives in the ct mark: every entry with the ACCEPT
 *       mark that the new policy denies is cut (its mark rewritten to DROP through ctnetlink: the
 *       kernel drops its next packet); every entry with the DROP mark that the new policy allows
 *       gets the ACCEPT mark back. Entries left by an earlier run of the dp are adopted the same
 *       way, so a restarted dp enforces the re-sent policy on old connections too.</li>
 * </ol>
 * Every change of decision reaches the reporter: a connection newly denied or newly violating is
 * reported as a violation (kind 3) and its next connection record carries the new action. A
 * Monitor connection (violate) keeps flowing. Applications cannot be identified mid-connection,
 * so rules with {@code apps} do not match here ({@link Decider#APP_UNIDENTIFIED}) unless DPI had
 * already named the application.
 */
final class Reevaluation {
    private static final Logger LOG = LoggerFactory.getLogger(Reevaluation.class);
    /** Cut connections logged one by one per run; the rest are counted in the run's summary line. */
    static final int LOGGED_CUTS = 20;

    private final Engine engine;
    private final ConntrackPort conntrack;
    private final Reporter reporter;
    private final Outcome outcome = new Outcome();
    private final SessionKey key = new SessionKey();
    private final SessionView view = new SessionView();
    private int changed;
    private int cut;
    private int readmitted;

    Reevaluation(Engine engine, ConntrackPort conntrack, Reporter reporter) {
        this.engine = engine;
        this.conntrack = conntrack;
        this.reporter = reporter;
    }

    /** Re-decides everything; returns how many connections changed decision. */
    int run(long now) {
        long started = System.nanoTime();
        changed = 0;
        cut = 0;
        readmitted = 0;
        int generation = engine.generation();
        SessionTable sessions = engine.sessions();
        int visited = sessions.forEach(now, s -> session(sessions, s, generation, now));
        int entries = 0;
        if (conntrack != null) {
            MarkBits m = engine.marks();
            try {
                List<ConntrackEntry> accepted = conntrack.dumpByMark(m.accept(), m.mask());
                List<ConntrackEntry> dropped = conntrack.dumpByMark(m.drop(), m.mask());
                entries = accepted.size() + dropped.size();
                for (ConntrackEntry e : accepted) {
                    offloaded(sessions, e, false, generation, now);
                }
                for (ConntrackEntry e : dropped) {
                    offloaded(sessions, e, true, generation, now);
                }
            } catch (IOException e) {
                reporter.conntrackErrors++;
                LOG.atWarn().addKeyValue("reason", e.getMessage()).log("event=reevaluation_conntrack_failed");
            }
        }
        engine.countReevaluation(cut, readmitted);
        LOG.atInfo().addKeyValue("generation", generation).addKeyValue("sessions", visited)
                .addKeyValue("offloaded", entries).addKeyValue("changed", changed).addKeyValue("cut", cut)
                .addKeyValue("readmitted", readmitted)
                .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("event=reevaluated");
        return changed;
    }

    private void session(SessionTable sessions, SessionView s, int generation, long now) {
        Verdict before = s.verdict();
        if (before == Verdict.UNDECIDED || before == Verdict.PENDING_APPLICATION || s.offloaded()) {
            return;
        }
        int proto = s.protocol();
        int port = Decider.isIcmp(proto) ? requestType(proto) : s.responderPort();
        int app = s.applicationId() > 0 ? s.applicationId() : Decider.APP_UNIDENTIFIED;
        engine.decider().decide(proto, s.initiatorHi(), s.initiatorLo(), s.responderHi(), s.responderLo(), port, app,
                outcome);
        SessionKey k = s.key();
        sessions.decide(k, outcome.verdict, outcome.ruleId(), generation);
        sessions.setEndpoint(k, outcome.endpointRef());
        if (outcome.verdict != before || outcome.ruleId() != s.ruleId()) {
            changed++;
            reporter.flows().decided(FlowKey.of(s), outcome.verdict, kind(), false, outcome.endpointRef(), outcome.ruleId(),
                    s.applicationId(), now, s.packetsFromInitiator(), s.packetsFromResponder(), s.bytesFromInitiator(),
                    s.bytesFromResponder(), s.firstSeen(), s.lastSeen());
        }
    }

    private void offloaded(SessionTable sessions, ConntrackEntry e, boolean markedDrop, int generation, long now)
            throws IOException {
        ConntrackTuple t = e.original();
        FlowKey k = FlowKey.of(t);
        int port = switch (t.l4()) {
            case ConntrackTuple.Ports p -> p.destination();
            case ConntrackTuple.Icmp i -> Decider.icmpPort(t.protocol(), i.type());
            case ConntrackTuple.NoL4 n -> 0;
        };
        boolean known = sessions.get(k.into(key), now, view);
        int app = known && view.applicationId() > 0 ? view.applicationId() : Decider.APP_UNIDENTIFIED;
        engine.decider().decide(t.protocol(), k.iHi(), k.iLo(), k.rHi(), k.rLo(), port, app, outcome);
        Verdict v = outcome.verdict;
        MarkBits m = engine.marks();
        if (v == Verdict.DENIED && !markedDrop) {
            if (conntrack.setMark(t, m.drop(), m.mask()) && ++cut <= LOGGED_CUTS) {
                LOG.atInfo().addKeyValue("connection", t).addKeyValue("rule", outcome.ruleId())
                        .log("event=connection_cut");
            }
        } else if (v != Verdict.DENIED && markedDrop) {
            if (conntrack.setMark(t, m.accept(), m.mask())) {
                readmitted++;
            }
        }
        if (known) {
            sessions.decide(key, v, outcome.ruleId(), generation);
            sessions.setEndpoint(key, outcome.endpointRef());
        }
        Flow f = reporter.flows().ledger().find(k);
        if (f != null && f.action == FlowTracker.action(v)) {
            return;
        }
        if (f != null || (known && view.verdict() != v)) {
            changed++;
        }
        ConntrackCounters o = e.originalCounters().orElse(new ConntrackCounters(0, 0));
        ConntrackCounters r = e.replyCounters().orElse(new ConntrackCounters(0, 0));
        reporter.flows().decided(k, v, kind(), true, outcome.endpointRef(), outcome.ruleId(), Math.max(app, 0), now,
                o.packets(), r.packets(), o.bytes(), r.bytes(), known ? view.firstSeen() : now, now);
        Flow tracked = reporter.flows().ledger().find(k);
        if (tracked != null && tracked.conntrackId == 0) {
            tracked.conntrackId = e.id();
        }
        boolean fromNowOn = !engine.allowCache().enabled() || reporter.flows().leftByEarlierRun(e);
        if (f == null && !known && !fromNowOn && tracked != null) {
            // Accepted by the kernel allow cache: reported in full, as FlowTracker#adopt would.
            reporter.flows().cacheAdopted++;
        }
        if (f == null && !known && fromNowOn && (f = tracked) != null) {
            // Adopted without a session (left by an earlier run, or its session expired): its traffic
            // so far was counted before this dp knew it, so only what happens from now on is reported.
            f.reportedPacketsToServer = f.packetsToServer;
            f.reportedPacketsToClient = f.packetsToClient;
            f.reportedBytesToServer = f.bytesToServer;
            f.reportedBytesToClient = f.bytesToClient;
        }
    }

    private int kind() {
        return outcome.decision == null ? -1 : outcome.decision.kind().ordinal();
    }

    private static int requestType(int proto) {
        return proto == IpProtocols.ICMP ? 8 : 128;
    }
}
