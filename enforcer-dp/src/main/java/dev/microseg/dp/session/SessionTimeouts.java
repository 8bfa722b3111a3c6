package dev.microseg.dp.session;

/**
 * Idle timeouts in milliseconds per protocol and TCP state. {@link #CONNTRACK} holds Linux
 * conntrack's defaults ({@code Documentation/networking/nf_conntrack-sysctl.rst}:
 * {@code nf_conntrack_tcp_timeout_*}, {@code nf_conntrack_udp_timeout[_stream]},
 * {@code nf_conntrack_icmp_timeout}, {@code nf_conntrack_generic_timeout}) so that the dp and the
 * kernel it offloads to forget a connection at about the same time.
 */
public record SessionTimeouts(long synSentMs, long synRecvMs, long establishedMs, long finWaitMs, long lastAckMs,
                              long timeWaitMs, long closeMs, long udpUnrepliedMs, long udpRepliedMs, long icmpMs,
                              long otherMs) {

    public static final SessionTimeouts CONNTRACK = new SessionTimeouts(
        120_000, 60_000, 432_000_000L, 120_000, 30_000, 120_000, 10_000, 30_000, 120_000, 30_000, 600_000);

    public SessionTimeouts {
        long[] all = {synSentMs, synRecvMs, establishedMs, finWaitMs, lastAckMs, timeWaitMs, closeMs, udpUnrepliedMs,
            udpRepliedMs, icmpMs, otherMs};
        String[] names = {"synSentMs", "synRecvMs", "establishedMs", "finWaitMs", "lastAckMs", "timeWaitMs", "closeMs",
            "udpUnrepliedMs", "udpRepliedMs", "icmpMs", "otherMs"};
        for (int i = 0; i < all.length; i++) {
            if (all[i] <= 0) {
                throw new IllegalArgumentException(names[i] + " must be positive, was " + all[i]);
            }
        }
    }

    long tcp(TcpState s) {
        return switch (s) {
            case NONE, ESTABLISHED -> establishedMs;
            case SYN_SENT -> synSentMs;
            case SYN_RECV -> synRecvMs;
            case FIN_WAIT -> finWaitMs;
            case LAST_ACK -> lastAckMs;
            case TIME_WAIT -> timeWaitMs;
            case CLOSE -> closeMs;
        };
    }
}
