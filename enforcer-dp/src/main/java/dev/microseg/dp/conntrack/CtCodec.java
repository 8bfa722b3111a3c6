package dev.microseg.dp.conntrack;

import dev.microseg.dp.netlink.Libc;
import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netlink.NlAttrs;
import dev.microseg.dp.netlink.NlCursor;
import dev.microseg.dp.netlink.NlDecodeException;
import dev.microseg.dp.netlink.NlWriter;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Encodes ctnetlink requests and decodes conntrack entries
 * ({@code net/netfilter/nf_conntrack_netlink.c}): a tuple is CTA_TUPLE_IP (addresses) plus
 * CTA_TUPLE_PROTO (number, ports or ICMP id/type/code), all nested; numbers are in network
 * order. One instance per thread (it reuses its attribute indexes).
 */
final class CtCodec {
    static final int NEW_TYPE = Nl.nfnlType(Ct.NFNL_SUBSYS_CTNETLINK, Ct.MSG_NEW);
    static final int GET_TYPE = Nl.nfnlType(Ct.NFNL_SUBSYS_CTNETLINK, Ct.MSG_GET);
    static final int DELETE_TYPE = Nl.nfnlType(Ct.NFNL_SUBSYS_CTNETLINK, Ct.MSG_DELETE);

    private final NlAttrs top = new NlAttrs("conntrack entry", Ct.CTA_MAX, Ct.CTA_NAMES);
    private final NlAttrs tuple = new NlAttrs("conntrack tuple", Ct.CTA_TUPLE_MAX, Ct.TUPLE_NAMES);
    private final NlAttrs ip = new NlAttrs("conntrack tuple address", Ct.CTA_IP_MAX, Ct.IP_NAMES);
    private final NlAttrs proto = new NlAttrs("conntrack tuple protocol", Ct.CTA_PROTO_MAX, Ct.PROTO_NAMES);
    private final NlAttrs counters = new NlAttrs("conntrack counters", Ct.CTA_COUNTERS_MAX, Ct.COUNTER_NAMES);

    /** Writes {@code t} as nested attribute {@code type} (CTA_TUPLE_ORIG or CTA_TUPLE_REPLY). */
    static void writeTuple(NlWriter w, int type, ConntrackTuple t) {
        w.beginNested(type);
        w.beginNested(Ct.CTA_TUPLE_IP);
        w.address(t.isIpv6() ? Ct.CTA_IP_V6_SRC : Ct.CTA_IP_V4_SRC, t.source());
        w.address(t.isIpv6() ? Ct.CTA_IP_V6_DST : Ct.CTA_IP_V4_DST, t.destination());
        w.endNested();
        w.beginNested(Ct.CTA_TUPLE_PROTO);
        w.u8(Ct.CTA_PROTO_NUM, t.protocol());
        switch (t.l4()) {
            case ConntrackTuple.Ports p -> {
                w.be16(Ct.CTA_PROTO_SRC_PORT, p.source());
                w.be16(Ct.CTA_PROTO_DST_PORT, p.destination());
            }
            case ConntrackTuple.Icmp i -> {
                boolean v6 = t.isIpv6();
                w.be16(v6 ? Ct.CTA_PROTO_ICMPV6_ID : Ct.CTA_PROTO_ICMP_ID, i.id());
                w.u8(v6 ? Ct.CTA_PROTO_ICMPV6_TYPE : Ct.CTA_PROTO_ICMP_TYPE, i.type());
                w.u8(v6 ? Ct.CTA_PROTO_ICMPV6_CODE : Ct.CTA_PROTO_ICMP_CODE, i.code());
            }
            case ConntrackTuple.NoL4 n -> {
            }
        }
        w.endNested();
        w.endNested();
    }

    /** IPCTNL_MSG_CT_GET for one entry, keyed by its original tuple. */
    static void encodeGet(NlWriter w, int seq, ConntrackTuple t) {
        w.beginMessage(GET_TYPE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq).nfgenmsg(t.family(), 0);
        writeTuple(w, Ct.CTA_TUPLE_ORIG, t);
        w.endMessage();
    }

    /**
     * IPCTNL_MSG_CT_NEW without NLM_F_CREATE: updates an existing entry only. With CTA_MARK_MASK
     * the kernel computes {@code (ctmark & ~mask) ^ mark} (ctnetlink_change_mark), leaving bits
     * outside the mask to their other owners.
     */
    static void encodeSetMark(NlWriter w, int seq, ConntrackTuple t, int mark, int mask) {
        w.beginMessage(NEW_TYPE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq).nfgenmsg(t.family(), 0);
        writeTuple(w, Ct.CTA_TUPLE_ORIG, t);
        w.be32(Ct.CTA_MARK, mark & mask);
        w.be32(Ct.CTA_MARK_MASK, mask);
        w.endMessage();
    }

    static void encodeDelete(NlWriter w, int seq, ConntrackTuple t) {
        w.beginMessage(DELETE_TYPE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, seq).nfgenmsg(t.family(), 0);
        writeTuple(w, Ct.CTA_TUPLE_ORIG, t);
        w.endMessage();
    }

