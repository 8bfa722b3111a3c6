package dev.microseg.dp.conntrack;

import dev.microseg.dp.netlink.NlCursor;
import dev.microseg.dp.netlink.NlDecodeException;
import dev.microseg.dp.netlink.NlWriter;
import dev.microseg.dp.testing.Hex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** ctnetlink messages byte for byte (linux/netfilter/nfnetlink_conntrack.h). */
class CtCodecTest {
    /** A conntrack entry as ctnetlink_fill_info writes it: TCP 10.0.0.1:40000 -> 10.0.0.2:80. */
    static final String TCP_ENTRY = """
            d4 00 00 00   // nlmsg_len 212
            00 01         // NFNL_SUBSYS_CTNETLINK (1) << 8 | IPCTNL_MSG_CT_NEW (0)
            00 00 00 00 00 00 00 00 00 00   // flags, seq, pid
            02 00 00 00   // nfgenmsg: AF_INET
            34 00 01 80   // CTA_TUPLE_ORIG, nested, 52 bytes
            14 00 01 80   //   CTA_TUPLE_IP, nested
            08 00 01 00 0a 00 00 01   // CTA_IP_V4_SRC 10.0.0.1
            08 00 02 00 0a 00 00 02   // CTA_IP_V4_DST 10.0.0.2
            1c 00 02 80   //   CTA_TUPLE_PROTO, nested
            05 00 01 00 06 00 00 00   // CTA_PROTO_NUM 6 (TCP), padded
            06 00 02 00 9c 40 00 00   // CTA_PROTO_SRC_PORT 40000
            06 00 03 00 00 50 00 00   // CTA_PROTO_DST_PORT 80
            34 00 02 80   // CTA_TUPLE_REPLY: the inverse
            14 00 01 80
            08 00 01 00 0a 00 00 02
            08 00 02 00 0a 00 00 01
            1c 00 02 80
            05 00 01 00 06 00 00 00
            06 00 02 00 00 50 00 00
            06 00 03 00 9c 40 00 00
            1c 00 09 80   // CTA_COUNTERS_ORIG, nested
            0c 00 01 00 00 00 00 00 00 00 00 0a   // CTA_COUNTERS_PACKETS 10
            0c 00 02 00 00 00 00 00 00 00 03 e8   // CTA_COUNTERS_BYTES 1000
            1c 00 0a 80   // CTA_COUNTERS_REPLY
            0c 00 01 00 00 00 00 00 00 00 00 08   // 8 packets
            0c 00 02 00 00 00 00 00 00 00 02 80   // 640 bytes
            08 00 03 00 00 00 00 0e   // CTA_STATUS: SEEN_REPLY | ASSURED | CONFIRMED
            08 00 07 00 00 00 00 78   // CTA_TIMEOUT 120 s
            08 00 08 00 04 00 00 00   // CTA_MARK 0x04000000
            08 00 0c 00 12 34 56 78   // CTA_ID
            """;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private ConntrackEntry decode(String fixture) throws NlDecodeException {
        MemorySegment d = Hex.segment(arena, fixture);
        NlCursor c = new NlCursor().reset(d, 0, d.byteSize());
        c.next();
        return new CtCodec().decodeEntry(c);
    }

    @Test
    void decodesAnIpv4TcpEntryWithCountersAndMark() throws Exception {
        ConntrackEntry e = decode(TCP_ENTRY);
        InetAddress a = InetAddress.getByName("10.0.0.1");
        InetAddress b = InetAddress.getByName("10.0.0.2");
        assertThat(e.original()).isEqualTo(ConntrackTuple.tcp(a, 40000, b, 80));
        assertThat(e.reply()).isEqualTo(ConntrackTuple.tcp(b, 80, a, 40000));
        assertThat(e.originalCounters()).contains(new ConntrackCounters(10, 1000));
        assertThat(e.replyCounters()).contains(new ConntrackCounters(8, 640));
        assertThat(e.status() & ConntrackEntry.IPS_CONFIRMED).isNotZero();
        assertThat(e.timeoutSeconds()).isEqualTo(120);
        assertThat(e.mark()).isEqualTo(0x04000000);
        assertThat(e.id()).isEqualTo(0x12345678L);
        assertThat(e.original().toString()).isEqualTo("tcp 10.0.0.1:40000 -> 10.0.0.2:80");
    }

