package dev.microseg.dp.protocol;

/**
 * {@code ctrl_sys_conf} (NeuVector's {@code DPSysConf}, with microseg's own settings): the dp-wide
 * settings. Every field is required: the agent always sends the whole configuration, so a dp never
 * runs on a mix of old and new values.
 *
 * @param failOpen         {@code fail_open}: when the dp cannot decide (session table full, internal
 *                         error, queue overrun) pass the packet (true) or drop it (false)
 * @param reportInterval   {@code report_interval}: seconds between connection reports, 1..60 (5 in
 *                         NeuVector and in microseg's flow aggregation)
 * @param tcpRstOnDeny     {@code tcp_rst_on_deny}: answer a denied TCP packet with a RST instead of a
 *                         silent drop
 * @param maxSessions      {@code max_sessions}: session table capacity, 1024..16777216
 * @param tcpIdleTimeout   {@code tcp_idle_timeout}: seconds, 10..432000 (Linux conntrack's established
 *                         default, 5 days, is the ceiling)
 * @param udpIdleTimeout   {@code udp_idle_timeout}: seconds, 1..3600
 * @param icmpIdleTimeout  {@code icmp_idle_timeout}: seconds, 1..3600
 */
public record CtrlSysConf(boolean failOpen, int reportInterval, boolean tcpRstOnDeny, int maxSessions,
                          int tcpIdleTimeout, int udpIdleTimeout, int icmpIdleTimeout) implements ControlCommand {
    public static final String KEY = "ctrl_sys_conf";

    public static final int MIN_SESSIONS = 1024;
    public static final int MAX_SESSIONS = 1 << 24;
    public static final int MAX_TCP_IDLE = 432_000;
    public static final int MAX_DATAGRAM_IDLE = 3600;

    public CtrlSysConf {
        Check.range("report_interval", reportInterval, 1, 60);
        Check.range("max_sessions", maxSessions, MIN_SESSIONS, MAX_SESSIONS);
        Check.range("tcp_idle_timeout", tcpIdleTimeout, 10, MAX_TCP_IDLE);
        Check.range("udp_idle_timeout", udpIdleTimeout, 1, MAX_DATAGRAM_IDLE);
        Check.range("icmp_idle_timeout", icmpIdleTimeout, 1, MAX_DATAGRAM_IDLE);
    }

    /** The dp's settings until an agent says otherwise. */
    public static CtrlSysConf defaults() {
        return new CtrlSysConf(true, 5, false, 262_144, 3600, 60, 30);
    }

    @Override
    public String key() {
        return KEY;
    }
}
