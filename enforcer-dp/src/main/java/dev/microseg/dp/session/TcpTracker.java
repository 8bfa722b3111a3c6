package dev.microseg.dp.session;

import dev.microseg.dp.packet.DecodedPacket;

/**
 * The TCP state machine: a tolerant reduction of conntrack's ({@code nf_conntrack_proto_tcp.c}).
 * It never rejects a packet (the data plane is not a TCP validator); it only tracks how far the
 * connection got, so idle timeouts fit. It copes with pickup mid-stream (first packet without
 * SYN: established, initiator guessed as the sender), with a SYN-ACK seen before its SYN (the
 * receiver is the initiator), with a lost SYN-ACK (a responder's ACK establishes), with
 * simultaneous open, and with a new SYN reusing the tuple of a closed connection.
 */
final class TcpTracker {
    /** Returned by {@link #next} when a SYN reopens a TIME_WAIT/CLOSE session. */
    static final int REOPEN = -1;
    /** Returned by {@link #initial} when the packet must not create a session (a lone RST). */
    static final int NO_SESSION = -1;
    /** Bit in {@link #initial}'s result: the packet's destination is the initiator. */
    static final int DST_INITIATES = 1 << 8;
    /** Bit in {@link #initial}'s result: picked up mid-stream. */
    static final int PICKED_UP = 1 << 9;

    static final int FIN_INITIATOR = 1;
    static final int FIN_RESPONDER = 2;

    private static final int SYN_ACK = DecodedPacket.SYN | DecodedPacket.ACK;

    private TcpTracker() {
    }

    /** State (bits 0-3) and FIN bits (4-5) of a new session, plus the flags above. */
    static int initial(int flags) {
        if ((flags & DecodedPacket.RST) != 0) {
            return NO_SESSION;
        }
        if ((flags & SYN_ACK) == DecodedPacket.SYN) {
            return TcpState.SYN_SENT.ordinal();
        }
        if ((flags & SYN_ACK) == SYN_ACK) {
            return TcpState.SYN_RECV.ordinal() | DST_INITIATES;
        }
        if ((flags & DecodedPacket.FIN) != 0) {
            return TcpState.FIN_WAIT.ordinal() | FIN_INITIATOR << 4 | PICKED_UP;
        }
        return TcpState.ESTABLISHED.ordinal() | PICKED_UP;
    }

    /** The next state (bits 0-3) and FIN bits (4-5), or {@link #REOPEN}. */
    static int next(int state, int fin, boolean fromInitiator, int flags) {
        if ((flags & DecodedPacket.RST) != 0) {
            return TcpState.CLOSE.ordinal() | fin << 4;
        }
        boolean syn = (flags & DecodedPacket.SYN) != 0;
        boolean ack = (flags & DecodedPacket.ACK) != 0;
        if (syn) {
            if (!ack && fromInitiator && (state == TcpState.TIME_WAIT.ordinal() || state == TcpState.CLOSE.ordinal())) {
                return REOPEN;
            }
            if (!fromInitiator && state == TcpState.SYN_SENT.ordinal()) {
                return TcpState.SYN_RECV.ordinal() | fin << 4;
            }
            return state | fin << 4;
        }
        if ((flags & DecodedPacket.FIN) != 0) {
            if (state >= TcpState.TIME_WAIT.ordinal()) {
                return state | fin << 4;
            }
            fin |= fromInitiator ? FIN_INITIATOR : FIN_RESPONDER;
            int s = fin == (FIN_INITIATOR | FIN_RESPONDER) ? TcpState.LAST_ACK.ordinal() : TcpState.FIN_WAIT.ordinal();
            return s | fin << 4;
        }
        if (state == TcpState.SYN_RECV.ordinal() && fromInitiator && ack) {
            return TcpState.ESTABLISHED.ordinal();
        }
        if (state == TcpState.SYN_SENT.ordinal() && !fromInitiator && ack) {
            return TcpState.ESTABLISHED.ordinal();
        }
        if (state == TcpState.LAST_ACK.ordinal() && ack) {
            return TcpState.TIME_WAIT.ordinal() | fin << 4;
        }
        return state | fin << 4;
    }
}
