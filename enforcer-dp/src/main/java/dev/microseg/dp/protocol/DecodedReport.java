package dev.microseg.dp.protocol;

/** One decoded report message: its header and its body. */
public record DecodedReport(ReportHeader header, Report report) {
}
