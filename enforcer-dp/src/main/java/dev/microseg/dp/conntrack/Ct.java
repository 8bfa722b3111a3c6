package dev.microseg.dp.conntrack;

/**
 * ctnetlink wire constants, from {@code linux/netfilter/nfnetlink_conntrack.h} and
 * {@code linux/netfilter/nfnetlink.h}.
 */
final class Ct {
    static final int NFNL_SUBSYS_CTNETLINK = 1;

    static final int MSG_NEW = 0;
    static final int MSG_GET = 1;
    static final int MSG_DELETE = 2;

    static final int CTA_TUPLE_ORIG = 1;
    static final int CTA_TUPLE_REPLY = 2;
    static final int CTA_STATUS = 3;
    static final int CTA_TIMEOUT = 7;
    static final int CTA_MARK = 8;
    static final int CTA_COUNTERS_ORIG = 9;
    static final int CTA_COUNTERS_REPLY = 10;
    static final int CTA_ID = 12;
    static final int CTA_ZONE = 18;
    static final int CTA_MARK_MASK = 21;
    static final int CTA_MAX = 26;
    static final String[] CTA_NAMES = {null, "CTA_TUPLE_ORIG", "CTA_TUPLE_REPLY", "CTA_STATUS", "CTA_PROTOINFO",
        "CTA_HELP", "CTA_NAT_SRC", "CTA_TIMEOUT", "CTA_MARK", "CTA_COUNTERS_ORIG", "CTA_COUNTERS_REPLY", "CTA_USE",
        "CTA_ID", "CTA_NAT_DST", "CTA_TUPLE_MASTER", "CTA_SEQ_ADJ_ORIG", "CTA_SEQ_ADJ_REPLY", "CTA_SECMARK",
        "CTA_ZONE", "CTA_SECCTX", "CTA_TIMESTAMP", "CTA_MARK_MASK", "CTA_LABELS", "CTA_LABELS_MASK",
        "CTA_SYNPROXY", "CTA_FILTER", "CTA_STATUS_MASK"};

    static final int CTA_TUPLE_IP = 1;
    static final int CTA_TUPLE_PROTO = 2;
    static final int CTA_TUPLE_MAX = 3;
    static final String[] TUPLE_NAMES = {null, "CTA_TUPLE_IP", "CTA_TUPLE_PROTO", "CTA_TUPLE_ZONE"};

    static final int CTA_IP_V4_SRC = 1;
    static final int CTA_IP_V4_DST = 2;
    static final int CTA_IP_V6_SRC = 3;
    static final int CTA_IP_V6_DST = 4;
    static final int CTA_IP_MAX = 4;
    static final String[] IP_NAMES = {null, "CTA_IP_V4_SRC", "CTA_IP_V4_DST", "CTA_IP_V6_SRC", "CTA_IP_V6_DST"};

    static final int CTA_PROTO_NUM = 1;
    static final int CTA_PROTO_SRC_PORT = 2;
    static final int CTA_PROTO_DST_PORT = 3;
    static final int CTA_PROTO_ICMP_ID = 4;
    static final int CTA_PROTO_ICMP_TYPE = 5;
    static final int CTA_PROTO_ICMP_CODE = 6;
    static final int CTA_PROTO_ICMPV6_ID = 7;
    static final int CTA_PROTO_ICMPV6_TYPE = 8;
    static final int CTA_PROTO_ICMPV6_CODE = 9;
    static final int CTA_PROTO_MAX = 9;
    static final String[] PROTO_NAMES = {null, "CTA_PROTO_NUM", "CTA_PROTO_SRC_PORT", "CTA_PROTO_DST_PORT",
        "CTA_PROTO_ICMP_ID", "CTA_PROTO_ICMP_TYPE", "CTA_PROTO_ICMP_CODE", "CTA_PROTO_ICMPV6_ID",
        "CTA_PROTO_ICMPV6_TYPE", "CTA_PROTO_ICMPV6_CODE"};

    static final int CTA_COUNTERS_PACKETS = 1;
    static final int CTA_COUNTERS_BYTES = 2;
    static final int CTA_COUNTERS32_PACKETS = 3;
    static final int CTA_COUNTERS32_BYTES = 4;
    static final int CTA_COUNTERS_MAX = 5;
    static final String[] COUNTER_NAMES = {null, "CTA_COUNTERS_PACKETS", "CTA_COUNTERS_BYTES",
        "CTA_COUNTERS32_PACKETS", "CTA_COUNTERS32_BYTES", "CTA_COUNTERS_PAD"};

    static final int NFNLGRP_CONNTRACK_NEW = 1;
    static final int NFNLGRP_CONNTRACK_UPDATE = 2;
    static final int NFNLGRP_CONNTRACK_DESTROY = 3;

    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_ICMPV6 = 58;

    private Ct() {
    }
}
