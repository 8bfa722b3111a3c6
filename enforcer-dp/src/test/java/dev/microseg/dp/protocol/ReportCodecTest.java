package dev.microseg.dp.protocol;

import static dev.microseg.dp.protocol.Samples.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Report messages: byte layouts, round trips, splitting with {@code more}, and refusal of bad bytes. */
class ReportCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    static Stream<Arguments> reports() {
        List<Counter> counters = List.of(new Counter("ctrl.rx_datagrams", 12), new Counter("nfq.packets", Long.MAX_VALUE));
        return Stream.of(
                arguments("keep-alive echo", new KeepAliveEcho(4_294_967_295L, 1, 1_763_769_600_123L)),
                arguments("connections v4 and v6, every flag", new ConnectionReport(Samples.connections(6))),
                arguments("empty connection batch", new ConnectionReport(List.of())),
                arguments("violations", new ViolationReport(List.of(
                        new Violation(Samples.tuple4(), 0, 0, RuleAction.DENY, true, false, ViolationReason.DEFAULT_ACTION, 1, 5),
                        new Violation(Samples.tuple6(), 1001, 42, RuleAction.VIOLATE, false, true, ViolationReason.RULE,
                                4_294_967_295L, Long.MAX_VALUE)))),
                arguments("app updates", new AppUpdateReport(List.of(new AppUpdate(Samples.tuple4(), 1001, 7),
                        new AppUpdate(Samples.tuple6(), 4_294_967_295L, 0)))),
                arguments("counters", new CountersReport(9, counters)),
                arguments("error with UTF-8", new ErrorReport(ControlError.INVALID_VALUE, "ctrl_cfg_policy",
                        "ctrl_cfg_policy.rules[3].sip", "not an IP address: \"10.0.0.ä\"")),
                arguments("error without command", new ErrorReport(ControlError.MALFORMED_JSON, "", "", "empty datagram")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    void roundTrips(String name, Report report) throws ReportDecodeException {
        ReportEncoder enc = new ReportEncoder(77);
        List<byte[]> messages = enc.encode(report);
        assertThat(messages).hasSize(1);
        DecodedReport d = ReportDecoder.decode(messages.getFirst());
        assertThat(d.report()).isEqualTo(report);
        assertThat(d.header()).isEqualTo(new ReportHeader(report.kind(), messages.getFirst().length, 0, 77));
        assertThat(enc.nextSeq()).isEqualTo(78);
        assertThat(ReportEncoder.encodeMessage(d.report(), 0, 77)).isEqualTo(messages.getFirst());
    }

    @Test
    void keepAliveLayout() throws ReportDecodeException {
        byte[] m = ReportEncoder.encodeMessage(new KeepAliveEcho(7, 1, 0x0102030405060708L), 0, 0x0A0B0C0DL);
        assertThat(HEX.formatHex(m)).isEqualTo(
                "0001" + "001c" + "00000000" + "0a0b0c0d"   // kind 1, length 28, more 0, seq
                + "00000007" + "0001" + "0000"              // seq_num 7, version 1, reserved
                + "0102030405060708");                      // dp_start_ms
        assertThat(ReportDecoder.decode(m).report()).isEqualTo(new KeepAliveEcho(7, 1, 0x0102030405060708L));
    }

    @Test
    void connectionRecordLayout() {
        Connection c = new Connection(new FlowTuple(Samples.mac("02:42:ac:11:00:02"), 6, ip("10.0.0.7"), 0x1234,
                ip("172.17.0.2"), 443), 1001, 42, RuleAction.DENY, true, true, false, 3, 10, 11, 12, 13, 100, 200);
        byte[] m = ReportEncoder.encodeMessage(new ConnectionReport(List.of(c)), 2, 5);
        assertThat(HEX.formatHex(m)).isEqualTo(
                "0002" + "0080" + "00000002" + "00000005"                 // kind 2, length 128, more 2, seq 5
                + "0001" + "0000"                                          // count 1, reserved
                + "04" + "06" + "02" + "03"                                // family 4, tcp, deny, violation|ingress
                + "1234" + "01bb"                                          // client port, server port 443
                + "0a000007" + "00".repeat(12)                             // client 10.0.0.7
                + "ac110002" + "00".repeat(12)                             // server 172.17.0.2
                + "0242ac110002" + "0000"                                  // workload MAC, reserved
                + "000003e9" + "0000002a" + "00000003" + "00000000"        // app 1001, rule 42, sessions 3, reserved
                + "000000000000000a" + "000000000000000b"                  // packets to server, to client
                + "000000000000000c" + "000000000000000d"                  // bytes to server, to client
                + "0000000000000064" + "00000000000000c8");                // first, last seen ms
    }

    @Test
    void splitsLargeBatchesWithMore() throws ReportDecodeException {
        int per = ReportEncoder.recordsPerMessage(ReportKind.CONNECTION);
        assertThat(per).isEqualTo(584);
        List<Connection> all = Samples.connections(2 * per + 3);
        ReportEncoder enc = new ReportEncoder(4_294_967_294L);
        List<byte[]> messages = enc.encode(new ConnectionReport(all));
        assertThat(messages).hasSize(3);
        List<Connection> back = new ArrayList<>();
        long[] seqs = new long[3];
        for (int i = 0; i < 3; i++) {
            DecodedReport d = ReportDecoder.decode(messages.get(i));
            assertThat(d.header().more()).isEqualTo(2 - i);
            assertThat(messages.get(i).length).isLessThanOrEqualTo(ProtocolLimits.MAX_REPORT_MESSAGE);
            seqs[i] = d.header().seq();
            back.addAll(((ConnectionReport) d.report()).connections());
        }
        assertThat(seqs).containsExactly(4_294_967_294L, 4_294_967_295L, 0);
        assertThat(back).isEqualTo(all);
    }

    @Test
    void splitsLargeCounterReplies() throws ReportDecodeException {
        List<Counter> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(new Counter("engine.some_long_counter_name_" + i, i));
        }
        List<byte[]> messages = new ReportEncoder().encode(new CountersReport(3, many));
        assertThat(messages.size()).isGreaterThan(1);
        List<Counter> back = new ArrayList<>();
        for (byte[] m : messages) {
            CountersReport c = (CountersReport) ReportDecoder.decode(m).report();
            assertThat(c.seqNum()).isEqualTo(3);
            back.addAll(c.counters());
        }
        assertThat(back).isEqualTo(many);
    }

    @Test
    void errorTextIsBoundedAtACharacterBoundary() throws ReportDecodeException {
        ErrorReport e = new ErrorReport(ControlError.REJECTED, "ctrl_add_mac", "p", "ä".repeat(400));
        assertThat(e.reason()).hasSize(256);
        assertThat(ReportDecoder.decode(ReportEncoder.encodeMessage(e, 0, 0)).report()).isEqualTo(e);
    }

    private static byte[] valid(Report r) {
        return ReportEncoder.encodeMessage(r, 0, 1);
    }

    private static byte[] patch(byte[] m, int at, String hex) {
        byte[] c = m.clone();
        byte[] p = HEX.parseHex(hex);
        System.arraycopy(p, 0, c, at, p.length);
        return c;
    }

    static Stream<Arguments> malformed() {
        byte[] conn = valid(new ConnectionReport(List.of(Samples.connection(0))));
        byte[] viol = valid(new ViolationReport(List.of(new Violation(Samples.tuple4(), 0, 0, RuleAction.DENY, true,
                false, ViolationReason.RULE, 1, 5))));
        byte[] app = valid(new AppUpdateReport(List.of(new AppUpdate(Samples.tuple4(), 1001, 7))));
        byte[] ka = valid(new KeepAliveEcho(1, 1, 1));
        byte[] ctr = valid(new CountersReport(1, List.of(new Counter("a", 1))));
        byte[] err = valid(new ErrorReport(ControlError.OVERSIZE, "", "", "ab"));
        int r = 16; // first record offset
        return Stream.of(
                arguments("empty", new byte[0], "truncated header"),
                arguments("11 bytes", new byte[11], "truncated header"),
                arguments("unknown kind 0", patch(ka, 0, "0000"), "unknown kind 0"),
                arguments("unknown kind 7", patch(ka, 0, "0007"), "unknown kind 7"),
                arguments("length larger than message", patch(ka, 2, "001d"), "length field says 29"),
                arguments("length smaller than message", patch(ka, 2, "000c"), "length field says 12"),
                arguments("more on a keep-alive", patch(ka, 4, "00000001"), "never split"),
                arguments("keep-alive body short", withLength(java.util.Arrays.copyOf(ka, 27)), "body is 15 bytes"),
                arguments("keep-alive reserved", patch(ka, 18, "0001"), "reserved byte"),
                arguments("count says two records, one present", patch(conn, 12, "0002"), "2 records of 112 bytes need 240"),
                arguments("batch prefix missing", withLength(java.util.Arrays.copyOf(conn, 14)), "truncated batch prefix"),
                arguments("batch reserved", patch(conn, 14, "0100"), "reserved byte"),
                arguments("family 5", patch(conn, r, "05"), "family 5"),
                arguments("IPv4 with stray bytes", patch(conn, r + 8 + 4, "01"), "reserved byte"),
                arguments("unknown action", patch(conn, r + 2, "09"), "unknown action 9"),
                arguments("unknown flag", patch(conn, r + 3, "08"), "unknown flag bits 0x8"),
                arguments("connection reserved", patch(conn, r + 60, "00000001"), "reserved byte"),
                arguments("negative counter", patch(conn, r + 64, "80"), "packets_to_server exceeds"),
                arguments("last seen before first", patch(conn, r + 104, "0000000000000000"), "last_seen_ms is before"),
                arguments("violation flag on violation", patch(viol, r + 3, "01"), "unknown flag bits 0x1"),
                arguments("violation reason 0", patch(viol, r + 46, "00"), "unknown violation reason 0"),
                arguments("violation count 0", patch(viol, r + 56, "00000000"), "count is 0"),
                arguments("app update application 0", patch(app, r + 48, "00000000"), "application is 0"),
                arguments("app update reserved", patch(app, r + 2, "01"), "reserved byte"),
                arguments("counter name length 0", patch(ctr, 20, "00"), "counter name length 0"),
                arguments("counter runs past the end", patch(ctr, 20, "05"), "runs past the end"),
                arguments("counter name not [a-z0-9_.]", patch(ctr, 21, "41"), "not a counter name"),
                arguments("counters count too high", patch(ctr, 16, "0002"), "counter 1 of 2 is missing"),
                arguments("counters trailing bytes", withLength(java.util.Arrays.copyOf(ctr, ctr.length + 1)), "1 bytes after the last counter"),
                arguments("error unknown code", patch(err, 12, "0063"), "unknown error code 99"),
                arguments("error lengths do not add up", patch(err, 18, "0003"), "text lengths add up to 3"),
                arguments("error invalid UTF-8", patch(err, 20, "ff"), "invalid UTF-8"),
                arguments("error text over bound", patch(err, 16, "0201"), "exceed"));
    }

    private static byte[] withLength(byte[] m) {
        ByteBuffer.wrap(m).putShort(2, (short) m.length);
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedMessage(String name, byte[] message, String reason) {
        assertThatThrownBy(() -> ReportDecoder.decode(message))
                .isInstanceOf(ReportDecodeException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    void refusesEveryTruncation(String name, Report report) {
        byte[] m = valid(report);
        for (int len = 0; len < m.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(m, len);
            assertThatThrownBy(() -> ReportDecoder.decode(cut)).as("first %d bytes", len).isInstanceOf(ReportDecodeException.class);
            if (len >= ProtocolLimits.REPORT_HEADER_LEN) {
                byte[] lying = withLength(cut.clone());
                if (name.startsWith("empty")) {
                    continue;
                }
                assertThatThrownBy(() -> ReportDecoder.decode(lying)).as("first %d bytes, length fixed up", len)
                        .isInstanceOf(ReportDecodeException.class);
            }
        }
    }
}
