package dev.microseg.dp.protocol;

/**
 * The {@code kind} of a dp → agent report message. Numbers are wire values and never reused.
 * Kinds 1, 5 and 6 are replies to the sender of a command; 2, 3 and 4 are the report stream sent to
 * the agent's report socket. Each group has its own {@code seq} sequence.
 */
public enum ReportKind {
    /** Echo of {@code ctrl_keep_alive}: seq_num, protocol version, dp start time. */
    KEEP_ALIVE(1, true),
    /** Connection records: a 5-tuple's verdict and traffic counters over one report interval. */
    CONNECTION(2, false),
    /** Violations and denials, threat-log style. */
    VIOLATION(3, false),
    /** A session's application was identified. */
    APP_UPDATE(4, false),
    /** Reply to {@code ctrl_stats}: named counters. */
    COUNTERS(5, true),
    /** Reply to a refused command: error code, command, field path, reason. */
    ERROR(6, true);

    private final int code;
    private final boolean reply;

    ReportKind(int code, boolean reply) {
        this.code = code;
        this.reply = reply;
    }

    public int code() {
        return code;
    }

    /** True for replies to a requester, false for the report stream. */
    public boolean isReply() {
        return reply;
    }

    /** The kind for a wire value, or {@code null}. */
    public static ReportKind fromCode(int code) {
        return switch (code) {
            case 1 -> KEEP_ALIVE;
            case 2 -> CONNECTION;
            case 3 -> VIOLATION;
            case 4 -> APP_UPDATE;
            case 5 -> COUNTERS;
            case 6 -> ERROR;
            default -> null;
        };
    }
}
