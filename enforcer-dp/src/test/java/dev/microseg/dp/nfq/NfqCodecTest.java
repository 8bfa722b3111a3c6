package dev.microseg.dp.nfq;

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
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** nfnetlink_queue messages byte for byte (linux/netfilter/nfnetlink_queue.h). */
class NfqCodecTest {
    /** An NFQNL_MSG_PACKET as nfqnl_build_packet_message lays it out, for queue 5, packet 42. */
    static final String PACKET = """
            60 00 00 00   // nlmsg_len 96
            00 03         // nlmsg_type: NFNL_SUBSYS_QUEUE (3) << 8 | NFQNL_MSG_PACKET (0)
            00 00         // flags
            00 00 00 00   // seq
            00 00 00 00   // pid
            02 00 00 05   // nfgenmsg: AF_INET, v0, res_id = queue 5
            0b 00 01 00   // NFQA_PACKET_HDR, len 11
            00 00 00 2a   //   packet_id 42
            08 00         //   hw_protocol ETH_P_IP
            02 00         //   hook NF_INET_FORWARD, 1 padding byte
            08 00 05 00   // NFQA_IFINDEX_INDEV
            00 00 00 03   //   3
            08 00 06 00   // NFQA_IFINDEX_OUTDEV
            00 00 00 04   //   4
            08 00 03 00   // NFQA_MARK
            04 00 00 01   //   0x04000001
            08 00 0e 00   // NFQA_SKB_INFO
            00 00 00 03   //   CSUMNOTREADY | GSO
            08 00 0d 00   // NFQA_CAP_LEN
            00 00 05 dc   //   1500: the packet was longer than the copy range
            18 00 0a 00   // NFQA_PAYLOAD, len 24: a 20-byte IPv4 header
            45 00 05 dc 00 00 40 00 40 06 00 00 0a 41 00 01 0a 41 00 02
            """;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private NfqPacket decode(String fixture) throws NlDecodeException {
        MemorySegment d = Hex.segment(arena, fixture);
        NlCursor c = new NlCursor().reset(d, 0, d.byteSize());
        if (!c.next()) {
            throw new AssertionError("empty fixture");
        }
        NfqPacket p = new NfqPacket();
        new NfqCodec().decodePacket(c, p);
        return p;
    }

    @Test
    void decodesEveryFieldOfAPacketMessage() throws Exception {
        NfqPacket p = decode(PACKET);
        assertThat(p.queue()).isEqualTo(5);
        assertThat(p.id()).isEqualTo(42);
        assertThat(p.hwProtocol()).isEqualTo(NfqPacket.ETH_P_IP);
        assertThat(p.hook()).isEqualTo(NfqPacket.HOOK_FORWARD);
        assertThat(p.inInterface()).isEqualTo(3);
        assertThat(p.outInterface()).isEqualTo(4);
        assertThat(p.mark()).isEqualTo(0x04000001);
        assertThat(p.checksumNotReady()).isTrue();
        assertThat(p.gso()).isTrue();
        assertThat(p.checksumNotVerified()).isFalse();
        assertThat(p.payloadLength()).isEqualTo(20);
        assertThat(p.originalLength()).isEqualTo(1500);
        assertThat(p.truncated()).isTrue();
        assertThat(p.payload().get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 0x45);
        assertThat(p.payload().get(ValueLayout.JAVA_BYTE, 19)).isEqualTo((byte) 0x02);
        assertThat(p.buffer().get(ValueLayout.JAVA_BYTE, p.payloadOffset() + 9)).isEqualTo((byte) 6);
    }

