package dev.microseg.dp.protocol;

/** Byte offsets and sizes of the report bodies; docs/dp-protocol.md has the same tables. */
final class ReportLayout {
    private ReportLayout() {
    }

    static final int HEADER = ProtocolLimits.REPORT_HEADER_LEN;
    /** Largest body: the u16 length covers header and body. */
    static final int MAX_BODY = ProtocolLimits.MAX_REPORT_MESSAGE - HEADER;

    /** Keep-alive body: seq_num u32, version u16, reserved u16, dp_start_ms u64. */
    static final int KEEP_ALIVE_BODY = 16;

    /** Record batches (kinds 2-4) start with count u16, reserved u16. */
    static final int BATCH_PREFIX = 4;

    /** Shared prefix of connection, violation and app-update records: the flow tuple. */
    static final int T_FAMILY = 0;
    static final int T_PROTO = 1;
    static final int T_CPORT = 4;
    static final int T_SPORT = 6;
    static final int T_CIP = 8;
    static final int T_SIP = 24;
    static final int T_MAC = 40;

    static final int CONNECTION_RECORD = 112;
    static final int VIOLATION_RECORD = 72;
    static final int APP_UPDATE_RECORD = 64;

    static final int FLAG_VIOLATION = 1;
    static final int FLAG_INGRESS = 2;
    static final int FLAG_EXTERNAL = 4;

    /** Counters body: seq_num u32, count u16, reserved u16, then entries {len u8, name, value u64}. */
    static final int COUNTERS_PREFIX = 8;

    /** Error body: code u16, command_len u8, reserved u8, path_len u16, reason_len u16, then the texts. */
    static final int ERROR_PREFIX = 8;

    static int recordSize(ReportKind k) {
        return switch (k) {
            case CONNECTION -> CONNECTION_RECORD;
            case VIOLATION -> VIOLATION_RECORD;
            case APP_UPDATE -> APP_UPDATE_RECORD;
            default -> throw new IllegalArgumentException(k + " has no fixed-size records");
        };
    }

    /** Records of kind {@code k} that fit in one message. */
    static int recordsPerMessage(ReportKind k) {
        return (MAX_BODY - BATCH_PREFIX) / recordSize(k);
    }
}
