package dev.microseg.dp.netlink;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Netlink framing constants and bounds-unchecked primitive readers ({@code linux/netlink.h},
 * RFC 3549). Callers check bounds first ({@link NlCursor}, {@link NlAttrs}); these readers only
 * fix the byte order: netlink headers are in host order, netfilter payloads in network order.
 */
public final class Nl {
    /** sizeof(struct nlmsghdr): len u32, type u16, flags u16, seq u32, pid u32. */
    public static final int NLMSG_HDRLEN = 16;
    /** sizeof(struct nlattr): len u16, type u16. */
    public static final int NLA_HDRLEN = 4;
    /** sizeof(struct nfgenmsg): family u8, version u8, res_id be16 ({@code linux/netfilter/nfnetlink.h}). */
    public static final int NFGENMSG_LEN = 4;
    /** NFNETLINK_V0, the only nfgenmsg version. */
    public static final int NFNETLINK_V0 = 0;

    public static final int NETLINK_NETFILTER = 12;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    /** In an NLMSG_ERROR: the original payload was not echoed (NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR: extended-ack TLVs follow the echoed request. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    /** Extended ack TLV carrying the kernel's human-readable error string. */
    public static final int NLMSGERR_ATTR_MSG = 1;

    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    private static final ValueLayout.OfInt HOST_INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort HOST_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Nl() {
    }

    /** NLMSG_ALIGN / NLA_ALIGN: round up to 4 bytes. */
    public static int align(int len) {
        return (len + 3) & ~3;
    }

    public static long align(long len) {
        return (len + 3) & ~3L;
    }

    /** nfnetlink message type: subsystem in the high byte, message in the low byte. */
    public static int nfnlType(int subsystem, int message) {
        return (subsystem << 8) | message;
    }

    public static int hostU32(MemorySegment s, long off) {
        return s.get(HOST_INT, off);
    }

    public static int hostU16(MemorySegment s, long off) {
        return Short.toUnsignedInt(s.get(HOST_SHORT, off));
    }

    public static void putHostU32(MemorySegment s, long off, int v) {
        s.set(HOST_INT, off, v);
    }

    public static void putHostU16(MemorySegment s, long off, int v) {
        s.set(HOST_SHORT, off, (short) v);
    }

    public static int u8(MemorySegment s, long off) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, off));
    }

    public static int be16(MemorySegment s, long off) {
        return Short.toUnsignedInt(s.get(BE_SHORT, off));
    }

    public static int be32(MemorySegment s, long off) {
        return s.get(BE_INT, off);
    }

    public static long be64(MemorySegment s, long off) {
        return s.get(BE_LONG, off);
    }

    public static void putBe16(MemorySegment s, long off, int v) {
        s.set(BE_SHORT, off, (short) v);
    }

    public static void putBe32(MemorySegment s, long off, int v) {
        s.set(BE_INT, off, v);
    }

    public static void putBe64(MemorySegment s, long off, long v) {
        s.set(BE_LONG, off, v);
    }

    public static void putU8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }
}