    @Test
    void decodesAnIpv6UdpDestroyEventWithoutCountersReply() throws Exception {
        ConntrackEntry e = decode("""
                d0 00 00 00   // nlmsg_len 208
                02 01         // IPCTNL_MSG_CT_DELETE: the shape of a DESTROY event
                00 00 00 00 00 00 00 00 00 00   // flags, seq, pid
                0a 00 00 00   // AF_INET6
                4c 00 01 80   // CTA_TUPLE_ORIG, 76 bytes
                2c 00 01 80   //   CTA_TUPLE_IP
                14 00 03 00 fd 65 00 00 00 00 00 00 00 00 00 00 00 00 00 01   // CTA_IP_V6_SRC fd65::1
                14 00 04 00 fd 65 00 00 00 00 00 00 00 00 00 00 00 00 00 02   // CTA_IP_V6_DST fd65::2
                1c 00 02 80
                05 00 01 00 11 00 00 00   // UDP
                06 00 02 00 13 88 00 00   // 5000
                06 00 03 00 00 35 00 00   // 53
                4c 00 02 80   // CTA_TUPLE_REPLY
                2c 00 01 80
                14 00 03 00 fd 65 00 00 00 00 00 00 00 00 00 00 00 00 00 02
                14 00 04 00 fd 65 00 00 00 00 00 00 00 00 00 00 00 00 00 01
                1c 00 02 80
                05 00 01 00 11 00 00 00
                06 00 02 00 00 35 00 00
                06 00 03 00 13 88 00 00
                1c 00 09 80   // CTA_COUNTERS_ORIG
                0c 00 01 00 00 00 00 00 00 00 00 32   // 50 packets
                0c 00 02 00 00 00 00 00 00 00 13 88   // 5000 bytes
                08 00 08 00 04 00 00 00   // CTA_MARK
                """);
        assertThat(e.original()).isEqualTo(ConntrackTuple.udp(InetAddress.getByName("fd65::1"), 5000,
                InetAddress.getByName("fd65::2"), 53));
        assertThat(e.original().isIpv6()).isTrue();
        assertThat(e.originalCounters()).contains(new ConntrackCounters(50, 5000));
        assertThat(e.replyCounters()).isEqualTo(Optional.empty());
        assertThat(e.timeoutSeconds()).isEqualTo(-1);
    }

    @Test
    void encodesAGetByTupleAndAMaskedMarkUpdate() throws Exception {
        NlWriter w = new NlWriter(arena.allocate(256));
        ConntrackTuple t = ConntrackTuple.tcp(InetAddress.getByName("10.0.0.1"), 40000, InetAddress.getByName("10.0.0.2"), 80);
        CtCodec.encodeGet(w, 9, t);
        CtCodec.encodeSetMark(w, 10, t, 0x08000000, 0x0c000000);
        String tuple = """
                34 00 01 80   // CTA_TUPLE_ORIG | NLA_F_NESTED
                14 00 01 80 08 00 01 00 0a 00 00 01 08 00 02 00 0a 00 00 02   // CTA_TUPLE_IP: src, dst
                1c 00 02 80 05 00 01 00 06 00 00 00 06 00 02 00 9c 40 00 00 06 00 03 00 00 50 00 00   // proto
                """;
        assertThat(Hex.of(w.segment(), w.position())).isEqualTo(Hex.of(Hex.segment(arena, """
                48 00 00 00   // nlmsg_len 72
                01 01         // IPCTNL_MSG_CT_GET
                05 00         // NLM_F_REQUEST | NLM_F_ACK
                09 00 00 00 00 00 00 00
                02 00 00 00   // AF_INET
                """ + tuple + """
                58 00 00 00   // nlmsg_len 88
                00 01         // IPCTNL_MSG_CT_NEW without NLM_F_CREATE: update only
                05 00
                0a 00 00 00 00 00 00 00
                02 00 00 00
                """ + tuple + """
                08 00 08 00 08 00 00 00   // CTA_MARK 0x08000000
                08 00 15 00 0c 00 00 00   // CTA_MARK_MASK 0x0c000000: other bits kept
                """), 160));
    }

