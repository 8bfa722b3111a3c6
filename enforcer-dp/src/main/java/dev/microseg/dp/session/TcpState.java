package dev.microseg.dp.session;

/**
 * TCP connection states tracked per session, a reduction of Linux conntrack's
 * ({@code net/netfilter/nf_conntrack_proto_tcp.c}): FIN_WAIT stands for both FIN_WAIT and
 * CLOSE_WAIT (one side has closed), LAST_ACK for "both sides sent FIN". {@link #NONE} is used for
 * sessions that are not TCP. Stored in 4 bits of the session's meta word.
 */
public enum TcpState {
    NONE,
    /** The initiator's SYN was seen. */
    SYN_SENT,
    /** The responder's SYN-ACK was seen (or the session was picked up at it). */
    SYN_RECV,
    /** Handshake complete, or picked up mid-stream. */
    ESTABLISHED,
    /** One side sent FIN. */
    FIN_WAIT,
    /** Both sides sent FIN; waiting for the last ACK. */
    LAST_ACK,
    /** Both FINs acknowledged. */
    TIME_WAIT,
    /** Reset by either side. */
    CLOSE;

    private static final TcpState[] VALUES = values();

    static TcpState of(int ordinal) {
        return VALUES[ordinal];
    }
}
