package dev.microseg.dp.engine;

import dev.microseg.dp.engine.PathCounters.Name;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.kcache.AllowCache;
import dev.microseg.dp.kcache.AllowKey;
import dev.microseg.dp.nfq.NfqPacket;
import dev.microseg.dp.nfq.PacketHandler;
import dev.microseg.dp.nfq.Verdicts;
import dev.microseg.dp.packet.DecodeResult;
import dev.microseg.dp.packet.DecodedPacket;
import dev.microseg.dp.packet.IcmpTypes;
import dev.microseg.dp.packet.IpProtocols;
import dev.microseg.dp.packet.PacketDecoder;
import dev.microseg.dp.policy.Classifier;
import dev.microseg.dp.policy.Decision;
import dev.microseg.dp.session.SessionKey;
import dev.microseg.dp.session.SessionTable;
import dev.microseg.dp.session.SessionView;
import dev.microseg.dp.session.TrackOutcome;
import dev.microseg.dp.session.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet path of one queue thread: decode, track the session, decide when the connection is
 * new (or was decided under an older policy), give the verdict. One instance per queue; nothing
 * is allocated or logged per packet (the reusable decode, key, view and outcome live here).
 *
 * <ol>
 *   <li>Decode. A malformed or truncated packet is counted by {@link DecodeResult} and gets the
 *       fail verdict: accept when fail-open, drop when fail-closed.</li>
 *   <li>An ICMP error quoting a connection the dp knows follows that connection's verdict.</li>
 *   <li>Track. A packet that cannot start a session (a lone TCP reset) is accepted: a reset only
 *       ever ends a connection.</li>
 *   <li>Decide ({@link Decider}, {@link Outcome}) when the session is undecided, pending DPI, or
 *       decided under an older policy generation; the decision is recorded in the session and
 *       handed to the reporter ({@link EventRing}).</li>
 *   <li>Verdict: allow or violate → {@code NF_REPEAT} with the ACCEPT mark (the kernel then keeps
 *       the rest of the connection, see {@link MarkBits}), or plain ACCEPT with offload off;
 *       deny → {@code NF_REPEAT} with the DROP mark (a confirmed connection is then dropped in the
 *       kernel), or with the REJECT mark for TCP when {@code tcp_rst_on_deny} is on, or plain DROP
 *       with offload off; pending → ACCEPT without a mark, so the next packet comes back. Resets of
 *       a denied TCP connection pass, so both ends learn it is gone.</li>
 * </ol>
 * The queue sends all verdicts of a receive batch in one message.
 */
final class PacketPipeline implements PacketHandler {
    /**
     * One line per decision at DEBUG (not per packet): enable with the logger
     * {@code dev.microseg.dp.decisions} ({@code MICROSEG_DP_DECISION_LOG=DEBUG}).
     */
    private static final Logger DECISIONS = LoggerFactory.getLogger("dev.microseg.dp.decisions");
    /** Packets a connection waits for DPI before it is decided without an application. */
    static final long MAX_INSPECTED_PACKETS = 32;

    private static final dev.microseg.dp.nfq.Verdict ACCEPT = dev.microseg.dp.nfq.Verdict.ACCEPT;
    private static final dev.microseg.dp.nfq.Verdict DROP = dev.microseg.dp.nfq.Verdict.DROP;
    private static final dev.microseg.dp.nfq.Verdict REPEAT = dev.microseg.dp.nfq.Verdict.REPEAT;

    private final Engine engine;
    private final PathCounters counters;
    private final EventRing ring;
    private final MarkBits marks;
    private final DecodedPacket pkt = new DecodedPacket();
    private final SessionKey key = new SessionKey();
    private final SessionView view = new SessionView();
    private final Outcome outcome = new Outcome();
    private boolean ringBound;
    /** Receive batches this queue thread finished: written by it, read by the reporter. */
    private volatile long batches;

    PacketPipeline(Engine engine, PathCounters counters, EventRing ring) {
        this.engine = engine;
        this.counters = counters;
        this.ring = ring;
        this.marks = engine.marks();
    }

    /**
     * The queue sent every verdict of its batch: a decision made under an older policy is now in
     * the kernel, where a re-evaluation's conntrack dump sees it ({@link Reporter}).
     */
    @Override
    public void batchDone() {
        batches++;
    }

    long batches() {
        return batches;
    }

