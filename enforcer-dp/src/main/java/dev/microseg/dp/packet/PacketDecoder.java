package dev.microseg.dp.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Stateless decoder of one queued packet, starting at its IP header (NFQUEUE's
 * {@code NFQA_PAYLOAD}), into a reusable {@link DecodedPacket}. It allocates nothing, never
 * throws on packet content, and stops at the first problem with a {@link DecodeResult}.
 *
 * <p>Lengths: {@code capturedLength} is what the queue copied (its copy range may cut the
 * packet), {@code originalLength} the packet's real length ({@code NFQA_CAP_LEN}, or the
 * captured length when the attribute is absent). Headers must lie within the captured bytes;
 * payload may be cut. Checksums are not validated: with {@code NFQA_CFG_F_GSO} the kernel hands
 * over GSO packets larger than the MTU whose checksums are not yet computed (ENVIRONMENT.md).
 * For the same reason a length field of 0 is read as "the whole packet": Linux BIG TCP sets
 * the IPv4 total length to 0 on GSO packets over 64 KiB (kernel 6.3, {@code skb_ip_totlen}) and
 * IPv6 GSO packets over 64 KiB carry payload length 0 like RFC 2675 jumbograms.
 *
 * <p>Layers: IPv4 (RFC 791) with options and fragments (only the first fragment carries
 * ports), IPv6 (RFC 8200) with the Hop-by-Hop, Routing, Fragment, Destination Options,
 * Mobility (RFC 6275) and AH (RFC 4302) extension headers, then TCP (RFC 9293), UDP
 * (RFC 768), ICMP (RFC 792) and ICMPv6 (RFC 4443). For ICMP error messages the embedded
 * original header's addresses, protocol and ports (or echo id) are decoded too, so the engine
 * can relate the error to the session that caused it. ESP and unknown protocols stop the walk
 * with {@link DecodeResult#OK} and no L4 fields.
 */
public final class PacketDecoder {
    /**
     * Upper bound on IPv6 extension headers walked. RFC 8200 §4.1 says each extension header
     * should occur at most once except Destination Options (at most twice), and its recommended
     * order lists Hop-by-Hop, Destination Options, Routing, Fragment, AH, ESP and Destination
     * Options: seven headers. One more leaves room for a Mobility header (RFC 6275). A longer
     * chain is an evasion attempt or garbage and is rejected.
     */
    public static final int MAX_IPV6_EXT_HEADERS = 8;

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int TCP_MIN_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int ICMP_HEADER = 8;
    /** RFC 792: an ICMP error carries the original IP header plus at least 64 bits of its data. */
    private static final int INNER_PORTS_BYTES = 4;
    private static final int INNER_ICMP_ID_BYTES = 6;

    /** Result of the extension-header walk, packed: bit 63 set means failure. */
    private static final long WALK_FAILED = Long.MIN_VALUE;
    private static final long WALK_LATER_FRAGMENT = 1L << 40;
    private static final DecodeResult[] RESULTS = DecodeResult.values();

    private PacketDecoder() {
    }

    /** Decodes a heap copy: convenience for tests and tools. */
    public static DecodeResult decode(byte[] packet, int capturedLength, int originalLength, DecodedPacket out) {
        return decode(MemorySegment.ofArray(packet), 0, capturedLength, originalLength, out);
    }

    /**
     * Decodes the packet at {@code seg[offset .. offset + capturedLength)}.
     *
     * @param originalLength the packet's real length; at least {@code capturedLength}
     */
    public static DecodeResult decode(MemorySegment seg, long offset, int capturedLength, int originalLength,
                                      DecodedPacket out) {
        out.reset();
        if (capturedLength < 0 || originalLength < capturedLength || offset < 0
            || offset > seg.byteSize() - capturedLength) {
            return DecodeResult.BAD_LENGTHS;
        }
        out.capturedLength = capturedLength;
        out.originalLength = originalLength;
        if (capturedLength == 0) {
            return DecodeResult.EMPTY;
        }
        int version = (seg.get(ValueLayout.JAVA_BYTE, offset) & 0xf0) >>> 4;
        if (version == 4) {
            return decodeV4(seg, offset, out);
        }
        if (version == 6) {
            return decodeV6(seg, offset, out);
        }
        return DecodeResult.UNKNOWN_IP_VERSION;
    }

    private static DecodeResult decodeV4(MemorySegment seg, long base, DecodedPacket out) {
        out.ipVersion = 4;
        int captured = out.capturedLength;
        if (captured < IPV4_MIN_HEADER) {
            return DecodeResult.IPV4_TRUNCATED;
        }
        int ihl = (u8(seg, base) & 0x0f) * 4;
        out.srcLo = Addresses.v4Lo(seg.get(U32, base + 12));
        out.dstLo = Addresses.v4Lo(seg.get(U32, base + 16));
        out.ttl = u8(seg, base + 8);
        out.protocol = u8(seg, base + 9);
        if (ihl < IPV4_MIN_HEADER) {
            return DecodeResult.IPV4_BAD_IHL;
        }
        if (captured < ihl) {
            return DecodeResult.IPV4_OPTIONS_TRUNCATED;
        }
        int total = u16(seg, base + 2);
        if (total == 0) {
            total = out.originalLength;
        }
        if (total < ihl || total > out.originalLength) {
            return DecodeResult.IPV4_BAD_TOTAL_LENGTH;
        }
        out.packetLength = total;
        out.fragmentId = u16(seg, base + 4);
        int frag = u16(seg, base + 6);
        out.moreFragments = (frag & 0x2000) != 0;
        out.fragmentOffset = (frag & 0x1fff) * 8;
        out.fragment = out.moreFragments || out.fragmentOffset != 0;
        out.l4Offset = ihl;
        if (out.fragmentOffset != 0) {
            out.payloadOffset = ihl;
            out.payloadLength = total - ihl;
            return DecodeResult.OK;
        }
        return decodeL4(seg, base, out, ihl, total);
    }

    private static DecodeResult decodeV6(MemorySegment seg, long base, DecodedPacket out) {
        out.ipVersion = 6;
        if (out.capturedLength < IPV6_HEADER) {
            return DecodeResult.IPV6_TRUNCATED;
        }
        int payloadLength = u16(seg, base + 4);
        int next = u8(seg, base + 6);
        out.ttl = u8(seg, base + 7);
        out.srcHi = seg.get(U64, base + 8);
        out.srcLo = seg.get(U64, base + 16);
        out.dstHi = seg.get(U64, base + 24);
        out.dstLo = seg.get(U64, base + 32);
        int total = payloadLength == 0 ? out.originalLength : IPV6_HEADER + payloadLength;
        if (total > out.originalLength) {
            return DecodeResult.IPV6_BAD_PAYLOAD_LENGTH;
        }
        out.packetLength = total;
        long walk = walkV6Chain(seg, base, IPV6_HEADER, Math.min(out.capturedLength, total), next, out, false);
        if (walk < 0) {
            return RESULTS[(int) (walk & 0xff)];
        }
        int l4 = (int) (walk >>> 8) & 0xffff_ffff;
        out.protocol = (int) (walk & 0xff);
        out.l4Offset = l4;
        if ((walk & WALK_LATER_FRAGMENT) != 0) {
            out.payloadOffset = l4;
            out.payloadLength = total - l4;
            return DecodeResult.OK;
        }
        return decodeL4(seg, base, out, l4, total);
    }

    /**
     * Walks the IPv6 extension-header chain from {@code off} with next header {@code next}.
     * Returns {@code WALK_FAILED | result ordinal} on failure, else
     * {@code [later-fragment bit 40][offset bits 8..39][protocol bits 0..7]}. Fragment details are
     * recorded in {@code out} only for the outer packet.
     */
    private static long walkV6Chain(MemorySegment seg, long base, int off, int avail, int next,
                                    DecodedPacket out, boolean inner) {
        int count = 0;
        while (true) {
            int length;
            int following;
            switch (next) {
                case IpProtocols.HOP_BY_HOP, IpProtocols.ROUTING, IpProtocols.DEST_OPTIONS, IpProtocols.MOBILITY -> {
                    if (next == IpProtocols.HOP_BY_HOP && count != 0) {
                        return fail(DecodeResult.IPV6_HOP_BY_HOP_NOT_FIRST);
                    }
                    if (off + 2 > avail) {
                        return fail(DecodeResult.IPV6_EXT_TRUNCATED);
                    }
                    following = u8(seg, base + off);
                    length = (u8(seg, base + off + 1) + 1) * 8;
                }
                case IpProtocols.AH -> {
                    if (off + 2 > avail) {
                        return fail(DecodeResult.IPV6_EXT_TRUNCATED);
                    }
                    following = u8(seg, base + off);
                    length = (u8(seg, base + off + 1) + 2) * 4;
                }
                case IpProtocols.FRAGMENT -> {
                    length = 8;
                    if (off + length > avail) {
                        return fail(DecodeResult.IPV6_EXT_TRUNCATED);
                    }
                    following = u8(seg, base + off);
                    int field = u16(seg, base + off + 2);
                    int fragOffset = field & 0xfff8;
                    if (!inner) {
                        out.fragment = true;
                        out.fragmentOffset = fragOffset;
                        out.moreFragments = (field & 1) != 0;
                        out.fragmentId = seg.get(U32, base + off + 4) & 0xffff_ffffL;
                    }
                    if (fragOffset != 0) {
                        if (!inner) {
                            out.extHeaderCount = count + 1;
                        }
                        return WALK_LATER_FRAGMENT | ((long) (off + length) << 8) | following;
                    }
                }
                default -> {
                    if (!inner) {
                        out.extHeaderCount = count;
                    }
                    return ((long) off << 8) | next;
                }
            }
            if (off + length > avail) {
                return fail(DecodeResult.IPV6_EXT_TRUNCATED);
            }
            if (++count > MAX_IPV6_EXT_HEADERS) {
                return fail(DecodeResult.IPV6_EXT_CHAIN_TOO_LONG);
            }
            off += length;
            next = following;
        }
    }

    private static long fail(DecodeResult r) {
        return WALK_FAILED | r.ordinal();
    }

    private static DecodeResult decodeL4(MemorySegment seg, long base, DecodedPacket out, int off, int end) {
        int avail = Math.min(out.capturedLength, end);
        switch (out.protocol) {
            case IpProtocols.TCP -> {
                if (off + TCP_MIN_HEADER > avail) {
                    return DecodeResult.TCP_TRUNCATED;
                }
                out.srcPort = u16(seg, base + off);
                out.dstPort = u16(seg, base + off + 2);
                out.tcpSeq = seg.get(U32, base + off + 4) & 0xffff_ffffL;
                out.tcpAck = seg.get(U32, base + off + 8) & 0xffff_ffffL;
                int dataOffset = (u8(seg, base + off + 12) >>> 4) * 4;
                out.tcpFlags = u8(seg, base + off + 13);
                out.tcpWindow = u16(seg, base + off + 14);
                if (dataOffset < TCP_MIN_HEADER || off + dataOffset > end) {
                    return DecodeResult.TCP_BAD_DATA_OFFSET;
                }
                if (off + dataOffset > avail) {
                    return DecodeResult.TCP_OPTIONS_TRUNCATED;
                }
                out.tcpHeaderLength = dataOffset;
                out.l4Decoded = true;
                out.payloadOffset = off + dataOffset;
                out.payloadLength = end - out.payloadOffset;
                return DecodeResult.OK;
            }
            case IpProtocols.UDP -> {
                if (off + UDP_HEADER > avail) {
                    return DecodeResult.UDP_TRUNCATED;
                }
                out.srcPort = u16(seg, base + off);
                out.dstPort = u16(seg, base + off + 2);
                int length = u16(seg, base + off + 4);
                if (length == 0) {
                    length = end - off;
                }
                // A first fragment's UDP length covers the whole datagram, beyond this fragment.
                if (length < UDP_HEADER || (off + length > end && !out.fragment)) {
                    return DecodeResult.UDP_BAD_LENGTH;
                }
                out.l4Decoded = true;
                out.payloadOffset = off + UDP_HEADER;
                out.payloadLength = Math.min(length, end - off) - UDP_HEADER;
                return DecodeResult.OK;
            }
            case IpProtocols.ICMP, IpProtocols.ICMPV6 -> {
                boolean v6 = out.protocol == IpProtocols.ICMPV6;
                if (off + ICMP_HEADER > avail) {
                    return v6 ? DecodeResult.ICMPV6_TRUNCATED : DecodeResult.ICMP_TRUNCATED;
                }
                int type = u8(seg, base + off);
                out.icmpType = type;
                out.icmpCode = u8(seg, base + off + 1);
                out.l4Decoded = true;
                out.payloadOffset = off + ICMP_HEADER;
                out.payloadLength = end - out.payloadOffset;
                if (IcmpTypes.hasIdentifier(v6, type)) {
                    out.icmpId = u16(seg, base + off + 4);
                    out.icmpSeq = u16(seg, base + off + 6);
                } else if (IcmpTypes.isError(v6, type)) {
                    decodeInner(seg, base, out, out.payloadOffset, avail);
                }
                return DecodeResult.OK;
            }
            default -> {
                out.payloadOffset = off;
                out.payloadLength = end - off;
                return DecodeResult.OK;
            }
        }
    }

    /**
     * Decodes the original datagram quoted by an ICMP error. Its own length fields describe the
     * original packet, which the error only quotes in part, so they are not checked; whatever
     * is missing leaves {@link DecodedPacket#innerValid()} false.
     */
    private static void decodeInner(MemorySegment seg, long base, DecodedPacket out, int off, int avail) {
        if (off + 1 > avail) {
            return;
        }
        int version = u8(seg, base + off) >>> 4;
        int l4;
        int proto;
        if (version == 4) {
            if (off + IPV4_MIN_HEADER > avail) {
                return;
            }
            int ihl = (u8(seg, base + off) & 0x0f) * 4;
            if (ihl < IPV4_MIN_HEADER) {
                return;
            }
            proto = u8(seg, base + off + 9);
            out.innerSrcHi = 0;
            out.innerSrcLo = Addresses.v4Lo(seg.get(U32, base + off + 12));
            out.innerDstHi = 0;
            out.innerDstLo = Addresses.v4Lo(seg.get(U32, base + off + 16));
            boolean laterFragment = (u16(seg, base + off + 6) & 0x1fff) != 0;
            l4 = laterFragment ? -1 : off + ihl;
        } else if (version == 6) {
            if (off + IPV6_HEADER > avail) {
                return;
            }
            out.innerSrcHi = seg.get(U64, base + off + 8);
            out.innerSrcLo = seg.get(U64, base + off + 16);
            out.innerDstHi = seg.get(U64, base + off + 24);
            out.innerDstLo = seg.get(U64, base + off + 32);
            long walk = walkV6Chain(seg, base, off + IPV6_HEADER, avail, u8(seg, base + off + 6), out, true);
            if (walk < 0) {
                return;
            }
            proto = (int) (walk & 0xff);
            l4 = (walk & WALK_LATER_FRAGMENT) != 0 ? -1 : (int) (walk >>> 8) & 0xffff_ffff;
        } else {
            return;
        }
        out.innerProtocol = proto;
        if (l4 >= 0 && (proto == IpProtocols.TCP || proto == IpProtocols.UDP)) {
            if (l4 + INNER_PORTS_BYTES > avail) {
                return;
            }
            out.innerSrcPort = u16(seg, base + l4);
            out.innerDstPort = u16(seg, base + l4 + 2);
        } else if (l4 >= 0 && (proto == IpProtocols.ICMP || proto == IpProtocols.ICMPV6)) {
            if (l4 + INNER_ICMP_ID_BYTES > avail) {
                return;
            }
            if (IcmpTypes.hasIdentifier(proto == IpProtocols.ICMPV6, u8(seg, base + l4))) {
                out.innerIcmpId = u16(seg, base + l4 + 4);
            }
        }
        out.innerValid = true;
    }

    static int u8(MemorySegment seg, long at) {
        return seg.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    static int u16(MemorySegment seg, long at) {
        return seg.get(U16, at) & 0xffff;
    }
}
