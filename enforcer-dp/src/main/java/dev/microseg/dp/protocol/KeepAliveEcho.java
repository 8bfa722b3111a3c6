package dev.microseg.dp.protocol;

/**
 * Kind 1: the dp's answer to {@code ctrl_keep_alive}.
 *
 * @param seqNum        the request's {@code seq_num}
 * @param version       the dp's {@link ProtocolLimits#PROTOCOL_VERSION}
 * @param dpStartMillis when this dp process started (epoch ms); a new value means the dp restarted and
 *                      the agent must replay its state
 */
public record KeepAliveEcho(long seqNum, int version, long dpStartMillis) implements Report {
    public KeepAliveEcho {
        Check.u32("seq_num", seqNum);
        Check.range("version", version, 0, 0xFFFF);
        Check.range("dp_start_ms", dpStartMillis, 0, Long.MAX_VALUE);
    }

    @Override
    public ReportKind kind() {
        return ReportKind.KEEP_ALIVE;
    }
}