    @Test
    void encodesIcmpv6EchoTuples() throws Exception {
        NlWriter w = new NlWriter(arena.allocate(256));
        w.beginMessage(0, 0, 0);
        CtCodec.writeTuple(w, 1, ConntrackTuple.icmpEcho(InetAddress.getByName("fd65::1"), InetAddress.getByName("fd65::2"), 7));
        w.endMessage();
        assertThat(Hex.of(w.segment(), w.position()).substring(32)).isEqualTo(Hex.of(Hex.segment(arena, """
                54 00 01 80   // CTA_TUPLE_ORIG, 84 bytes
                2c 00 01 80
                14 00 03 00 fd 65 00 00 00 00 00 00 00 00 00 00 00 00 00 01
                14 00 04 00 fd 65 00 00 00 00 00 00 00 00 00 00 00 00 00 02
                24 00 02 80   //   CTA_TUPLE_PROTO, 36 bytes
                05 00 01 00 3a 00 00 00   // IPPROTO_ICMPV6
                06 00 07 00 00 07 00 00   // CTA_PROTO_ICMPV6_ID 7
                05 00 08 00 80 00 00 00   // CTA_PROTO_ICMPV6_TYPE 128 (echo request)
                05 00 09 00 00 00 00 00   // CTA_PROTO_ICMPV6_CODE 0
                """), 84));
    }

    static Stream<Arguments> malformedEntries() {
        return Stream.of(
                arguments("no original tuple", """
                        1c 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 02 00 00 00
                        08 00 08 00 00 00 00 01
                        """, "conntrack entry: attribute CTA_TUPLE_ORIG (1) is missing"),
                arguments("a 3-byte IPv4 address", """
                        2c 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 02 00 00 00
                        18 00 01 80 14 00 01 80
                        07 00 01 00 0a 00 00 00   // CTA_IP_V4_SRC with 3 bytes
                        08 00 02 00 0a 00 00 02
                        """, "conntrack tuple address: attribute CTA_IP_V4_SRC (1) has 3 bytes, needs 4"),
                arguments("a tuple without protocol number", """
                        38 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 02 00 00 00
                        24 00 01 80 14 00 01 80
                        08 00 01 00 0a 00 00 01 08 00 02 00 0a 00 00 02
                        0c 00 02 80 06 00 02 00 00 50 00 00   // CTA_TUPLE_PROTO holding a port only
                        """, "conntrack tuple protocol: attribute CTA_PROTO_NUM (1) is missing"),
                arguments("an attribute that overruns the message", """
                        1c 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 02 00 00 00
                        10 00 08 00 00 00 00 01   // CTA_MARK claiming 16 bytes
                        """, "conntrack entry: attribute CTA_MARK (8) at offset 20: nla_len 16 exceeds the 8 bytes left"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedEntries")
    void rejectsMalformedEntries(String name, String fixture, String error) {
        assertThatThrownBy(() -> decode(fixture)).isInstanceOf(NlDecodeException.class).hasMessageContaining(error);
    }

    @Test
    void tuplesValidateTheirFields() throws Exception {
        InetAddress v4 = InetAddress.getByName("10.0.0.1");
        InetAddress v6 = InetAddress.getByName("fd65::1");
        assertThatThrownBy(() -> ConntrackTuple.tcp(v4, 1, v6, 2)).hasMessageContaining("different address families");
        assertThatThrownBy(() -> ConntrackTuple.udp(v4, 70000, v4, 2)).hasMessage("ports 70000 -> 2 outside 0..65535");
        assertThatThrownBy(() -> new ConntrackTuple(v4, v4, 300, new ConntrackTuple.NoL4()))
                .hasMessage("protocol 300 outside 0..255");
    }
}
