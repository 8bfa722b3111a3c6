package dev.microseg.dp.netlink;

import dev.microseg.dp.testing.Hex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The netlink framing: message and attribute encoding byte for byte, and rejection of truncated
 * or lying lengths with an error that says where and what. Header fields are host order; the
 * fixtures are little-endian (x86_64, aarch64).
 */
class NlCodecTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void writerEncodesHeaderNfgenmsgAttributesAndNestsWithZeroPadding() {
        NlWriter w = new NlWriter(arena.allocate(128));
        w.beginMessage(0x0101, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, 7).nfgenmsg(2, 0x1234);
        w.u8(5, 0xab);
        w.beginNested(1).be16(2, 80).be32(3, 0x0a000001).endNested();
        int len = w.endMessage();
        assertThat(len).isEqualTo(48);
        assertThat(Hex.of(w.segment(), w.position())).isEqualTo(Hex.of(Hex.segment(arena, """
                30 00 00 00   // nlmsg_len 48
                01 01         // nlmsg_type 0x0101
                05 00         // flags NLM_F_REQUEST | NLM_F_ACK
                07 00 00 00   // seq 7
                00 00 00 00   // pid 0 (the kernel fills it in)
                02 00 12 34   // nfgenmsg: AF_INET, NFNETLINK_V0, res_id 0x1234 big-endian
                05 00 05 00   // attr len 5, type 5
                ab 00 00 00   // u8 0xab + 3 zero padding bytes
                14 00 01 80   // nested attr len 20, type 1 | NLA_F_NESTED
                06 00 02 00   //   attr len 6, type 2
                00 50 00 00   //   be16 80 + 2 padding bytes
                08 00 03 00   //   attr len 8, type 3
                0a 00 00 01   //   be32 10.0.0.1
                """), 48));
    }

    @Test
    void writerRefusesToOverrunItsBuffer() {
        NlWriter w = new NlWriter(arena.allocate(24));
        w.beginMessage(1, 0, 1).nfgenmsg(0, 0);
        assertThatThrownBy(() -> w.be32(1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot take 8 more bytes at offset 20");
    }

    @Test
    void cursorWalksSeveralMessagesInOneDatagram() throws Exception {
        MemorySegment d = Hex.segment(arena, """
                14 00 00 00  03 00 02 00  01 00 00 00  00 00 00 00   // NLMSG_DONE len 20, NLM_F_MULTI, seq 1
                00 00 00 00                                          // its error code 0
                10 00 00 00  01 00 00 00  02 00 00 00  09 00 00 00   // NLMSG_NOOP len 16, seq 2, pid 9
                """);
        NlCursor c = new NlCursor().reset(d, 0, d.byteSize());
        List<String> seen = new ArrayList<>();
        while (c.next()) {
            seen.add(c.type() + "/" + c.length() + "/" + c.seq() + "/" + c.pid() + "/" + c.payloadLength());
        }
        assertThat(seen).containsExactly("3/20/1/0/4", "1/16/2/9/0");
    }

    static Stream<Arguments> malformedDatagrams() {
        return Stream.of(
                arguments("cut inside the header", "14 00 00 00 03 00",
                        "netlink message at offset 0: 6 bytes left, a header needs 16"),
                arguments("nlmsg_len smaller than the header", "08 00 00 00 03 00 00 00 00 00 00 00 00 00 00 00",
                        "nlmsg_len 8 is smaller than its header (16)"),
                arguments("nlmsg_len beyond the bytes received", "40 00 00 00 03 00 00 00 00 00 00 00 00 00 00 00",
                        "nlmsg_len 64 exceeds the 16 bytes received"),
                arguments("nlmsg_len with the top bit set", "00 00 00 80 03 00 00 00 00 00 00 00 00 00 00 00",
                        "nlmsg_len 2147483648 exceeds the 16 bytes received"),
                arguments("a second message cut short", """
                        10 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00   // a complete NOOP
                        10 00 00 00 01 00                                 // then 6 stray bytes
                        """, "netlink message at offset 16: 6 bytes left"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedDatagrams")
    void cursorRejectsMalformedDatagrams(String name, String fixture, String error) {
        MemorySegment d = Hex.segment(arena, fixture);
        NlCursor c = new NlCursor().reset(d, 0, d.byteSize());
        assertThatThrownBy(() -> {
            while (c.next()) {
                continue;
            }
        }).isInstanceOf(NlDecodeException.class).hasMessageContaining(error);
    }

    @Test
    void attributesAreIndexedByTypeAndReadInNetworkOrder() throws Exception {
        MemorySegment d = Hex.segment(arena, """
                08 00 01 00  00 00 01 00    // type 1: be32 256
                06 00 02 40  1f 90 00 00    // type 2 with NLA_F_NET_BYTEORDER: be16 8080, padded
                0c 00 03 00  00 00 00 00 00 00 00 2a   // type 3: be64 42
                08 00 63 00  ff ff ff ff    // type 99: above maxType, skipped
                """);
        NlAttrs a = new NlAttrs("test", 5, null, "ONE", "TWO", "THREE").parse(d, 0, d.byteSize());
        assertThat(a.be32(1)).isEqualTo(256);
        assertThat(a.be16(2)).isEqualTo(8080);
        assertThat(a.be64(3)).isEqualTo(42);
        assertThat(a.has(4)).isFalse();
        assertThat(a.be32Or(4, -7)).isEqualTo(-7);
        assertThatThrownBy(() -> a.be64(1)).isInstanceOf(NlDecodeException.class)
                .hasMessage("test: attribute ONE (1) has 4 bytes, needs 8");
        assertThatThrownBy(() -> a.u8(4)).isInstanceOf(NlDecodeException.class)
                .hasMessage("test: attribute type 4 is missing");
    }

    static Stream<Arguments> malformedAttributes() {
        return Stream.of(
                arguments("stray bytes after the last attribute", "08 00 01 00 00 00 00 01  00 00",
                        "test: 2 stray bytes at offset 8, an attribute header needs 4"),
                arguments("nla_len smaller than its header", "02 00 01 00",
                        "test: attribute ONE (1) at offset 0: nla_len 2 is smaller than its header (4)"),
                arguments("nla_len beyond the region", "10 00 02 00 00 00 00 01",
                        "test: attribute TWO (2) at offset 0: nla_len 16 exceeds the 8 bytes left"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedAttributes")
    void attributesWithLyingLengthsAreRejected(String name, String fixture, String error) {
        MemorySegment d = Hex.segment(arena, fixture);
        NlAttrs a = new NlAttrs("test", 5, null, "ONE", "TWO");
        assertThatThrownBy(() -> a.parse(d, 0, d.byteSize())).isInstanceOf(NlDecodeException.class).hasMessage(error);
    }

    @Test
    void errnoNamesAreReadable() {
        assertThat(Errno.describe(-1)).isEqualTo("EPERM (Operation not permitted)");
        assertThat(Errno.describe(95)).isEqualTo("EOPNOTSUPP (Operation not supported)");
        assertThat(Errno.describe(4000)).isEqualTo("errno 4000");
        assertThat(new NetlinkException("binding queue 0", -1, "hint").getMessage())
                .isEqualTo("binding queue 0: EPERM (Operation not permitted) - hint");
    }
}
