package dev.microseg.dp.nfq;

/**
 * Wire constants of nfnetlink_queue, from {@code linux/netfilter/nfnetlink_queue.h},
 * {@code linux/netfilter/nfnetlink.h} and {@code linux/netfilter.h}.
 */
final class Nfq {
    static final int NFNL_SUBSYS_QUEUE = 3;

    static final int MSG_PACKET = 0;
    static final int MSG_VERDICT = 1;
    static final int MSG_CONFIG = 2;
    static final int MSG_VERDICT_BATCH = 3;

    static final int NFQA_PACKET_HDR = 1;
    static final int NFQA_VERDICT_HDR = 2;
    static final int NFQA_MARK = 3;
    static final int NFQA_TIMESTAMP = 4;
    static final int NFQA_IFINDEX_INDEV = 5;
    static final int NFQA_IFINDEX_OUTDEV = 6;
    static final int NFQA_IFINDEX_PHYSINDEV = 7;
    static final int NFQA_IFINDEX_PHYSOUTDEV = 8;
    static final int NFQA_HWADDR = 9;
    static final int NFQA_PAYLOAD = 10;
    static final int NFQA_CT = 11;
    static final int NFQA_CT_INFO = 12;
    static final int NFQA_CAP_LEN = 13;
    static final int NFQA_SKB_INFO = 14;
    static final int NFQA_MAX = 22;

    static final String[] NFQA_NAMES = {null, "NFQA_PACKET_HDR", "NFQA_VERDICT_HDR", "NFQA_MARK",
        "NFQA_TIMESTAMP", "NFQA_IFINDEX_INDEV", "NFQA_IFINDEX_OUTDEV", "NFQA_IFINDEX_PHYSINDEV",
        "NFQA_IFINDEX_PHYSOUTDEV", "NFQA_HWADDR", "NFQA_PAYLOAD", "NFQA_CT", "NFQA_CT_INFO",
        "NFQA_CAP_LEN", "NFQA_SKB_INFO"};

    /** struct nfqnl_msg_packet_hdr: be32 packet_id, be16 hw_protocol, u8 hook. */
    static final int PACKET_HDR_LEN = 7;

    static final int NFQA_CFG_CMD = 1;
    static final int NFQA_CFG_PARAMS = 2;
    static final int NFQA_CFG_QUEUE_MAXLEN = 3;
    static final int NFQA_CFG_MASK = 4;
    static final int NFQA_CFG_FLAGS = 5;

    static final int CFG_CMD_BIND = 1;
    static final int CFG_CMD_UNBIND = 2;

    static final int NFQA_CFG_F_FAIL_OPEN = 1;
    static final int NFQA_CFG_F_CONNTRACK = 2;
    static final int NFQA_CFG_F_GSO = 4;

    static final int NFQA_SKB_CSUMNOTREADY = 1;
    static final int NFQA_SKB_GSO = 2;
    static final int NFQA_SKB_CSUM_NOTVERIFIED = 4;

    /** NFQNL_MAX_COPY_RANGE: 0xffff minus the attribute header (nfnetlink_queue.c). */
    static final int MAX_COPY_RANGE = 65531;

    private Nfq() {
    }
}
