package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackTuple;
import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.session.SessionKey;
import dev.microseg.dp.session.SessionView;

/**
 * A connection as the reporter files it: protocol and both ends, oriented from the initiator
 * (client) to the responder (server), addresses in the dp's two-long form. ICMP echo connections
 * carry the echo identifier as both ports, as the session table and conntrack key them.
 */
record FlowKey(int proto, long iHi, long iLo, int iPort, long rHi, long rLo, int rPort) {

    static FlowKey of(SessionView s) {
        return new FlowKey(s.protocol(), s.initiatorHi(), s.initiatorLo(), s.initiatorPort(), s.responderHi(),
                s.responderLo(), s.responderPort());
    }

    /** From an {@link EventRing} record. */
    static FlowKey of(long[] d, int b) {
        long ports = d[b + EventRing.F_PORTS];
        return new FlowKey(EventRing.protocol(d[b + EventRing.F_HEAD]), d[b + EventRing.F_IHI], d[b + EventRing.F_ILO],
                (int) (ports >>> 16) & 0xffff, d[b + EventRing.F_RHI], d[b + EventRing.F_RLO], (int) ports & 0xffff);
    }

    /** From conntrack's original tuple (its source is the initiator). */
    static FlowKey of(ConntrackTuple t) {
        long[] s = Addresses.fromBytes(t.source().getAddress());
        long[] d = Addresses.fromBytes(t.destination().getAddress());
        int sp = 0;
        int dp = 0;
        switch (t.l4()) {
            case ConntrackTuple.Ports p -> {
                sp = p.source();
                dp = p.destination();
            }
            case ConntrackTuple.Icmp i -> {
                sp = i.id();
                dp = i.id();
            }
            case ConntrackTuple.NoL4 n -> {
            }
        }
        return new FlowKey(t.protocol(), s[0], s[1], sp, d[0], d[1], dp);
    }

    /** The same connection seen from the other end (when the initiator was guessed wrong). */
    FlowKey reversed() {
        return new FlowKey(proto, rHi, rLo, rPort, iHi, iLo, iPort);
    }

    /** Sets {@code k} to this connection (initiator → responder). */
    SessionKey into(SessionKey k) {
        return k.set(proto, iHi, iLo, iPort, rHi, rLo, rPort, false);
    }

    @Override
    public String toString() {
        return proto + " " + Addresses.format(iHi, iLo) + ":" + iPort + " -> " + Addresses.format(rHi, rLo) + ":" + rPort;
    }
}
