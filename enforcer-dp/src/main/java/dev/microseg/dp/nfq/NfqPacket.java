package dev.microseg.dp.nfq;

import java.lang.foreign.MemorySegment;

/**
 * A queued packet as the kernel described it in an {@code NFQNL_MSG_PACKET}: a zero-copy
 * flyweight over the receive buffer, refilled for every packet (valid only during
 * {@link PacketHandler#onPacket}).
 *
 * <p>The payload starts at the network header (IPv4/IPv6; {@link #hwProtocol()} says which) and
 * holds at most the queue's copy range; {@link #originalLength()} is the packet's real length
 * (NFQA_CAP_LEN when truncated). With {@code NFQA_CFG_F_GSO} a packet can be a GSO super-packet
 * larger than the MTU whose checksums are not computed yet ({@link #checksumNotReady()}).
 */
public final class NfqPacket {
    public static final int HOOK_PRE_ROUTING = 0;
    public static final int HOOK_LOCAL_IN = 1;
    public static final int HOOK_FORWARD = 2;
    public static final int HOOK_LOCAL_OUT = 3;
    public static final int HOOK_POST_ROUTING = 4;
    /** ETH_P_IP, ETH_P_IPV6: values of {@link #hwProtocol()}. */
    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_IPV6 = 0x86dd;

    int queue;
    int id;
    int hwProtocol;
    int hook;
    int mark;
    int inInterface;
    int outInterface;
    int skbInfo;
    int originalLength;
    MemorySegment buffer = MemorySegment.NULL;
    long payloadOffset;
    int payloadLength;

    void clear() {
        id = 0;
        hwProtocol = 0;
        hook = 0;
        mark = 0;
        inInterface = 0;
        outInterface = 0;
        skbInfo = 0;
        originalLength = 0;
        payloadOffset = 0;
        payloadLength = 0;
    }

    /** The queue number this packet came from. */
    public int queue() {
        return queue;
    }

    /** The kernel's packet id: the handle for the verdict. */
    public int id() {
        return id;
    }

    /** Ethertype of the payload: {@link #ETH_P_IP} or {@link #ETH_P_IPV6} for IP hooks. */
    public int hwProtocol() {
        return hwProtocol;
    }

    /** Netfilter hook that queued the packet ({@link #HOOK_FORWARD}, ...). */
    public int hook() {
        return hook;
    }

    /** The packet mark (skb->mark) when queued; 0 when none. */
    public int mark() {
        return mark;
    }

    /** Input interface index, 0 when none (locally generated). */
    public int inInterface() {
        return inInterface;
    }

    /** Output interface index, 0 when not routed yet (INPUT hook). */
    public int outInterface() {
        return outInterface;
    }

    /** The receive buffer holding the payload; read it at {@link #payloadOffset()}. */
    public MemorySegment buffer() {
        return buffer;
    }

    public long payloadOffset() {
        return payloadOffset;
    }

    /** Bytes of payload copied to user space (at most the copy range). */
    public int payloadLength() {
        return payloadLength;
    }

    /** A slice over the payload. Allocates a small segment object; hot paths may prefer {@link #buffer()}. */
    public MemorySegment payload() {
        return buffer.asSlice(payloadOffset, payloadLength);
    }

    /** The packet's full length; larger than {@link #payloadLength()} when the copy was truncated. */
    public int originalLength() {
        return originalLength;
    }

    public boolean truncated() {
        return originalLength > payloadLength;
    }

    /** NFQA_SKB_CSUMNOTREADY: checksums are left to hardware/GSO; do not verify them. */
    public boolean checksumNotReady() {
        return (skbInfo & Nfq.NFQA_SKB_CSUMNOTREADY) != 0;
    }

    /** NFQA_SKB_GSO: a GSO super-packet (only with the GSO queue flag). */
    public boolean gso() {
        return (skbInfo & Nfq.NFQA_SKB_GSO) != 0;
    }

    /** NFQA_SKB_CSUM_NOTVERIFIED: the checksum was not verified by the kernel. */
    public boolean checksumNotVerified() {
        return (skbInfo & Nfq.NFQA_SKB_CSUM_NOTVERIFIED) != 0;
    }

    @Override
    public String toString() {
        return "NfqPacket[queue=" + queue + ", id=" + Integer.toUnsignedString(id) + ", hook=" + hook
                + ", proto=0x" + Integer.toHexString(hwProtocol) + ", mark=0x" + Integer.toHexString(mark)
                + ", in=" + inInterface + ", out=" + outInterface + ", payload=" + payloadLength
                + "/" + originalLength + ", skbInfo=" + skbInfo + "]";
    }
}
