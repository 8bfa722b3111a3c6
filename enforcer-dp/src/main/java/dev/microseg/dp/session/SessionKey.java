package dev.microseg.dp.session;

import dev.microseg.dp.packet.DecodedPacket;
import dev.microseg.dp.packet.IcmpTypes;
import dev.microseg.dp.packet.IpProtocols;

/**
 * A connection's 5-tuple in canonical order, reusable per thread. Of the two endpoints
 * (address, port) the smaller, compared as unsigned 144-bit numbers, is side A and the other side
 * B, so a packet and its reply produce the same key; {@link #reversed()} tells whether the packet
 * travelled B → A. Addresses use the two-long form of {@link dev.microseg.dp.packet.Addresses}.
 */
public final class SessionKey {
    long aHi;
    long aLo;
    long bHi;
    long bLo;
    /** Ports and protocol as they sit in the slot's meta word (bits 0-39). */
    long metaKey;
    boolean reversed;
    boolean response;

    /**
     * Sets the key from a packet's tuple as seen on the wire.
     *
     * @param response a hint that this packet answers an exchange (e.g. an ICMP echo reply), so
     *                 that when it creates the session the destination is taken as initiator
     */
    public SessionKey set(int protocol, long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort,
                          boolean response) {
        int c = Long.compareUnsigned(srcHi, dstHi);
        if (c == 0) {
            c = Long.compareUnsigned(srcLo, dstLo);
        }
        if (c == 0) {
            c = Integer.compare(srcPort, dstPort);
        }
        reversed = c > 0;
        if (reversed) {
            aHi = dstHi;
            aLo = dstLo;
            bHi = srcHi;
            bLo = srcLo;
            metaKey = Slots.metaKey(dstPort, srcPort, protocol);
        } else {
            aHi = srcHi;
            aLo = srcLo;
            bHi = dstHi;
            bLo = dstLo;
            metaKey = Slots.metaKey(srcPort, dstPort, protocol);
        }
        this.response = response;
        return this;
    }

    /**
     * Sets the key from a decoded packet. TCP and UDP use their ports; ICMP and ICMPv6 echo
     * (and ICMP timestamp) use the identifier on both sides, the way conntrack keys ICMP
     * ({@code nf_conntrack_proto_icmp.c}), with replies flagged as responses; other protocols
     * and later fragments have ports 0.
     */
    public SessionKey fromPacket(DecodedPacket p) {
        int sport = p.srcPort();
        int dport = p.dstPort();
        boolean resp = false;
        int proto = p.protocol();
        if ((proto == IpProtocols.ICMP || proto == IpProtocols.ICMPV6) && p.l4Decoded()) {
            boolean v6 = proto == IpProtocols.ICMPV6;
            if (IcmpTypes.hasIdentifier(v6, p.icmpType())) {
                sport = dport = p.icmpId();
                resp = !IcmpTypes.isRequest(v6, p.icmpType());
            }
        }
        return set(proto, p.srcHi(), p.srcLo(), sport, p.dstHi(), p.dstLo(), dport, resp);
    }

    /**
     * Sets the key from the datagram quoted by an ICMP error ({@link DecodedPacket#innerValid()}
     * must be true), to find the session the error is about.
     */
    public SessionKey fromQuotedPacket(DecodedPacket p) {
        int proto = p.innerProtocol();
        int sport = p.innerSrcPort();
        int dport = p.innerDstPort();
        if (proto == IpProtocols.ICMP || proto == IpProtocols.ICMPV6) {
            sport = dport = p.innerIcmpId();
        }
        return set(proto, p.innerSrcHi(), p.innerSrcLo(), sport, p.innerDstHi(), p.innerDstLo(), dport, false);
    }

    /** Whether the packet that set this key travelled from side B to side A. */
    public boolean reversed() {
        return reversed;
    }

    public int protocol() {
        return Slots.proto(metaKey);
    }

    long hash() {
        return hash(aHi, aLo, bHi, bLo, metaKey);
    }

    /** A 64-bit mix of the key (multiply-xorshift finaliser from MurmurHash3's fmix64). */
    static long hash(long aHi, long aLo, long bHi, long bLo, long metaKey) {
        long h = aLo * 0x9E3779B97F4A7C15L ^ bLo * 0xC2B2AE3D27D4EB4FL ^ aHi * 0x165667B19E3779F9L
            ^ bHi * 0x27D4EB2F165667C5L ^ metaKey * 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public String toString() {
        return "SessionKey[proto=" + protocol() + " A=" + dev.microseg.dp.packet.Addresses.format(aHi, aLo) + ":"
            + Slots.portA(metaKey) + " B=" + dev.microseg.dp.packet.Addresses.format(bHi, bLo) + ":" + Slots.portB(metaKey)
            + (reversed ? " B->A" : " A->B") + "]";
    }
}
