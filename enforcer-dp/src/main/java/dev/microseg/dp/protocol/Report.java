package dev.microseg.dp.protocol;

/**
 * The body of a dp → agent report message (binary, network byte order, behind a {@link ReportHeader};
 * byte layouts in docs/dp-protocol.md).
 *
 * <p>Message flow: the agent binds its report socket and sends commands from it; the dp answers the
 * sender of {@code ctrl_keep_alive} with a {@link KeepAliveEcho}, of {@code ctrl_stats} with a
 * {@link CountersReport}, of a refused command with an {@link ErrorReport}; and sends
 * {@link ConnectionReport}s every report interval, {@link ViolationReport}s and
 * {@link AppUpdateReport}s as they happen to the agent's report socket. Record batches too large
 * for one message are split; {@code more} counts the messages still to come.
 */
public sealed interface Report
        permits KeepAliveEcho, ConnectionReport, ViolationReport, AppUpdateReport, CountersReport, ErrorReport {

    ReportKind kind();
}