    @Test
    void withoutCapLenTheOriginalLengthIsThePayloadLength() throws Exception {
        NfqPacket p = decode("""
                28 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00   // header, len 40
                0a 00 00 00                                       // AF_INET6 (10), queue 0
                0b 00 01 00 ff ff ff fe 86 dd 01 00               // id 0xfffffffe, ETH_P_IPV6, LOCAL_IN
                08 00 0a 00 60 00 00 00                           // 4-byte payload
                """);
        assertThat(Integer.toUnsignedLong(p.id())).isEqualTo(0xfffffffeL);
        assertThat(p.hwProtocol()).isEqualTo(NfqPacket.ETH_P_IPV6);
        assertThat(p.hook()).isEqualTo(NfqPacket.HOOK_LOCAL_IN);
        assertThat(p.mark()).isZero();
        assertThat(p.originalLength()).isEqualTo(4);
        assertThat(p.truncated()).isFalse();
    }

    static Stream<Arguments> malformedPackets() {
        return Stream.of(
                arguments("no packet header", """
                        1c 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00
                        02 00 00 00
                        08 00 03 00 00 00 00 01   // only a mark
                        """, "nfqueue packet: attribute NFQA_PACKET_HDR (1) is missing"),
                arguments("packet header too short", """
                        20 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00
                        02 00 00 00
                        09 00 01 00 00 00 00 07 08 00 00 00   // 5 bytes: id, half a protocol; padding
                        """, "nfqueue packet: attribute NFQA_PACKET_HDR (1) has 5 bytes, needs 7"),
                arguments("no room for nfgenmsg", """
                        12 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00
                        02 00
                        """, "nfqueue packet: 2 payload bytes, the nfgenmsg header needs 4"),
                arguments("payload attribute longer than the message", """
                        28 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00
                        02 00 00 00
                        0b 00 01 00 00 00 00 01 08 00 02 00
                        ff 00 0a 00 45 00 00 00   // NFQA_PAYLOAD claims 255 bytes
                        """, "attribute NFQA_PAYLOAD (10) at offset 32: nla_len 255 exceeds the 8 bytes left"),
                arguments("cap_len below the payload received", """
                        30 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00
                        02 00 00 00
                        0b 00 01 00 00 00 00 09 08 00 02 00
                        08 00 0d 00 00 00 00 02   // NFQA_CAP_LEN 2
                        08 00 0a 00 45 00 00 00   // 4 payload bytes
                        """, "nfqueue packet 9: NFQA_CAP_LEN 2 is below the 4 payload bytes received"),
                arguments("mark attribute too short", """
                        28 00 00 00 00 03 00 00 00 00 00 00 00 00 00 00
                        02 00 00 00
                        0b 00 01 00 00 00 00 01 08 00 02 00
                        06 00 03 00 00 01 00 00   // NFQA_MARK with 2 bytes
                        """, "nfqueue packet: attribute NFQA_MARK (3) has 2 bytes, needs 4"),
                arguments("not a packet message", """
                        14 00 00 00 01 03 00 00 00 00 00 00 00 00 00 00   // NFQNL_MSG_VERDICT
                        02 00 00 00
                        """, "nfqueue: message type 0x301 is not NFQNL_MSG_PACKET"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPackets")
    void rejectsMalformedPacketsWithAClearError(String name, String fixture, String error) {
        assertThatThrownBy(() -> decode(fixture)).isInstanceOf(NlDecodeException.class).hasMessageContaining(error);
    }

    @Test
    void salvagesThePacketIdOfATruncatedDatagram() {
        MemorySegment d = Hex.segment(arena, PACKET.lines().limit(12).reduce("", (a, b) -> a + b + "\n"));
        assertThat(NfqCodec.salvagePacketId(d, 0, d.byteSize())).isEqualTo(42);
        assertThat(NfqCodec.salvagePacketId(d, 0, 20)).isEqualTo(-1);
        MemorySegment notPacket = Hex.segment(arena, "10 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                + " 0b 00 01 00 00 00 00 2a 08 00 02 00");
        assertThat(NfqCodec.salvagePacketId(notPacket, 0, notPacket.byteSize())).isEqualTo(-1);
    }

    @Test
    void bindConfiguresTheQueueInTheSameMessage() {
        NlWriter w = new NlWriter(arena.allocate(128));
        NfQueueConfig c = NfQueueConfig.defaults(5).withCopy(CopyMode.PACKET, 128).withGso(true).withFailOpen(false);
        NfqCodec.encodeBind(w, 0x01020304, c);
        assertThat(Hex.of(w.segment(), w.position())).isEqualTo(Hex.of(Hex.segment(arena, """
                40 00 00 00   // nlmsg_len 64
                02 03         // NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_CONFIG
                05 00         // NLM_F_REQUEST | NLM_F_ACK
                04 03 02 01   // seq
                00 00 00 00   // pid
                00 00 00 05   // nfgenmsg: AF_UNSPEC, v0, queue 5
                08 00 01 00   // NFQA_CFG_CMD
                01 00 00 00   //   NFQNL_CFG_CMD_BIND, pad, pf AF_UNSPEC
                09 00 02 00   // NFQA_CFG_PARAMS, len 9 (packed struct)
                00 00 00 80   //   copy_range 128
                02 00 00 00   //   NFQNL_COPY_PACKET + 3 padding bytes
                08 00 03 00   // NFQA_CFG_QUEUE_MAXLEN
                00 00 10 00   //   4096
                08 00 04 00   // NFQA_CFG_MASK
                00 00 00 05   //   GSO | FAIL_OPEN: both are set explicitly
                08 00 05 00   // NFQA_CFG_FLAGS
                00 00 00 04   //   GSO on, FAIL_OPEN off
                """), 64));
    }

    @Test
    void verdictsCarryThePacketIdAsSequenceAndAnOptionalMark() {
        NlWriter w = new NlWriter(arena.allocate(128));
        NfqCodec.encodeVerdict(w, 5, 42, Verdict.REPEAT.code(), true, 0x04000000);
        NfqCodec.encodeBatchVerdict(w, 5, 50, Verdict.ACCEPT.code());
        assertThat(Hex.of(w.segment(), w.position())).isEqualTo(Hex.of(Hex.segment(arena, """
                28 00 00 00   // nlmsg_len 40
                01 03         // NFQNL_MSG_VERDICT
                01 00         // NLM_F_REQUEST, no ack: errors still come back
                2a 00 00 00   // seq = packet id 42
                00 00 00 00
                00 00 00 05   // AF_UNSPEC, queue 5
                0c 00 02 00   // NFQA_VERDICT_HDR
                00 00 00 04   //   NF_REPEAT
                00 00 00 2a   //   id 42
                08 00 03 00   // NFQA_MARK
                04 00 00 00   //   0x04000000
                20 00 00 00   // nlmsg_len 32
                03 03         // NFQNL_MSG_VERDICT_BATCH
                01 00
                32 00 00 00   // seq = max id 50
                00 00 00 00
                00 00 00 05
                0c 00 02 00   // NFQA_VERDICT_HDR
                00 00 00 01   //   NF_ACCEPT
                00 00 00 32   //   every queued id up to 50
                """), 72));
    }

    static Stream<Arguments> invalidConfigs() {
        NfQueueConfig d = NfQueueConfig.defaults(0);
        return Stream.of(
                arguments("queue number", (Runnable) () -> NfQueueConfig.defaults(65536), "queueNumber 65536 outside 0..65535"),
                arguments("copy range", (Runnable) () -> d.withCopy(CopyMode.PACKET, 65532), "copyRange 65532 outside 1..65531"),
                arguments("zero copy range", (Runnable) () -> d.withCopy(CopyMode.PACKET, 0), "copyRange 0 outside 1..65531"),
                arguments("queue length", (Runnable) () -> d.withMaxQueueLength(0), "maxQueueLength 0 must be positive"),
                arguments("batch", (Runnable) () -> d.withReceiveBatch(1025), "receiveBatch 1025 outside 1..1024"),
                arguments("socket buffer", (Runnable) () -> d.withReceiveBufferBytes(1024), "receiveBufferBytes 1024 below 65536"),
                arguments("poll interval", (Runnable) () -> d.withPollInterval(Duration.ZERO), "pollInterval PT0S outside (0, 10 s]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigs")
    void invalidConfigurationNamesTheField(String name, Runnable build, String error) {
        assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessage(error);
    }
}
