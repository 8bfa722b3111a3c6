package dev.microseg.dp.packet;

/**
 * Reusable, mutable result of {@link PacketDecoder#decode}: one instance per queue thread,
 * overwritten by every decode, so the packet path allocates nothing. Offsets are relative to
 * the start of the IP header. Addresses use the two-long form of {@link Addresses} (IPv4 as
 * IPv4-mapped IPv6).
 *
 * <p>Fields the packet did not carry are zero: ports outside TCP/UDP, TCP fields outside TCP,
 * ICMP fields outside ICMP/ICMPv6, and everything past the L3 header of a non-first fragment.
 */
public final class DecodedPacket {
    int ipVersion;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int ttl;
    int protocol;
    int packetLength;
    int capturedLength;
    int originalLength;

    boolean fragment;
    boolean moreFragments;
    int fragmentOffset;
    long fragmentId;
    int extHeaderCount;

    int l4Offset;
    boolean l4Decoded;
    int srcPort;
    int dstPort;
    int tcpFlags;
    long tcpSeq;
    long tcpAck;
    int tcpWindow;
    int tcpHeaderLength;
    int icmpType;
    int icmpCode;
    int icmpId;
    int icmpSeq;
    int payloadOffset;
    int payloadLength;

    boolean innerValid;
    int innerProtocol;
    long innerSrcHi;
    long innerSrcLo;
    long innerDstHi;
    long innerDstLo;
    int innerSrcPort;
    int innerDstPort;
    int innerIcmpId;

    /** TCP flag bits (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    void reset() {
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        ttl = protocol = packetLength = capturedLength = originalLength = 0;
        fragment = moreFragments = false;
        fragmentOffset = 0;
        fragmentId = 0;
        extHeaderCount = 0;
        l4Offset = 0;
        l4Decoded = false;
        srcPort = dstPort = tcpFlags = tcpWindow = tcpHeaderLength = 0;
        tcpSeq = tcpAck = 0;
        icmpType = icmpCode = icmpId = icmpSeq = 0;
        payloadOffset = payloadLength = 0;
        innerValid = false;
        innerProtocol = innerSrcPort = innerDstPort = innerIcmpId = 0;
        innerSrcHi = innerSrcLo = innerDstHi = innerDstLo = 0;
    }

    /** 4 or 6; 0 when the version nibble was not understood. */
    public int ipVersion() { return ipVersion; }
    public long srcHi() { return srcHi; }
    public long srcLo() { return srcLo; }
    public long dstHi() { return dstHi; }
    public long dstLo() { return dstLo; }
    /** IPv4 TTL or IPv6 hop limit. */
    public int ttl() { return ttl; }
    /** The upper-layer protocol after the extension-header chain (IANA number). */
    public int protocol() { return protocol; }
    /** The IP packet's length per its own header (IPv4 total length, IPv6 40 + payload length). */
    public int packetLength() { return packetLength; }
    public int capturedLength() { return capturedLength; }
    public int originalLength() { return originalLength; }
    /** True when the queue's copy range cut bytes of this packet. */
    public boolean captureTruncated() { return capturedLength < packetLength; }
    /** True for any fragment, first or not. */
    public boolean isFragment() { return fragment; }
    /** True for a fragment other than the first: it carries no L4 header and no ports. */
    public boolean isLaterFragment() { return fragment && fragmentOffset != 0; }
    public boolean moreFragments() { return moreFragments; }
    /** Fragment offset in bytes. */
    public int fragmentOffset() { return fragmentOffset; }
    /** IPv4 identification (16 bits) or IPv6 fragment identification (32 bits). */
    public long fragmentId() { return fragmentId; }
    /** IPv6 extension headers walked (0 for IPv4). */
    public int extHeaderCount() { return extHeaderCount; }
    /** Start of the upper-layer header. */
    public int l4Offset() { return l4Offset; }
    /** Whether the TCP/UDP/ICMP header was decoded (false for later fragments, ESP, others). */
    public boolean l4Decoded() { return l4Decoded; }
    public int srcPort() { return srcPort; }
    public int dstPort() { return dstPort; }
    public int tcpFlags() { return tcpFlags; }
    public boolean hasTcpFlag(int flag) { return (tcpFlags & flag) != 0; }
    public long tcpSeq() { return tcpSeq; }
    public long tcpAck() { return tcpAck; }
    public int tcpWindow() { return tcpWindow; }
    /** TCP header length including options (data offset × 4). */
    public int tcpHeaderLength() { return tcpHeaderLength; }
    /** TCP options length (header length − 20). */
    public int tcpOptionsLength() { return tcpHeaderLength == 0 ? 0 : tcpHeaderLength - 20; }
    public int icmpType() { return icmpType; }
    public int icmpCode() { return icmpCode; }
    /** Echo identifier (ICMP echo/timestamp, ICMPv6 echo), else 0. */
    public int icmpId() { return icmpId; }
    public int icmpSeq() { return icmpSeq; }
    /** Whether this is an ICMP/ICMPv6 echo request or reply (id is then meaningful). */
    public boolean isIcmpEcho() {
        return l4Decoded && ((protocol == IpProtocols.ICMP && (icmpType == 8 || icmpType == 0))
            || (protocol == IpProtocols.ICMPV6 && (icmpType == 128 || icmpType == 129)));
    }
    /** Start of the L4 payload (after the TCP/UDP/ICMP header). */
    public int payloadOffset() { return payloadOffset; }
    /** Payload bytes per the packet's length fields (may exceed what was captured). */
    public int payloadLength() { return payloadLength; }
    /** Payload bytes actually present in the captured data. */
    public int payloadCapturedLength() {
        return Math.max(0, Math.min(payloadLength, capturedLength - payloadOffset));
    }

    /** Whether an ICMP error's embedded original header was decoded. */
    public boolean innerValid() { return innerValid; }
    /** The embedded datagram's protocol (as sent by its original source). */
    public int innerProtocol() { return innerProtocol; }
    public long innerSrcHi() { return innerSrcHi; }
    public long innerSrcLo() { return innerSrcLo; }
    public long innerDstHi() { return innerDstHi; }
    public long innerDstLo() { return innerDstLo; }
    public int innerSrcPort() { return innerSrcPort; }
    public int innerDstPort() { return innerDstPort; }
    public int innerIcmpId() { return innerIcmpId; }

    @Override
    public String toString() {
        return "DecodedPacket[v" + ipVersion + " " + Addresses.format(srcHi, srcLo) + ":" + srcPort + " -> "
            + Addresses.format(dstHi, dstLo) + ":" + dstPort + " proto=" + protocol + " len=" + packetLength
            + " l4=" + l4Offset + " payload=" + payloadOffset + "+" + payloadLength + (fragment ? " frag@" + fragmentOffset : "")
            + "]";
    }
}
