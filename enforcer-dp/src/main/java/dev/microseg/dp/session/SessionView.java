package dev.microseg.dp.session;

import dev.microseg.dp.packet.Addresses;

/**
 * A copy of one session's state, filled by the table (one reusable instance per thread; the
 * table never hands out references into its arrays, since entries move when others are
 * deleted). Counters and addresses are oriented by the initiator: "initiator" is the side that
 * opened the connection (or the best guess when the table picked it up mid-stream).
 */
public final class SessionView {
    int protocol;
    long initiatorHi;
    long initiatorLo;
    int initiatorPort;
    long responderHi;
    long responderLo;
    int responderPort;
    boolean fromInitiator;
    TcpState tcpState = TcpState.NONE;
    Verdict verdict = Verdict.UNDECIDED;
    int ruleId;
    int applicationId;
    int endpoint;
    int policyGeneration;
    boolean offloaded;
    boolean reported;
    boolean midstream;
    long packetsFromInitiator;
    long packetsFromResponder;
    long bytesFromInitiator;
    long bytesFromResponder;
    long firstSeen;
    long lastSeen;
    private final SessionKey key = new SessionKey();

    void fill(long[] d, int b) {
        long m = d[b + Slots.META];
        boolean initB = (m & Slots.INIT_B) != 0;
        protocol = Slots.proto(m);
        if (initB) {
            initiatorHi = d[b + Slots.BHI];
            initiatorLo = d[b + Slots.BLO];
            initiatorPort = Slots.portB(m);
            responderHi = d[b + Slots.AHI];
            responderLo = d[b + Slots.ALO];
            responderPort = Slots.portA(m);
        } else {
            initiatorHi = d[b + Slots.AHI];
            initiatorLo = d[b + Slots.ALO];
            initiatorPort = Slots.portA(m);
            responderHi = d[b + Slots.BHI];
            responderLo = d[b + Slots.BLO];
            responderPort = Slots.portB(m);
        }
        tcpState = TcpState.of(Slots.state(m));
        verdict = Verdict.of(Slots.verdict(m));
        long ra = d[b + Slots.RULE_APP];
        ruleId = (int) (ra >>> 32);
        applicationId = (int) ra;
        long eg = d[b + Slots.ENDPOINT_GEN];
        endpoint = (int) (eg >>> 32);
        policyGeneration = (int) eg;
        offloaded = (m & Slots.OFFLOADED) != 0;
        reported = (m & Slots.REPORTED) != 0;
        midstream = (m & Slots.MIDSTREAM) != 0;
        packetsFromInitiator = d[b + Slots.PKTS_INIT];
        packetsFromResponder = d[b + Slots.PKTS_RESP];
        bytesFromInitiator = d[b + Slots.BYTES_INIT];
        bytesFromResponder = d[b + Slots.BYTES_RESP];
        firstSeen = d[b + Slots.FIRST];
        lastSeen = d[b + Slots.LAST];
    }

    /** A key for this session (initiator → responder), e.g. to call {@code decide} while iterating. */
    public SessionKey key() {
        return key.set(protocol, initiatorHi, initiatorLo, initiatorPort, responderHi, responderLo, responderPort, false);
    }

    public int protocol() { return protocol; }
    public long initiatorHi() { return initiatorHi; }
    public long initiatorLo() { return initiatorLo; }
    public int initiatorPort() { return initiatorPort; }
    public long responderHi() { return responderHi; }
    public long responderLo() { return responderLo; }
    public int responderPort() { return responderPort; }
    /** For {@code track}: whether the packet just tracked came from the initiator. */
    public boolean fromInitiator() { return fromInitiator; }
    public TcpState tcpState() { return tcpState; }
    public Verdict verdict() { return verdict; }
    /** The deciding rule's id; 0 while undecided or when the default action decided. */
    public int ruleId() { return ruleId; }
    /** The application DPI found; 0 while unknown. */
    public int applicationId() { return applicationId; }
    /** The workload endpoint index the engine set; -1 while unset. */
    public int endpoint() { return endpoint; }
    /** The policy generation the verdict was decided under. */
    public int policyGeneration() { return policyGeneration; }
    public boolean offloaded() { return offloaded; }
    public boolean reported() { return reported; }
    /** Whether the table picked the connection up mid-stream (initiator is then a guess). */
    public boolean midstream() { return midstream; }
    public long packetsFromInitiator() { return packetsFromInitiator; }
    public long packetsFromResponder() { return packetsFromResponder; }
    public long bytesFromInitiator() { return bytesFromInitiator; }
    public long bytesFromResponder() { return bytesFromResponder; }
    public long firstSeen() { return firstSeen; }
    public long lastSeen() { return lastSeen; }

    @Override
    public String toString() {
        return "Session[proto=" + protocol + " " + Addresses.format(initiatorHi, initiatorLo) + ":" + initiatorPort + " -> "
            + Addresses.format(responderHi, responderLo) + ":" + responderPort + " " + tcpState + " " + verdict
            + " rule=" + ruleId + " app=" + applicationId + " pkts=" + packetsFromInitiator + "/" + packetsFromResponder
            + " bytes=" + bytesFromInitiator + "/" + bytesFromResponder + "]";
    }
}
