package dev.microseg.dp.protocol;

import java.util.List;

/**
 * Kind 3: a batch of {@link Violation} records. The encoder splits a batch that does not fit in one
 * message; each message decodes to its own part.
 *
 * @param violations the records, in order
 */
public record ViolationReport(List<Violation> violations) implements Report {
    public ViolationReport {
        violations = Check.list("violations", violations, Integer.MAX_VALUE);
    }

    @Override
    public ReportKind kind() {
        return ReportKind.VIOLATION;
    }
}
