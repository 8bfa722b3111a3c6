package dev.microseg.dp.protocol;

import static dev.microseg.dp.protocol.ReportLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes reports into messages (one per datagram): the 12-byte header, then the body in network
 * byte order. A record batch that does not fit in one message (65535 bytes) is split, each message
 * carrying in {@code more} how many follow. Each instance numbers its messages with its own
 * {@code seq}, so the dp keeps one encoder per stream (replies, reports). Not thread-safe.
 */
public final class ReportEncoder {
    private long nextSeq;

    public ReportEncoder() {
        this(0);
    }

    public ReportEncoder(long firstSeq) {
        this.nextSeq = Check.u32("seq", firstSeq);
    }

    /** The seq the next message will carry. */
    public long nextSeq() {
        return nextSeq;
    }

    /** The report as one or more messages, numbered from {@link #nextSeq()}. */
    public List<byte[]> encode(Report report) {
        List<Report> parts = split(report);
        List<byte[]> out = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            out.add(encodeMessage(parts.get(i), parts.size() - 1 - i, nextSeq));
            nextSeq = (nextSeq + 1) & Check.U32_MAX;
        }
        return out;
    }

    /** Records of a batch kind that fit in one message (584 connections, 908 violations, 1023 app updates). */
    public static int recordsPerMessage(ReportKind kind) {
        return ReportLayout.recordsPerMessage(kind);
    }

    /** Cuts a report into parts that each fit in one message. */
    public static List<Report> split(Report report) {
        return switch (report) {
            case ConnectionReport c -> chunks(c.connections(), recordsPerMessage(ReportKind.CONNECTION))
                    .stream().<Report>map(ConnectionReport::new).toList();
            case ViolationReport v -> chunks(v.violations(), recordsPerMessage(ReportKind.VIOLATION))
                    .stream().<Report>map(ViolationReport::new).toList();
            case AppUpdateReport a -> chunks(a.updates(), recordsPerMessage(ReportKind.APP_UPDATE))
                    .stream().<Report>map(AppUpdateReport::new).toList();
            case CountersReport c -> splitCounters(c);
            case KeepAliveEcho k -> List.of(k);
            case ErrorReport e -> List.of(e);
        };
    }

    private static <T> List<List<T>> chunks(List<T> all, int per) {
        if (all.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> out = new ArrayList<>((all.size() + per - 1) / per);
        for (int i = 0; i < all.size(); i += per) {
            out.add(all.subList(i, Math.min(all.size(), i + per)));
        }
        return out;
    }

    private static List<Report> splitCounters(CountersReport c) {
        List<Report> out = new ArrayList<>(1);
        List<Counter> part = new ArrayList<>();
        int size = COUNTERS_PREFIX;
        for (Counter k : c.counters()) {
            int entry = 1 + k.name().length() + 8;
            if (size + entry > MAX_BODY) {
                out.add(new CountersReport(c.seqNum(), part));
                part = new ArrayList<>();
                size = COUNTERS_PREFIX;
            }
            part.add(k);
            size += entry;
        }
        out.add(new CountersReport(c.seqNum(), part));
        return out;
    }

    /** One message; the report must fit (use {@link #split} first). */
    public static byte[] encodeMessage(Report report, long more, long seq) {
        ByteBuffer buf = ByteBuffer.allocate(messageLength(report));
        encodeMessage(report, more, seq, buf);
        return buf.array();
    }

    /** The encoded length of {@code report} as one message. */
    public static int messageLength(Report report) {
        int body = switch (report) {
            case KeepAliveEcho k -> KEEP_ALIVE_BODY;
            case ConnectionReport c -> BATCH_PREFIX + c.connections().size() * CONNECTION_RECORD;
            case ViolationReport v -> BATCH_PREFIX + v.violations().size() * VIOLATION_RECORD;
            case AppUpdateReport a -> BATCH_PREFIX + a.updates().size() * APP_UPDATE_RECORD;
            case CountersReport c -> {
                int n = COUNTERS_PREFIX;
                for (Counter k : c.counters()) {
                    n += 1 + k.name().length() + 8;
                }
                yield n;
            }
            case ErrorReport e -> ERROR_PREFIX + e.command().length() + utf8(e.path()).length + utf8(e.reason()).length;
        };
        if (body > MAX_BODY) {
            throw new IllegalArgumentException(report.kind() + " body of " + body + " bytes does not fit one message; split it");
        }
        return HEADER + body;
    }

    /**
     * Writes one message at the buffer's position (which advances) and returns its length. Allocation
     * free for record batches, so the dp can encode into a reused buffer.
     */
    public static int encodeMessage(Report report, long more, long seq, ByteBuffer out) {
        int len = messageLength(report);
        int start = out.position();
        out.putShort((short) report.kind().code()).putShort((short) len)
                .putInt((int) Check.u32("more", more)).putInt((int) Check.u32("seq", seq));
        switch (report) {
            case KeepAliveEcho k -> out.putInt((int) k.seqNum()).putShort((short) k.version()).putShort((short) 0)
                    .putLong(k.dpStartMillis());
            case ConnectionReport c -> {
                batchPrefix(out, c.connections().size());
                for (Connection x : c.connections()) {
                    connection(out, x);
                }
            }
            case ViolationReport v -> {
                batchPrefix(out, v.violations().size());
                for (Violation x : v.violations()) {
                    violation(out, x);
                }
            }
            case AppUpdateReport a -> {
                batchPrefix(out, a.updates().size());
                for (AppUpdate x : a.updates()) {
                    int p = out.position();
                    tuple(out, p, x.tuple(), 0, 0);
                    out.putInt(p + 48, (int) x.application()).putInt(p + 52, 0).putLong(p + 56, x.atMillis());
                    out.position(p + APP_UPDATE_RECORD);
                }
            }
            case CountersReport c -> {
                out.putInt((int) c.seqNum()).putShort((short) c.counters().size()).putShort((short) 0);
                for (Counter k : c.counters()) {
                    out.put((byte) k.name().length()).put(k.name().getBytes(StandardCharsets.US_ASCII)).putLong(k.value());
                }
            }
            case ErrorReport e -> {
                byte[] cmd = e.command().getBytes(StandardCharsets.US_ASCII);
                byte[] path = utf8(e.path());
                byte[] reason = utf8(e.reason());
                out.putShort((short) e.error().code()).put((byte) cmd.length).put((byte) 0)
                        .putShort((short) path.length).putShort((short) reason.length).put(cmd).put(path).put(reason);
            }
        }
        if (out.position() - start != len) {
            throw new IllegalStateException("encoded " + (out.position() - start) + " bytes, expected " + len);
        }
        return len;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void batchPrefix(ByteBuffer out, int count) {
        out.putShort((short) count).putShort((short) 0);
    }

    /** Writes the flow tuple at {@code p} (bytes 0..47 of a record) with the record's action and flags. */
    private static void tuple(ByteBuffer out, int p, FlowTuple t, int action, int flags) {
        out.put(p + T_FAMILY, (byte) (t.client().v6() ? 6 : 4)).put(p + T_PROTO, (byte) t.ipProto())
                .put(p + 2, (byte) action).put(p + 3, (byte) flags)
                .putShort(p + T_CPORT, (short) t.clientPort()).putShort(p + T_SPORT, (short) t.serverPort());
        ip(out, p + T_CIP, t.client());
        ip(out, p + T_SIP, t.server());
        long mac = t.workload().value();
        out.putInt(p + T_MAC, (int) (mac >>> 16)).putShort(p + T_MAC + 4, (short) mac).putShort(p + 46, (short) 0);
    }

    private static void ip(ByteBuffer out, int at, IpAddress a) {
        if (a.v6()) {
            out.putLong(at, a.hi()).putLong(at + 8, a.lo());
        } else {
            out.putInt(at, (int) a.lo()).putInt(at + 4, 0).putLong(at + 8, 0);
        }
    }

    private static void connection(ByteBuffer out, Connection c) {
        int p = out.position();
        int flags = (c.violation() ? FLAG_VIOLATION : 0) | (c.ingress() ? FLAG_INGRESS : 0)
                | (c.external() ? FLAG_EXTERNAL : 0);
        tuple(out, p, c.tuple(), c.action().code(), flags);
        out.putInt(p + 48, (int) c.application()).putInt(p + 52, (int) c.ruleId()).putInt(p + 56, (int) c.sessions())
                .putInt(p + 60, 0).putLong(p + 64, c.packetsToServer()).putLong(p + 72, c.packetsToClient())
                .putLong(p + 80, c.bytesToServer()).putLong(p + 88, c.bytesToClient())
                .putLong(p + 96, c.firstSeenMillis()).putLong(p + 104, c.lastSeenMillis());
        out.position(p + CONNECTION_RECORD);
    }

    private static void violation(ByteBuffer out, Violation v) {
        int p = out.position();
        int flags = (v.ingress() ? FLAG_INGRESS : 0) | (v.external() ? FLAG_EXTERNAL : 0);
        tuple(out, p, v.tuple(), v.action().code(), flags);
        out.put(p + 46, (byte) v.reason().code()).put(p + 47, (byte) 0);
        out.putInt(p + 48, (int) v.application()).putInt(p + 52, (int) v.ruleId()).putInt(p + 56, (int) v.count())
                .putInt(p + 60, 0).putLong(p + 64, v.atMillis());
        out.position(p + VIOLATION_RECORD);
    }
}
