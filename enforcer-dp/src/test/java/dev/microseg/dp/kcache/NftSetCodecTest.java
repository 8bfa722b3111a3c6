package dev.microseg.dp.kcache;

import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.netlink.NlWriter;
import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.testing.Hex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The nf_tables set element messages byte for byte (header fields host order: little-endian
 * fixtures). The key layout was read from {@code nft --debug=netlink add element} on the kernel
 * here; {@code KernelAllowCacheE2ETest} shows the kernel takes these messages.
 */
class NftSetCodecTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private static AllowKey key(int proto, String src, String dst, int port) {
        long[] s = Addresses.parse(src);
        long[] d = Addresses.parse(dst);
        return new AllowKey(proto, s[0], s[1], d[0], d[1], port, 1);
    }

    static Stream<Arguments> keys() {
        return Stream.of(
                arguments(key(6, "10.0.0.1", "10.0.0.2", 80), "0a000001 0a000002 06000000 00500000"),
                arguments(key(17, "10.65.0.3", "192.168.1.254", 53), "0a410003 c0a801fe 11000000 00350000"),
                arguments(key(6, "10.0.0.1", "10.0.0.2", 65535), "0a000001 0a000002 06000000 ffff0000"),
                arguments(key(6, "fd00::1", "fd00::2", 443),
                        "fd000000000000000000000000000001 fd000000000000000000000000000002 06000000 01bb0000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void keyIsEachFieldInNetworkOrderPaddedToFourBytes(AllowKey k, String hex) {
        assertThat(java.util.HexFormat.of().formatHex(NftSetCodec.key(k))).isEqualTo(hex.replace(" ", ""));
    }

    @Test
    void addIsOneBatchWithTheElementsAndTheirTimeout() {
        NlWriter w = new NlWriter(arena.allocate(512));
        NftSetCodec.encodeAdd(w, 7, "t", "allow4", List.of(key(6, "10.0.0.1", "10.0.0.2", 80)), 60_000);
        assertThat(Hex.of(w.segment(), w.position())).isEqualTo(Hex.of(Hex.segment(arena, """
                14 00 00 00  10 00  01 00  07 00 00 00  00 00 00 00   // NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq 7
                00 00 00 0a                                         // AF_UNSPEC, v0, res_id NFNL_SUBSYS_NFTABLES
                54 00 00 00  0c 0a  05 04  07 00 00 00  00 00 00 00   // NEWSETELEM, REQUEST|ACK|CREATE, same seq
                01 00 00 00                                         // NFPROTO_INET
                06 00 01 00  74 00 00 00                            // NFTA_SET_ELEM_LIST_TABLE "t"
                0b 00 02 00  61 6c 6c 6f 77 34 00 00                // NFTA_SET_ELEM_LIST_SET "allow4"
                2c 00 03 80                                         // NFTA_SET_ELEM_LIST_ELEMENTS (nested)
                28 00 01 80                                         //  NFTA_LIST_ELEM
                18 00 01 80                                         //   NFTA_SET_ELEM_KEY
                14 00 01 00                                         //    NFTA_DATA_VALUE, 16 bytes
                0a 00 00 01  0a 00 00 02  06 00 00 00  00 50 00 00
                0c 00 04 00  00 00 00 00 00 00 ea 60                //   NFTA_SET_ELEM_TIMEOUT 60000 ms
                14 00 00 00  11 00  01 00  07 00 00 00  00 00 00 00   // NFNL_MSG_BATCH_END
                00 00 00 0a
                """), w.position()));
    }

    @Test
    void flushIsADelsetelemWithoutElements() {
        NlWriter w = new NlWriter(arena.allocate(256));
        NftSetCodec.encodeFlush(w, 9, "t", "allow6");
        assertThat(Hex.of(w.segment(), w.position())).isEqualTo(Hex.of(Hex.segment(arena, """
                14 00 00 00  10 00  01 00  09 00 00 00  00 00 00 00  00 00 00 0a
                28 00 00 00  0e 0a  05 00  09 00 00 00  00 00 00 00   // DELSETELEM, REQUEST|ACK
                01 00 00 00
                06 00 01 00  74 00 00 00
                0b 00 02 00  61 6c 6c 6f 77 36 00 00
                14 00 00 00  11 00  01 00  09 00 00 00  00 00 00 00  00 00 00 0a
                """), w.position()));
    }

    @Test
    void aBatchOfTheLargestSizeFitsTheRequestBuffer() {
        int bytes = 3 * 20 + 16 + 8 + 12 + 4 + KernelAllowCache.MAX_BATCH * NftSetCodec.elementBytes(NftSetCodec.KEY6_LEN);
        assertThat(bytes).isLessThan(dev.microseg.dp.netlink.NetlinkSocket.REQUEST_BUFFER);
        NlWriter w = new NlWriter(arena.allocate(dev.microseg.dp.netlink.NetlinkSocket.REQUEST_BUFFER));
        List<AllowKey> many = Stream.iterate(1, i -> i + 1).limit(KernelAllowCache.MAX_BATCH)
                .map(i -> key(6, "fd00::1", "fd00::2", i)).toList();
        NftSetCodec.encodeAdd(w, 1, "microseg_dp_kcache", NftAllowTable.SET6, many, 60_000);
        assertThat(w.position()).isLessThanOrEqualTo(bytes + 64);
    }

    @Test
    void keysRefuseWhatTheSetCannotHold() {
        assertThatThrownBy(() -> key(1, "10.0.0.1", "10.0.0.2", 0)).hasMessageContaining("TCP or UDP");
        assertThatThrownBy(() -> key(6, "10.0.0.1", "fd00::2", 80)).hasMessageContaining("mixes");
        assertThatThrownBy(() -> key(6, "10.0.0.1", "10.0.0.2", 70000)).hasMessageContaining("port");
    }

    @Test
    void theTableLooksUpNewConnectionsBeforeTheIptablesChainAndSetsTheAcceptMark() {
        String s = NftAllowTable.installScript("microseg_dp_kcache", MarkBits.DEFAULT);
        assertThat(s).startsWith("table inet microseg_dp_kcache {}\ndelete table inet microseg_dp_kcache\n")
                .contains("set allow4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags timeout; timeout 60s; size 65536; }")
                .contains("chain forward { type filter hook forward priority -10; policy accept;")
                .contains("chain input {").contains("chain output {")
                .contains("ct state new ip saddr . ip daddr . meta l4proto . th dport @allow4 "
                        + "meta mark set meta mark & 0xf3ffffff | 0x4000000")
                .as("a lookup only: a dynset update could re-insert a key a flush just removed").doesNotContain("update @")
                .contains("ct state new ip6 saddr . ip6 daddr . meta l4proto . th dport @allow6");
        assertThat(NftAllowTable.tableName("MICROSEG-DP")).isEqualTo("microseg_dp_kcache");
    }
}