    @Override
    public void onPacket(NfqPacket p, Verdicts v) {
        if (!ringBound) {
            engine.bindRing(ring);
            ringBound = true;
        }
        counters.inc(Name.PACKETS);
        counters.add(Name.BYTES, p.originalLength());
        DecodeResult r = PacketDecoder.decode(p.buffer(), p.payloadOffset(), p.payloadLength(), p.originalLength(), pkt);
        if (r != DecodeResult.OK) {
            counters.decodeError(r);
            fail(p, v);
            return;
        }
        long now = engine.now();
        SessionTable sessions = engine.sessions();
        int proto = pkt.protocol();
        if (pkt.innerValid() && IcmpTypes.isError(proto == IpProtocols.ICMPV6, pkt.icmpType())) {
            counters.inc(Name.ICMP_ERRORS);
            key.fromQuotedPacket(pkt);
            if (sessions.get(key, now, view) && view.verdict() != Verdict.UNDECIDED) {
                verdict(p, v, view.verdict() == Verdict.DENIED ? DROP : ACCEPT);
                return;
            }
        }
        key.fromPacket(pkt);
        if (sessions.track(key, pkt.tcpFlags(), p.originalLength(), now, view) == TrackOutcome.NOT_CREATED) {
            counters.inc(Name.NO_SESSION);
            verdict(p, v, ACCEPT);
            return;
        }
        Verdict sv = view.verdict();
        int generation = engine.generation();
        // A packet of a session the kernel was carrying: for TCP a SYN, for other protocols any packet
        // after conntrack reported the entry gone (the reporter then clears the decision).
        boolean reused = view.offloaded()
                && (newTcpConnection() || (sv == Verdict.UNDECIDED && pkt.protocol() != IpProtocols.TCP));
        if (sv != Verdict.UNDECIDED && sv != Verdict.PENDING_APPLICATION
                && view.policyGeneration() == generation && !reused) {
            apply(p, v, sv, view.offloaded());
            return;
        }
        decide(p, v, sessions, reused ? Verdict.UNDECIDED : sv, generation, now, reused ? p.originalLength() : 0);
    }

    /**
     * A SYN from the initiator of a session the kernel was carrying: conntrack sends a SYN of an
     * offloaded connection to the queue only when its entry is new, so this is a new connection
     * reusing the ports of an earlier one (within the earlier session's idle timeout).
     */
    private boolean newTcpConnection() {
        return pkt.protocol() == IpProtocols.TCP && view.fromInitiator()
                && (pkt.tcpFlags() & (DecodedPacket.SYN | DecodedPacket.ACK)) == DecodedPacket.SYN;
    }

    /**
     * @param newConnectionBytes the packet's length when it opens a new connection on a reused
     *                           session (the reporter then starts a new flow), else 0
     */
    private void decide(NfqPacket p, Verdicts v, SessionTable sessions, Verdict before,
                        int generation, long now, int newConnectionBytes) {
        int proto = view.protocol();
        int port = Decider.isIcmp(proto) ? Decider.icmpPort(proto, pkt.icmpType()) : view.responderPort();
        boolean mayInspect = before == Verdict.UNDECIDED
                || before == Verdict.PENDING_APPLICATION;
        int app = view.applicationId() > 0 ? view.applicationId()
                : mayInspect ? Classifier.APP_UNKNOWN : Decider.APP_UNIDENTIFIED;
        // Only a decision made knowing nothing of the application can stand for every later
        // connection of the key: one made with an application (stored on a reused session) or with
        // "unidentified" (after a denial) may differ from what a new connection would get.
        boolean applicationBlind = app == Classifier.APP_UNKNOWN && before == Verdict.UNDECIDED;
        Decider decider = engine.decider();
        decider.decide(proto, view.initiatorHi(), view.initiatorLo(), view.responderHi(), view.responderLo(), port, app,
                outcome);
        boolean inspected = outcome.verdict == Verdict.PENDING_APPLICATION;
        if (inspected) {
            int found = inspect(p);
            if (found > 0) {
                sessions.setApplication(key, found);
                counters.inc(Name.APP_IDENTIFIED);
                offer(EventRing.APPLICATION, before.ordinal(), -1, 0, -1, 0, found, now, 0);
            }
            if (found != AppIdentifier.KEEP_INSPECTING) {
                app = found > 0 ? found : Decider.APP_UNIDENTIFIED;
                decider.decide(proto, view.initiatorHi(), view.initiatorLo(), view.responderHi(), view.responderLo(), port,
                        app, outcome);
            }
        }
        Verdict decided = outcome.verdict;
        boolean offload = engine.offload() && (decided == Verdict.ALLOWED
                || decided == Verdict.VIOLATION);
        int rule = outcome.ruleId();
        sessions.decide(key, decided, rule, generation);
        sessions.setEndpoint(key, outcome.endpointRef());
        if (offload) {
            sessions.setOffloaded(key, true);
            if (decided == Verdict.ALLOWED && !inspected && applicationBlind) {
                cache(proto, generation);
            }
        }
        count(decided, before);
        if (DECISIONS.isDebugEnabled()) {
            DECISIONS.debug("event=decided session=\"{}\" tcp_flags=0x{} before={} verdict={} rule={} endpoint_ref={} generation={}",
                    view, Integer.toHexString(pkt.tcpFlags()), before, decided, rule, outcome.endpointRef(), generation);
        }
        if (decided != before || rule != view.ruleId()) {
            int flags = (offload ? EventRing.FLAG_OFFLOADED : 0) | (view.midstream() ? EventRing.FLAG_MIDSTREAM : 0)
                    | (newConnectionBytes > 0 ? EventRing.FLAG_NEW_CONNECTION : 0);
            int kind = outcome.decision == null ? -1 : outcome.decision.kind().ordinal();
            offer(EventRing.DECIDED, decided.ordinal(), kind, flags, outcome.endpointRef(), rule, Math.max(app, 0), now,
                    newConnectionBytes);
        }
        apply(p, v, decided, offload);
    }

