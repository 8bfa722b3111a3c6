package dev.microseg.dp.protocol;

import java.util.List;

/**
 * Kind 2: a batch of {@link Connection} records. The encoder splits a batch that does not fit in one
 * message; each message decodes to its own part.
 *
 * @param connections the records, in order
 */
public record ConnectionReport(List<Connection> connections) implements Report {
    public ConnectionReport {
        connections = Check.list("connections", connections, Integer.MAX_VALUE);
    }

    @Override
    public ReportKind kind() {
        return ReportKind.CONNECTION;
    }
}
