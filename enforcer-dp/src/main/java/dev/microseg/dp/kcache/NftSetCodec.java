package dev.microseg.dp.kcache;

import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netlink.NlWriter;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * nf_tables set element messages, hand-written (uapi {@code linux/netfilter/nf_tables.h},
 * {@code linux/netfilter/nfnetlink.h}): adding elements with a timeout ({@code NFT_MSG_NEWSETELEM})
 * and emptying a set ({@code NFT_MSG_DELSETELEM} without an element list, what {@code nft flush set}
 * sends). nf_tables takes changes only inside a batch: {@code NFNL_MSG_BATCH_BEGIN}, the messages,
 * {@code NFNL_MSG_BATCH_END}, all in one datagram, applied as one transaction. Every message of a
 * batch carries the same sequence number and only the set message asks for an ack, so the one
 * answer (ack or error) matches the request's first header, as {@code NetlinkSocket#transact}
 * expects.
 *
 * <p>Key layout of a concatenation ({@code ipv4_addr . ipv4_addr . inet_proto . inet_service}):
 * each field in network order, padded to 4 bytes (nft's {@code NFT_REG32_SIZE} registers): 4+4+4+4
 * bytes for IPv4, 16+16+4+4 for IPv6. Checked against {@code nft --debug=netlink} on the kernel here.
 */
public final class NftSetCodec {
    public static final int NFNL_SUBSYS_NFTABLES = 10;
    public static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    public static final int NFNL_MSG_BATCH_END = 0x11;
    public static final int NFT_MSG_NEWSETELEM = 12;
    public static final int NFT_MSG_DELSETELEM = 14;
    public static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    public static final int NFTA_SET_ELEM_LIST_SET = 2;
    public static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    public static final int NFTA_LIST_ELEM = 1;
    public static final int NFTA_SET_ELEM_KEY = 1;
    public static final int NFTA_SET_ELEM_TIMEOUT = 4;
    public static final int NFTA_DATA_VALUE = 1;
    public static final int NFPROTO_INET = 1;
    private static final int AF_UNSPEC = 0;
    /** Bytes of one IPv4 / IPv6 key. */
    public static final int KEY4_LEN = 16;
    public static final int KEY6_LEN = 40;

    private NftSetCodec() {
    }

    /** A batch adding {@code keys} (all of one family, matching {@code set}) with {@code timeoutMs} each. */
    public static void encodeAdd(NlWriter w, int seq, String table, String set, Collection<AllowKey> keys, long timeoutMs) {
        batchBegin(w, seq);
        w.beginMessage(Nl.nfnlType(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWSETELEM),
                Nl.NLM_F_REQUEST | Nl.NLM_F_CREATE | Nl.NLM_F_ACK, seq).nfgenmsg(NFPROTO_INET, 0);
        string(w, NFTA_SET_ELEM_LIST_TABLE, table);
        string(w, NFTA_SET_ELEM_LIST_SET, set);
        w.beginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
        for (AllowKey k : keys) {
            w.beginNested(NFTA_LIST_ELEM);
            w.beginNested(NFTA_SET_ELEM_KEY).bytes(NFTA_DATA_VALUE, key(k)).endNested();
            w.be64(NFTA_SET_ELEM_TIMEOUT, timeoutMs);
            w.endNested();
        }
        w.endNested();
        w.endMessage();
        batchEnd(w, seq);
    }

    /** A batch emptying {@code set}. */
    public static void encodeFlush(NlWriter w, int seq, String table, String set) {
        batchBegin(w, seq);
        w.beginMessage(Nl.nfnlType(NFNL_SUBSYS_NFTABLES, NFT_MSG_DELSETELEM), Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq)
                .nfgenmsg(NFPROTO_INET, 0);
        string(w, NFTA_SET_ELEM_LIST_TABLE, table);
        string(w, NFTA_SET_ELEM_LIST_SET, set);
        w.endMessage();
        batchEnd(w, seq);
    }

    /** The key bytes: source, destination, protocol, port, each in network order padded to 4 bytes. */
    public static byte[] key(AllowKey k) {
        boolean v6 = k.ipv6();
        byte[] b = new byte[v6 ? KEY6_LEN : KEY4_LEN];
        int p = v6 ? address6(b, 0, k.srcHi(), k.srcLo()) : address4(b, 0, k.srcLo());
        p = v6 ? address6(b, p, k.dstHi(), k.dstLo()) : address4(b, p, k.dstLo());
        b[p] = (byte) k.protocol();
        p += 4;
        b[p] = (byte) (k.port() >>> 8);
        b[p + 1] = (byte) k.port();
        return b;
    }

    /** Bytes one element of {@code keyLen} takes in a message: for sizing batches. */
    public static int elementBytes(int keyLen) {
        return 3 * Nl.NLA_HDRLEN + Nl.align(Nl.NLA_HDRLEN + keyLen) + Nl.NLA_HDRLEN + 8;
    }

    private static int address4(byte[] b, int p, long lo) {
        for (int i = 0; i < 4; i++) {
            b[p + i] = (byte) (lo >>> (24 - 8 * i));
        }
        return p + 4;
    }

    private static int address6(byte[] b, int p, long hi, long lo) {
        for (int i = 0; i < 8; i++) {
            b[p + i] = (byte) (hi >>> (56 - 8 * i));
            b[p + 8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return p + 16;
    }

    private static void batchBegin(NlWriter w, int seq) {
        w.beginMessage(NFNL_MSG_BATCH_BEGIN, Nl.NLM_F_REQUEST, seq).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES).endMessage();
    }

    private static void batchEnd(NlWriter w, int seq) {
        w.beginMessage(NFNL_MSG_BATCH_END, Nl.NLM_F_REQUEST, seq).nfgenmsg(AF_UNSPEC, NFNL_SUBSYS_NFTABLES).endMessage();
    }

    private static void string(NlWriter w, int type, String s) {
        byte[] raw = s.getBytes(StandardCharsets.US_ASCII);
        byte[] z = new byte[raw.length + 1];
        System.arraycopy(raw, 0, z, 0, raw.length);
        w.bytes(type, z);
    }
}
