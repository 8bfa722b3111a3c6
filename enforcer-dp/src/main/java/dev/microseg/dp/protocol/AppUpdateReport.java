package dev.microseg.dp.protocol;

import java.util.List;

/**
 * Kind 4: a batch of {@link AppUpdate} records. The encoder splits a batch that does not fit in one
 * message; each message decodes to its own part.
 *
 * @param updates the records, in order
 */
public record AppUpdateReport(List<AppUpdate> updates) implements Report {
    public AppUpdateReport {
        updates = Check.list("updates", updates, Integer.MAX_VALUE);
    }

    @Override
    public ReportKind kind() {
        return ReportKind.APP_UPDATE;
    }
}