    /** A dump of every entry (both families) whose {@code ctmark & mask == mark}, filtered by the kernel. */
    static void encodeDumpByMark(NlWriter w, int seq, int mark, int mask) {
        w.beginMessage(GET_TYPE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq).nfgenmsg(Libc.AF_UNSPEC, 0);
        w.be32(Ct.CTA_MARK, mark);
        w.be32(Ct.CTA_MARK_MASK, mask);
        w.endMessage();
    }

    /** Decodes the entry in the current message (IPCTNL_MSG_CT_NEW or _DELETE). */
    ConntrackEntry decodeEntry(NlCursor msg) throws NlDecodeException {
        if (msg.payloadLength() < Nl.NFGENMSG_LEN) {
            throw new NlDecodeException("conntrack entry: " + msg.payloadLength()
                    + " payload bytes, the nfgenmsg header needs " + Nl.NFGENMSG_LEN);
        }
        MemorySegment b = msg.buffer();
        int family = Nl.u8(b, msg.payloadOffset());
        top.parse(b, msg.payloadOffset() + Nl.NFGENMSG_LEN, msg.messageEnd());
        ConntrackTuple orig = readTuple(Ct.CTA_TUPLE_ORIG, family);
        ConntrackTuple reply = readTuple(Ct.CTA_TUPLE_REPLY, family);
        int mark = top.be32Or(Ct.CTA_MARK, 0);
        int status = top.be32Or(Ct.CTA_STATUS, 0);
        long id = Integer.toUnsignedLong(top.be32Or(Ct.CTA_ID, 0));
        int timeout = top.has(Ct.CTA_TIMEOUT) ? top.be32(Ct.CTA_TIMEOUT) : -1;
        Optional<ConntrackCounters> origCounters = readCounters(Ct.CTA_COUNTERS_ORIG);
        Optional<ConntrackCounters> replyCounters = readCounters(Ct.CTA_COUNTERS_REPLY);
        return new ConntrackEntry(orig, reply, mark, status, id, timeout, origCounters, replyCounters);
    }

    private ConntrackTuple readTuple(int type, int family) throws NlDecodeException {
        top.nested(type, tuple);
        tuple.nested(Ct.CTA_TUPLE_IP, ip);
        InetAddress src;
        InetAddress dst;
        if (ip.has(Ct.CTA_IP_V4_SRC) || family == Libc.AF_INET) {
            src = address(ip, Ct.CTA_IP_V4_SRC, 4);
            dst = address(ip, Ct.CTA_IP_V4_DST, 4);
        } else {
            src = address(ip, Ct.CTA_IP_V6_SRC, 16);
            dst = address(ip, Ct.CTA_IP_V6_DST, 16);
        }
        tuple.nested(Ct.CTA_TUPLE_PROTO, proto);
        int num = proto.u8(Ct.CTA_PROTO_NUM);
        ConntrackTuple.L4 l4;
        if (proto.has(Ct.CTA_PROTO_SRC_PORT)) {
            l4 = new ConntrackTuple.Ports(proto.be16(Ct.CTA_PROTO_SRC_PORT), proto.be16(Ct.CTA_PROTO_DST_PORT));
        } else if (proto.has(Ct.CTA_PROTO_ICMP_TYPE)) {
            l4 = new ConntrackTuple.Icmp(proto.be16(Ct.CTA_PROTO_ICMP_ID), proto.u8(Ct.CTA_PROTO_ICMP_TYPE),
                    proto.u8(Ct.CTA_PROTO_ICMP_CODE));
        } else if (proto.has(Ct.CTA_PROTO_ICMPV6_TYPE)) {
            l4 = new ConntrackTuple.Icmp(proto.be16(Ct.CTA_PROTO_ICMPV6_ID), proto.u8(Ct.CTA_PROTO_ICMPV6_TYPE),
                    proto.u8(Ct.CTA_PROTO_ICMPV6_CODE));
        } else {
            l4 = new ConntrackTuple.NoL4();
        }
        return new ConntrackTuple(src, dst, num, l4);
    }

    private static InetAddress address(NlAttrs attrs, int type, int size) throws NlDecodeException {
        attrs.require(type, size);
        if (attrs.length(type) != size) {
            throw new NlDecodeException("conntrack tuple address: attribute " + attrs.name(type) + " has "
                    + attrs.length(type) + " bytes, expected " + size);
        }
        try {
            return InetAddress.getByAddress(attrs.bytes(type));
        } catch (UnknownHostException e) {
            throw new NlDecodeException("conntrack tuple address: " + e.getMessage());
        }
    }

    private Optional<ConntrackCounters> readCounters(int type) throws NlDecodeException {
        if (!top.has(type)) {
            return Optional.empty();
        }
        top.nested(type, counters);
        long packets = counters.has(Ct.CTA_COUNTERS_PACKETS) ? counters.be64(Ct.CTA_COUNTERS_PACKETS)
                : Integer.toUnsignedLong(counters.be32(Ct.CTA_COUNTERS32_PACKETS));
        long bytes = counters.has(Ct.CTA_COUNTERS_BYTES) ? counters.be64(Ct.CTA_COUNTERS_BYTES)
                : Integer.toUnsignedLong(counters.be32(Ct.CTA_COUNTERS32_BYTES));
        return Optional.of(new ConntrackCounters(packets, bytes));
    }
}
