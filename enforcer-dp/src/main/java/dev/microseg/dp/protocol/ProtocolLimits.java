package dev.microseg.dp.protocol;

/**
 * Every bound of the dp control protocol in one place, each with where it comes from. The decoder,
 * the splitter, the assembler and the report codec all read these; docs/dp-protocol.md lists them.
 */
public final class ProtocolLimits {
    private ProtocolLimits() {
    }

    /** Protocol version this code speaks; the dp announces it in every keep-alive echo. */
    public static final int PROTOCOL_VERSION = 1;

    /** How often the agent sends {@code ctrl_keep_alive} (ARCHITECTURE.md: every 2 s). */
    public static final java.time.Duration KEEP_ALIVE_INTERVAL = java.time.Duration.ofSeconds(2);

    /** Largest command datagram: "none over 256 KiB" (ARCHITECTURE.md, the dp control protocol). */
    public static final int MAX_DATAGRAM = 256 * 1024;

    /** Rules per {@code ctrl_cfg_policy} datagram: NeuVector's agent sends policies in batches of 40. */
    public static final int RULES_PER_BATCH = 40;

    /** Subnets per {@code ctrl_cfg_internal_net} datagram (ours: 1000 × ~100 bytes stays far below 256 KiB). */
    public static final int SUBNETS_PER_BATCH = 1000;

    /** Rules of one assembled workload policy (ours: bounds the memory a half-sent policy can hold). */
    public static final int MAX_RULES_PER_POLICY = 65_536;

    /** Subnets of one assembled internal-net set (ours, same reason). */
    public static final int MAX_SUBNETS = 65_536;

    /** Unfinished batches held at once, one per workload (ours: well above a host's workload count). */
    public static final int MAX_PENDING_BATCHES = 4096;

    /** MACs of one workload in {@code ctrl_cfg_policy.mac} (ours: a pod has one MAC per interface). */
    public static final int MAX_MACS_PER_POLICY = 64;

    /** Addresses of one endpoint in {@code pips} (ours: dual stack with a few secondaries). */
    public static final int MAX_PIPS = 64;

    /** Application entries of one rule (ours: a rule names a handful of applications). */
    public static final int MAX_APPS_PER_RULE = 32;

    /** Interface name length: Linux IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_IFACE_LEN = 15;

    /** FQDN length: RFC 1035 section 2.3.4 caps a name at 255 octets, 253 characters in text. */
    public static final int MAX_FQDN_LEN = 253;

    /** JSON nesting: the deepest command is root/cmd/rules[]/rule/apps[]/app, six levels. */
    public static final int MAX_JSON_DEPTH = 8;

    /** Longest JSON string value we accept: the longest legal value is an FQDN (253). */
    public static final int MAX_JSON_STRING = 1024;

    /** Report header: {kind u16, length u16, more u32, seq u32}. */
    public static final int REPORT_HEADER_LEN = 12;

    /** A report message's {@code length} is a u16 and counts the header. */
    public static final int MAX_REPORT_MESSAGE = 0xFFFF;

    /** Counter names in a counters report (ours: snake_case names stay short). */
    public static final int MAX_COUNTER_NAME = 64;

    /** Text fields of an error report (ours: enough for a JSON path and a sentence). */
    public static final int MAX_ERROR_TEXT = 512;
}