    /**
     * A final L3/L4 allow (a rule without applications, decided on the first look, at a workload
     * end) goes to the kernel allow cache: later connections with the same source, destination,
     * protocol and port are then accepted in the kernel. Violations, denials, default actions,
     * anything DPI took part in, and decisions made with an application already known (a reused
     * session) or after a denial never are.
     */
    private void cache(int proto, int generation) {
        AllowCache c = engine.allowCache();
        if (engine.caching() && outcome.decision != null && outcome.decision.kind() == Decision.Kind.RULE
                && outcome.endpoint != Outcome.NO_ENDPOINT && AllowKey.cacheable(proto) && !view.midstream()) {
            c.offer(new AllowKey(proto, view.initiatorHi(), view.initiatorLo(), view.responderHi(), view.responderLo(),
                    view.responderPort(), generation));
            counters.inc(Name.CACHE_OFFERS);
        }
    }

    private void offer(int kind, int verdict, int decisionKind, int flags, int endpointRef, int rule, int app, long now,
                       int packetBytes) {
        if (!ring.offer(kind, view, verdict, decisionKind, flags, endpointRef, rule, app, now, packetBytes)) {
            counters.inc(Name.EVENTS_DROPPED);
        }
    }

    private int inspect(NfqPacket p) {
        if (view.packetsFromInitiator() + view.packetsFromResponder() > MAX_INSPECTED_PACKETS) {
            return AppIdentifier.UNIDENTIFIED;
        }
        int a = engine.apps().inspect(p, pkt, view);
        return a < 0 ? AppIdentifier.UNIDENTIFIED : a;
    }

    private void count(Verdict v, Verdict before) {
        if (before != Verdict.UNDECIDED && before != Verdict.PENDING_APPLICATION) {
            counters.inc(Name.REDECIDED);
        }
        if (outcome.endpoint == Outcome.NO_ENDPOINT) {
            counters.inc(Name.NO_ENDPOINT);
        }
        counters.inc(switch (v) {
            case DENIED -> Name.DECIDED_DENY;
            case VIOLATION -> Name.DECIDED_VIOLATE;
            case PENDING_APPLICATION -> Name.DECIDED_PENDING;
            default -> Name.DECIDED_ALLOW;
        });
    }

    private void apply(NfqPacket p, Verdicts v, Verdict decided, boolean offloaded) {
        switch (decided) {
            case ALLOWED, VIOLATION -> {
                if (offloaded) {
                    v.verdict(p.id(), REPEAT, marks.acceptMark(p.mark()));
                    counters.inc(Name.OFFLOAD_ACCEPT);
                } else {
                    verdict(p, v, ACCEPT);
                }
            }
            case DENIED -> {
                boolean tcp = pkt.protocol() == IpProtocols.TCP;
                if (tcp && pkt.hasTcpFlag(DecodedPacket.RST)) {
                    verdict(p, v, ACCEPT);
                } else if (tcp && engine.rstOnDeny()) {
                    v.verdict(p.id(), REPEAT, marks.rejectMark(p.mark()));
                    counters.inc(Name.REJECT);
                } else if (engine.offload()) {
                    v.verdict(p.id(), REPEAT, marks.dropMark(p.mark()));
                    counters.inc(Name.OFFLOAD_DROP);
                } else {
                    verdict(p, v, DROP);
                }
            }
            default -> verdict(p, v, ACCEPT);
        }
    }

    private void fail(NfqPacket p, Verdicts v) {
        counters.inc(Name.FAIL_VERDICT);
        verdict(p, v, engine.failOpen() ? ACCEPT : DROP);
    }

    private void verdict(NfqPacket p, Verdicts v, dev.microseg.dp.nfq.Verdict verdict) {
        v.verdict(p.id(), verdict);
        counters.inc(verdict == DROP ? Name.DROP : Name.ACCEPT);
    }
}
