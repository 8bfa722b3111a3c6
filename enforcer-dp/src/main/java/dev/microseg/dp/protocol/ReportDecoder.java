package dev.microseg.dp.protocol;

import static dev.microseg.dp.protocol.ReportLayout.*;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one report message (one datagram) as {@link ReportEncoder} writes it. Every length is
 * checked before it is used, so a short, long or lying message is a {@link ReportDecodeException},
 * never an out-of-bounds read. Strict: unknown kinds, reserved bytes that are not zero, unknown flag
 * bits, bad enum codes, IPv4 addresses with stray bytes and invalid UTF-8 are all refused, so that a
 * decoded message re-encodes to exactly the same bytes. Thread-safe.
 */
public final class ReportDecoder {
    private ReportDecoder() {
    }

    public static DecodedReport decode(byte[] message) throws ReportDecodeException {
        return decode(message, 0, message.length);
    }

    public static DecodedReport decode(byte[] buf, int off, int len) throws ReportDecodeException {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IllegalArgumentException("slice " + off + "+" + len + " outside a buffer of " + buf.length);
        }
        return decode(ByteBuffer.wrap(buf, off, len).slice());
    }

    /** Decodes the buffer's remaining bytes (position to limit) as one message; the buffer is not moved. */
    public static DecodedReport decode(ByteBuffer message) throws ReportDecodeException {
        ByteBuffer b = message.slice();
        int n = b.remaining();
        if (n < HEADER) {
            throw new ReportDecodeException("truncated header: " + n + " bytes, need " + HEADER, 0);
        }
        int kindCode = b.getShort(0) & 0xFFFF;
        ReportKind kind = ReportKind.fromCode(kindCode);
        if (kind == null) {
            throw new ReportDecodeException("unknown kind " + kindCode, 0);
        }
        int length = b.getShort(2) & 0xFFFF;
        if (length != n) {
            throw new ReportDecodeException("length field says " + length + " bytes, the message has " + n, 2);
        }
        long more = b.getInt(4) & 0xFFFF_FFFFL;
        long seq = b.getInt(8) & 0xFFFF_FFFFL;
        if (more != 0 && !splittable(kind)) {
            throw new ReportDecodeException(kind + " is never split but more is " + more, 4);
        }
        ReportHeader header = new ReportHeader(kind, length, more, seq);
        try {
            Report body = switch (kind) {
                case KEEP_ALIVE -> keepAlive(b);
                case CONNECTION -> new ConnectionReport(records(b, kind, ReportDecoder::connection));
                case VIOLATION -> new ViolationReport(records(b, kind, ReportDecoder::violation));
                case APP_UPDATE -> new AppUpdateReport(records(b, kind, ReportDecoder::appUpdate));
                case COUNTERS -> counters(b);
                case ERROR -> error(b);
            };
            return new DecodedReport(header, body);
        } catch (InvalidFieldException e) {
            // The byte checks above should leave nothing for the records to refuse; stay an error anyway.
            throw new ReportDecodeException(kind + ": " + e.getMessage(), HEADER);
        }
    }

    private static boolean splittable(ReportKind k) {
        return k != ReportKind.KEEP_ALIVE && k != ReportKind.ERROR;
    }

    private interface RecordReader<T> {
        T read(ByteBuffer b, int at) throws ReportDecodeException;
    }

    private static KeepAliveEcho keepAlive(ByteBuffer b) throws ReportDecodeException {
        expectBody(b, KEEP_ALIVE_BODY);
        zero(b, HEADER + 6, 2);
        long start = b.getLong(HEADER + 8);
        if (start < 0) {
            throw new ReportDecodeException("dp_start_ms is negative", HEADER + 8);
        }
        return new KeepAliveEcho(b.getInt(HEADER) & 0xFFFF_FFFFL, b.getShort(HEADER + 4) & 0xFFFF, start);
    }

    private static void expectBody(ByteBuffer b, int body) throws ReportDecodeException {
        if (b.remaining() != HEADER + body) {
            throw new ReportDecodeException("body is " + (b.remaining() - HEADER) + " bytes, want " + body, HEADER);
        }
    }

    private static <T> List<T> records(ByteBuffer b, ReportKind kind, RecordReader<T> reader) throws ReportDecodeException {
        int n = b.remaining();
        if (n < HEADER + BATCH_PREFIX) {
            throw new ReportDecodeException("truncated batch prefix", HEADER);
        }
        int count = b.getShort(HEADER) & 0xFFFF;
        zero(b, HEADER + 2, 2);
        int size = recordSize(kind);
        long want = HEADER + BATCH_PREFIX + (long) count * size;
        if (want != n) {
            throw new ReportDecodeException(count + " records of " + size + " bytes need " + want
                    + " bytes, the message has " + n, HEADER);
        }
        List<T> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(reader.read(b, HEADER + BATCH_PREFIX + i * size));
        }
        return out;
    }

    private static void zero(ByteBuffer b, int at, int len) throws ReportDecodeException {
        for (int i = 0; i < len; i++) {
            if (b.get(at + i) != 0) {
                throw new ReportDecodeException("reserved byte is not zero", at + i);
            }
        }
    }

    private static FlowTuple tuple(ByteBuffer b, int p) throws ReportDecodeException {
        int family = b.get(p + T_FAMILY) & 0xFF;
        if (family != 4 && family != 6) {
            throw new ReportDecodeException("family " + family + " is neither 4 nor 6", p + T_FAMILY);
        }
        IpAddress client = ip(b, p + T_CIP, family == 6);
        IpAddress server = ip(b, p + T_SIP, family == 6);
        long mac = ((b.getInt(p + T_MAC) & 0xFFFF_FFFFL) << 16) | (b.getShort(p + T_MAC + 4) & 0xFFFF);
        return new FlowTuple(new MacAddress(mac), b.get(p + T_PROTO) & 0xFF, client, b.getShort(p + T_CPORT) & 0xFFFF,
                server, b.getShort(p + T_SPORT) & 0xFFFF);
    }

    private static IpAddress ip(ByteBuffer b, int at, boolean v6) throws ReportDecodeException {
        if (v6) {
            return IpAddress.v6(b.getLong(at), b.getLong(at + 8));
        }
        zero(b, at + 4, 12);
        return IpAddress.v4(b.getInt(at));
    }

    private static RuleAction action(ByteBuffer b, int at) throws ReportDecodeException {
        int code = b.get(at) & 0xFF;
        RuleAction a = RuleAction.fromCode(code);
        if (a == null) {
            throw new ReportDecodeException("unknown action " + code, at);
        }
        return a;
    }

    private static int flags(ByteBuffer b, int at, int allowed) throws ReportDecodeException {
        int f = b.get(at) & 0xFF;
        if ((f & ~allowed) != 0) {
            throw new ReportDecodeException("unknown flag bits 0x" + Integer.toHexString(f & ~allowed), at);
        }
        return f;
    }

    private static long nonNegative(ByteBuffer b, int at, String what) throws ReportDecodeException {
        long v = b.getLong(at);
        if (v < 0) {
            throw new ReportDecodeException(what + " exceeds 2^63-1", at);
        }
        return v;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xFFFF_FFFFL;
    }

    private static Connection connection(ByteBuffer b, int p) throws ReportDecodeException {
        FlowTuple t = tuple(b, p);
        RuleAction action = action(b, p + 2);
        int f = flags(b, p + 3, FLAG_VIOLATION | FLAG_INGRESS | FLAG_EXTERNAL);
        zero(b, p + 46, 2);
        zero(b, p + 60, 4);
        long first = nonNegative(b, p + 96, "first_seen_ms");
        long last = nonNegative(b, p + 104, "last_seen_ms");
        if (last < first) {
            throw new ReportDecodeException("last_seen_ms is before first_seen_ms", p + 104);
        }
        return new Connection(t, u32(b, p + 48), u32(b, p + 52), action, (f & FLAG_VIOLATION) != 0,
                (f & FLAG_INGRESS) != 0, (f & FLAG_EXTERNAL) != 0, u32(b, p + 56),
                nonNegative(b, p + 64, "packets_to_server"), nonNegative(b, p + 72, "packets_to_client"),
                nonNegative(b, p + 80, "bytes_to_server"), nonNegative(b, p + 88, "bytes_to_client"), first, last);
    }

    private static Violation violation(ByteBuffer b, int p) throws ReportDecodeException {
        FlowTuple t = tuple(b, p);
        RuleAction action = action(b, p + 2);
        int f = flags(b, p + 3, FLAG_INGRESS | FLAG_EXTERNAL);
        int reasonCode = b.get(p + 46) & 0xFF;
        ViolationReason reason = ViolationReason.fromCode(reasonCode);
        if (reason == null) {
            throw new ReportDecodeException("unknown violation reason " + reasonCode, p + 46);
        }
        zero(b, p + 47, 1);
        zero(b, p + 60, 4);
        long count = u32(b, p + 56);
        if (count == 0) {
            throw new ReportDecodeException("count is 0", p + 56);
        }
        return new Violation(t, u32(b, p + 48), u32(b, p + 52), action, (f & FLAG_INGRESS) != 0,
                (f & FLAG_EXTERNAL) != 0, reason, count, nonNegative(b, p + 64, "at_ms"));
    }

    private static AppUpdate appUpdate(ByteBuffer b, int p) throws ReportDecodeException {
        FlowTuple t = tuple(b, p);
        zero(b, p + 2, 2);
        zero(b, p + 46, 2);
        zero(b, p + 52, 4);
        long app = u32(b, p + 48);
        if (app == 0) {
            throw new ReportDecodeException("application is 0", p + 48);
        }
        return new AppUpdate(t, app, nonNegative(b, p + 56, "at_ms"));
    }

    private static CountersReport counters(ByteBuffer b) throws ReportDecodeException {
        int n = b.remaining();
        if (n < HEADER + COUNTERS_PREFIX) {
            throw new ReportDecodeException("truncated counters prefix", HEADER);
        }
        long seqNum = u32(b, HEADER);
        int count = b.getShort(HEADER + 4) & 0xFFFF;
        zero(b, HEADER + 6, 2);
        List<Counter> out = new ArrayList<>(count);
        int p = HEADER + COUNTERS_PREFIX;
        for (int i = 0; i < count; i++) {
            if (p + 1 > n) {
                throw new ReportDecodeException("counter " + i + " of " + count + " is missing", p);
            }
            int len = b.get(p) & 0xFF;
            if (len == 0 || len > ProtocolLimits.MAX_COUNTER_NAME) {
                throw new ReportDecodeException("counter name length " + len + " outside 1.." + ProtocolLimits.MAX_COUNTER_NAME, p);
            }
            if (p + 1 + len + 8 > n) {
                throw new ReportDecodeException("counter " + i + " runs past the end", p);
            }
            byte[] name = new byte[len];
            b.get(p + 1, name);
            long value = nonNegative(b, p + 1 + len, "counter value");
            try {
                out.add(new Counter(new String(name, StandardCharsets.ISO_8859_1), value));
            } catch (InvalidFieldException e) {
                throw new ReportDecodeException("counter " + i + ": " + e.getMessage(), p + 1);
            }
            p += 1 + len + 8;
        }
        if (p != n) {
            throw new ReportDecodeException((n - p) + " bytes after the last counter", p);
        }
        return new CountersReport(seqNum, out);
    }

    private static ErrorReport error(ByteBuffer b) throws ReportDecodeException {
        int n = b.remaining();
        if (n < HEADER + ERROR_PREFIX) {
            throw new ReportDecodeException("truncated error prefix", HEADER);
        }
        int code = b.getShort(HEADER) & 0xFFFF;
        ControlError error = ControlError.fromCode(code);
        if (error == null) {
            throw new ReportDecodeException("unknown error code " + code, HEADER);
        }
        int cmdLen = b.get(HEADER + 2) & 0xFF;
        zero(b, HEADER + 3, 1);
        int pathLen = b.getShort(HEADER + 4) & 0xFFFF;
        int reasonLen = b.getShort(HEADER + 6) & 0xFFFF;
        if (cmdLen > ErrorReport.MAX_COMMAND || pathLen > ProtocolLimits.MAX_ERROR_TEXT
                || reasonLen > ProtocolLimits.MAX_ERROR_TEXT) {
            throw new ReportDecodeException("error text lengths " + cmdLen + "/" + pathLen + "/" + reasonLen
                    + " exceed " + ErrorReport.MAX_COMMAND + "/" + ProtocolLimits.MAX_ERROR_TEXT, HEADER + 2);
        }
        int p = HEADER + ERROR_PREFIX;
        if (p + cmdLen + pathLen + reasonLen != n) {
            throw new ReportDecodeException("text lengths add up to " + (cmdLen + pathLen + reasonLen)
                    + " bytes, the body has " + (n - p), HEADER + 2);
        }
        String cmd = text(b, p, cmdLen);
        String path = text(b, p + cmdLen, pathLen);
        String reason = text(b, p + cmdLen + pathLen, reasonLen);
        try {
            return new ErrorReport(error, cmd, path, reason);
        } catch (InvalidFieldException e) {
            throw new ReportDecodeException(e.getMessage(), p);
        }
    }

    private static String text(ByteBuffer b, int at, int len) throws ReportDecodeException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b.slice(at, len)).toString();
        } catch (CharacterCodingException e) {
            throw new ReportDecodeException("invalid UTF-8", at);
        }
    }
}
