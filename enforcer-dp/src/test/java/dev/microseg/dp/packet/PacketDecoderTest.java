package dev.microseg.dp.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PacketDecoderTest {
    private final DecodedPacket p = new DecodedPacket();

    private DecodeResult decode(byte[] b) {
        return PacketDecoder.decode(b, b.length, b.length, p);
    }

    private static long lo(String v4) {
        return Addresses.parse(v4)[1];
    }

    @Test
    void ipv4TcpSynWithOptions() {
        byte[] b = HexFixtures.load("ipv4-tcp-syn-options");
        assertThat(decode(b)).isEqualTo(DecodeResult.OK);
        assertThat(p.ipVersion()).isEqualTo(4);
        assertThat(p.srcHi()).isZero();
        assertThat(p.srcLo()).isEqualTo(lo("10.0.0.1"));
        assertThat(p.dstLo()).isEqualTo(lo("10.0.0.2"));
        assertThat(Addresses.format(p.srcHi(), p.srcLo())).isEqualTo("10.0.0.1");
        assertThat(p.ttl()).isEqualTo(64);
        assertThat(p.protocol()).isEqualTo(IpProtocols.TCP);
        assertThat(p.packetLength()).isEqualTo(48);
        assertThat(p.isFragment()).isFalse();
        assertThat(p.fragmentId()).isEqualTo(0x1234);
        assertThat(p.l4Offset()).isEqualTo(20);
        assertThat(p.srcPort()).isEqualTo(40000);
        assertThat(p.dstPort()).isEqualTo(80);
        assertThat(p.tcpSeq()).isEqualTo(1);
        assertThat(p.tcpFlags()).isEqualTo(DecodedPacket.SYN);
        assertThat(p.tcpWindow()).isEqualTo(64240);
        assertThat(p.tcpHeaderLength()).isEqualTo(28);
        assertThat(p.tcpOptionsLength()).isEqualTo(8);
        assertThat(p.payloadOffset()).isEqualTo(48);
        assertThat(p.payloadLength()).isZero();
        assertThat(p.captureTruncated()).isFalse();
    }

    @Test
    void ipv4OptionsAreSkippedAndUdpDecoded() {
        byte[] b = HexFixtures.load("ipv4-options-udp");
        assertThat(decode(b)).isEqualTo(DecodeResult.OK);
        assertThat(p.l4Offset()).isEqualTo(24);
        assertThat(p.srcPort()).isEqualTo(54321);
        assertThat(p.dstPort()).isEqualTo(53);
        assertThat(p.payloadOffset()).isEqualTo(32);
        assertThat(p.payloadLength()).isEqualTo(4);
        assertThat(b[p.payloadOffset()] & 0xff).isEqualTo(0xde);
    }

    @Test
    void ipv4IcmpEchoCarriesIdentifier() {
        assertThat(decode(HexFixtures.load("ipv4-icmp-echo"))).isEqualTo(DecodeResult.OK);
        assertThat(p.protocol()).isEqualTo(IpProtocols.ICMP);
        assertThat(p.icmpType()).isEqualTo(8);
        assertThat(p.icmpId()).isEqualTo(0x0abc);
        assertThat(p.icmpSeq()).isEqualTo(1);
        assertThat(p.isIcmpEcho()).isTrue();
        assertThat(p.srcPort()).isZero();
        assertThat(p.payloadLength()).isEqualTo(4);
    }

    @Test
    void ipv4IcmpErrorExposesTheQuotedTuple() {
        assertThat(decode(HexFixtures.load("ipv4-icmp-unreachable-udp"))).isEqualTo(DecodeResult.OK);
        assertThat(p.icmpType()).isEqualTo(3);
        assertThat(p.icmpCode()).isEqualTo(3);
        assertThat(p.isIcmpEcho()).isFalse();
        assertThat(p.innerValid()).isTrue();
        assertThat(p.innerProtocol()).isEqualTo(IpProtocols.UDP);
        assertThat(p.innerSrcLo()).isEqualTo(lo("10.0.0.1"));
        assertThat(p.innerDstLo()).isEqualTo(lo("10.0.0.2"));
        assertThat(p.innerSrcPort()).isEqualTo(5000);
        assertThat(p.innerDstPort()).isEqualTo(9999);
    }

    @Test
    void ipv4FirstFragmentHasPortsLaterFragmentHasNone() {
        assertThat(decode(HexFixtures.load("ipv4-first-fragment-udp"))).isEqualTo(DecodeResult.OK);
        assertThat(p.isFragment()).isTrue();
        assertThat(p.isLaterFragment()).isFalse();
        assertThat(p.moreFragments()).isTrue();
        assertThat(p.fragmentId()).isEqualTo(0xabcd);
        assertThat(p.srcPort()).isEqualTo(7000);
        assertThat(p.dstPort()).isEqualTo(7001);
        assertThat(p.payloadLength()).isEqualTo(8);

        assertThat(decode(HexFixtures.load("ipv4-later-fragment"))).isEqualTo(DecodeResult.OK);
        assertThat(p.isLaterFragment()).isTrue();
        assertThat(p.fragmentOffset()).isEqualTo(1480);
        assertThat(p.fragmentId()).isEqualTo(0xabcd);
        assertThat(p.l4Decoded()).isFalse();
        assertThat(p.srcPort()).isZero();
        assertThat(p.dstPort()).isZero();
        assertThat(p.payloadOffset()).isEqualTo(20);
        assertThat(p.payloadLength()).isEqualTo(8);
    }

    @Test
    void ipv6Tcp() {
        assertThat(decode(HexFixtures.load("ipv6-tcp"))).isEqualTo(DecodeResult.OK);
        assertThat(p.ipVersion()).isEqualTo(6);
        assertThat(Addresses.format(p.srcHi(), p.srcLo())).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(p.srcHi()).isEqualTo(0x20010db800000000L);
        assertThat(p.srcLo()).isEqualTo(1L);
        assertThat(p.dstLo()).isEqualTo(2L);
        assertThat(p.srcPort()).isEqualTo(443);
        assertThat(p.dstPort()).isEqualTo(51000);
        assertThat(p.tcpSeq()).isEqualTo(100);
        assertThat(p.tcpAck()).isEqualTo(200);
        assertThat(p.tcpFlags()).isEqualTo(DecodedPacket.PSH | DecodedPacket.ACK);
        assertThat(p.payloadOffset()).isEqualTo(60);
        assertThat(p.payloadLength()).isEqualTo(3);
        assertThat(p.extHeaderCount()).isZero();
    }

    @Test
    void ipv6ExtensionChainIsWalkedToUdp() {
        assertThat(decode(HexFixtures.load("ipv6-ext-chain-udp"))).isEqualTo(DecodeResult.OK);
        assertThat(p.extHeaderCount()).isEqualTo(4);
        assertThat(p.protocol()).isEqualTo(IpProtocols.UDP);
        assertThat(p.l4Offset()).isEqualTo(72);
        assertThat(p.isFragment()).isTrue();
        assertThat(p.isLaterFragment()).isFalse();
        assertThat(p.moreFragments()).isTrue();
        assertThat(p.fragmentId()).isEqualTo(0xdeadbeefL);
        assertThat(p.srcPort()).isEqualTo(4000);
        assertThat(p.dstPort()).isEqualTo(53);
        assertThat(p.payloadLength()).isEqualTo(4);
    }

    @Test
    void ipv6AuthenticationHeaderIsSkipped() {
        assertThat(decode(HexFixtures.load("ipv6-ah-tcp"))).isEqualTo(DecodeResult.OK);
        assertThat(p.extHeaderCount()).isEqualTo(1);
        assertThat(p.l4Offset()).isEqualTo(64);
        assertThat(p.srcPort()).isEqualTo(33000);
        assertThat(p.dstPort()).isEqualTo(22);
        assertThat(p.tcpFlags()).isEqualTo(DecodedPacket.SYN);
    }

    @Test
    void ipv6LaterFragmentHasNoPorts() {
        assertThat(decode(HexFixtures.load("ipv6-later-fragment"))).isEqualTo(DecodeResult.OK);
        assertThat(p.isLaterFragment()).isTrue();
        assertThat(p.fragmentOffset()).isEqualTo(1448);
        assertThat(p.fragmentId()).isEqualTo(42);
        assertThat(p.protocol()).isEqualTo(IpProtocols.TCP);
        assertThat(p.l4Decoded()).isFalse();
        assertThat(p.srcPort()).isZero();
        assertThat(p.l4Offset()).isEqualTo(48);
    }

    @Test
    void icmpv6EchoAndPacketTooBig() {
        assertThat(decode(HexFixtures.load("ipv6-icmpv6-echo"))).isEqualTo(DecodeResult.OK);
        assertThat(p.protocol()).isEqualTo(IpProtocols.ICMPV6);
        assertThat(p.icmpType()).isEqualTo(128);
        assertThat(p.icmpId()).isEqualTo(0x1234);
        assertThat(p.icmpSeq()).isEqualTo(7);
        assertThat(p.isIcmpEcho()).isTrue();

        assertThat(decode(HexFixtures.load("ipv6-icmpv6-too-big-tcp"))).isEqualTo(DecodeResult.OK);
        assertThat(p.icmpType()).isEqualTo(2);
        assertThat(p.innerValid()).isTrue();
        assertThat(p.innerProtocol()).isEqualTo(IpProtocols.TCP);
        assertThat(p.innerSrcLo()).isEqualTo(2L);
        assertThat(p.innerDstLo()).isEqualTo(1L);
        assertThat(p.innerSrcPort()).isEqualTo(443);
        assertThat(p.innerDstPort()).isEqualTo(50000);
    }

    @Test
    void espStopsTheWalkWithoutL4() {
        assertThat(decode(HexFixtures.load("ipv6-esp"))).isEqualTo(DecodeResult.OK);
        assertThat(p.protocol()).isEqualTo(IpProtocols.ESP);
        assertThat(p.l4Decoded()).isFalse();
        assertThat(p.payloadOffset()).isEqualTo(40);
        assertThat(p.payloadLength()).isEqualTo(16);
    }

    @Test
    void copyRangeCutsPayloadButHeadersDecode() {
        byte[] b = HexFixtures.load("ipv6-tcp");
        assertThat(PacketDecoder.decode(b, 61, b.length, p)).isEqualTo(DecodeResult.OK);
        assertThat(p.captureTruncated()).isTrue();
        assertThat(p.payloadLength()).isEqualTo(3);
        assertThat(p.payloadCapturedLength()).isEqualTo(1);
    }

    @Test
    void bigTcpZeroTotalLengthMeansTheOriginalLength() {
        byte[] b = HexFixtures.load("ipv4-tcp-syn-options");
        b[2] = 0;
        b[3] = 0;
        assertThat(PacketDecoder.decode(b, b.length, 70_000, p)).isEqualTo(DecodeResult.OK);
        assertThat(p.packetLength()).isEqualTo(70_000);
        assertThat(p.payloadLength()).isEqualTo(70_000 - 48);
        assertThat(p.captureTruncated()).isTrue();
    }

    @Test
    void decodesFromNativeMemoryAtAnOffset() {
        byte[] b = HexFixtures.load("ipv4-tcp-syn-options");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(b.length + 16);
            MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 16, b.length);
            assertThat(PacketDecoder.decode(seg, 16, b.length, b.length, p)).isEqualTo(DecodeResult.OK);
            assertThat(p.dstPort()).isEqualTo(80);
        }
    }

    @Test
    void trailingBytesBeyondTotalLengthAreIgnored() {
        byte[] b = HexFixtures.load("ipv4-icmp-echo");
        byte[] padded = java.util.Arrays.copyOf(b, b.length + 6);
        assertThat(decode(padded)).isEqualTo(DecodeResult.OK);
        assertThat(p.packetLength()).isEqualTo(32);
        assertThat(p.payloadLength()).isEqualTo(4);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of("empty", "", DecodeResult.EMPTY),
            Arguments.of("version 5", "50 00 00 14", DecodeResult.UNKNOWN_IP_VERSION),
            Arguments.of("IPv4 header of 19 bytes", "45 00 00 13 0000 0000 40 06 0000 0a000001 0a0000", DecodeResult.IPV4_TRUNCATED),
            Arguments.of("IHL 4", "44 00 00 14 0000 0000 40 06 0000 0a000001 0a000002", DecodeResult.IPV4_BAD_IHL),
            Arguments.of("IHL 6 with 20 bytes", "46 00 00 18 0000 0000 40 06 0000 0a000001 0a000002", DecodeResult.IPV4_OPTIONS_TRUNCATED),
            Arguments.of("total length below IHL", "45 00 00 10 0000 0000 40 06 0000 0a000001 0a000002", DecodeResult.IPV4_BAD_TOTAL_LENGTH),
            Arguments.of("total length beyond packet", "45 00 00 40 0000 0000 40 11 0000 0a000001 0a000002", DecodeResult.IPV4_BAD_TOTAL_LENGTH),
            Arguments.of("IPv6 header of 39 bytes", "60000000 0000 3b 40" + "00".repeat(31), DecodeResult.IPV6_TRUNCATED),
            Arguments.of("IPv6 payload length beyond packet", "60000000 0010 3b 40" + "00".repeat(32), DecodeResult.IPV6_BAD_PAYLOAD_LENGTH),
            Arguments.of("IPv6 routing header cut", "60000000 0004 2b 40" + "00".repeat(32) + "06 01 0000", DecodeResult.IPV6_EXT_TRUNCATED),
            Arguments.of("IPv6 hop-by-hop after dest options", "60000000 0010 3c 40" + "00".repeat(32)
                + "00 00 01040000 0000" + "3b 00 01040000 0000", DecodeResult.IPV6_HOP_BY_HOP_NOT_FIRST),
            Arguments.of("IPv6 nine destination options", "60000000 0048 3c 40" + "00".repeat(32)
                + "3c 00 01040000 0000".repeat(8) + "3b 00 01040000 0000", DecodeResult.IPV6_EXT_CHAIN_TOO_LONG),
            Arguments.of("TCP header of 19 bytes", "45 00 00 27 0000 0000 40 06 0000 0a000001 0a000002" + "00".repeat(19), DecodeResult.TCP_TRUNCATED),
            Arguments.of("TCP data offset 4", "45 00 00 28 0000 0000 40 06 0000 0a000001 0a000002"
                + "0001 0002 00000000 00000000 40 02 0000 0000 0000", DecodeResult.TCP_BAD_DATA_OFFSET),
            Arguments.of("TCP data offset past the packet", "45 00 00 28 0000 0000 40 06 0000 0a000001 0a000002"
                + "0001 0002 00000000 00000000 60 02 0000 0000 0000", DecodeResult.TCP_BAD_DATA_OFFSET),
            Arguments.of("UDP header of 7 bytes", "45 00 00 1b 0000 0000 40 11 0000 0a000001 0a000002 0035 0035 0008 00", DecodeResult.UDP_TRUNCATED),
            Arguments.of("UDP length 7", "45 00 00 1c 0000 0000 40 11 0000 0a000001 0a000002 0035 0035 0007 0000", DecodeResult.UDP_BAD_LENGTH),
            Arguments.of("UDP length past the packet", "45 00 00 1c 0000 0000 40 11 0000 0a000001 0a000002 0035 0035 0010 0000", DecodeResult.UDP_BAD_LENGTH),
            Arguments.of("ICMP header of 7 bytes", "45 00 00 1b 0000 0000 40 01 0000 0a000001 0a000002 0800 0000 0001 00", DecodeResult.ICMP_TRUNCATED),
            Arguments.of("ICMPv6 header of 4 bytes", "60000000 0004 3a 40" + "00".repeat(32) + "8000 0000", DecodeResult.ICMPV6_TRUNCATED));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("malformed")
    void malformedInputNamesTheProblem(String name, String hex, DecodeResult expected) {
        assertThat(decode(HexFixtures.parse(hex))).as(name).isEqualTo(expected);
    }

    @Test
    void tcpOptionsCutByTheCopyRange() {
        byte[] b = HexFixtures.load("ipv4-tcp-syn-options");
        assertThat(PacketDecoder.decode(b, 44, b.length, p)).isEqualTo(DecodeResult.TCP_OPTIONS_TRUNCATED);
        assertThat(p.srcPort()).as("fields before the failure stay valid").isEqualTo(40000);
    }

    @Test
    void inconsistentLengthsAreRejected() {
        byte[] b = HexFixtures.load("ipv4-icmp-echo");
        assertThat(PacketDecoder.decode(b, b.length, b.length - 1, p)).isEqualTo(DecodeResult.BAD_LENGTHS);
        assertThat(PacketDecoder.decode(b, b.length + 1, b.length + 1, p)).isEqualTo(DecodeResult.BAD_LENGTHS);
        assertThat(PacketDecoder.decode(b, -1, b.length, p)).isEqualTo(DecodeResult.BAD_LENGTHS);
    }

    @Test
    void quotedHeaderCutShortLeavesInnerInvalid() {
        byte[] b = HexFixtures.load("ipv4-icmp-unreachable-udp");
        assertThat(PacketDecoder.decode(b, 40, b.length, p)).isEqualTo(DecodeResult.OK);
        assertThat(p.innerValid()).isFalse();
        assertThat(p.icmpType()).isEqualTo(3);
    }

    /**
     * Every fixture cut to every shorter capture: decoding never throws or reads past the
     * captured bytes (the copy is exactly that long), and succeeds exactly when every header up
     * to the payload was captured; otherwise the result names a truncation.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ipv4-tcp-syn-options", "ipv4-options-udp", "ipv4-icmp-echo", "ipv4-icmp-unreachable-udp",
        "ipv4-first-fragment-udp", "ipv4-later-fragment", "ipv6-tcp", "ipv6-ext-chain-udp", "ipv6-ah-tcp",
        "ipv6-later-fragment", "ipv6-icmpv6-echo", "ipv6-icmpv6-too-big-tcp", "ipv6-esp"})
    void everyTruncationIsReportedPerLayer(String fixture) {
        byte[] full = HexFixtures.load(fixture);
        assertThat(decode(full)).isEqualTo(DecodeResult.OK);
        int headersEnd = p.l4Decoded() ? p.payloadOffset() : p.l4Offset();
        for (int captured = 0; captured < full.length; captured++) {
            byte[] cut = java.util.Arrays.copyOf(full, captured);
            DecodeResult r = PacketDecoder.decode(cut, captured, full.length, p);
            if (captured >= headersEnd) {
                assertThat(r).as("%s cut to %d", fixture, captured).isEqualTo(DecodeResult.OK);
            } else {
                assertThat(r.name()).as("%s cut to %d", fixture, captured).matches("EMPTY|.*TRUNCATED");
            }
        }
    }
}
