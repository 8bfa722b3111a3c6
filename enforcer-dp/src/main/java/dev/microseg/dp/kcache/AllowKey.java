package dev.microseg.dp.kcache;

import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.packet.IpProtocols;

/**
 * One kernel allow cache entry: a connection's source and destination address (the dp's two-long
 * form), protocol (TCP or UDP) and destination port, and the policy generation it was decided under
 * (entries of an older generation are never written, see {@link KernelAllowCache}).
 */
public record AllowKey(int protocol, long srcHi, long srcLo, long dstHi, long dstLo, int port, int generation) {
    public AllowKey {
        if (protocol != IpProtocols.TCP && protocol != IpProtocols.UDP) {
            throw new IllegalArgumentException("allow cache protocol must be TCP or UDP, was " + protocol);
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("allow cache port outside 0..65535: " + port);
        }
        if (Addresses.isV4Mapped(srcHi, srcLo) != Addresses.isV4Mapped(dstHi, dstLo)) {
            throw new IllegalArgumentException("allow cache key mixes IPv4 and IPv6");
        }
    }

    /** Whether the protocol can be cached (the set's key has a transport port). */
    public static boolean cacheable(int protocol) {
        return protocol == IpProtocols.TCP || protocol == IpProtocols.UDP;
    }

    public boolean ipv6() {
        return !Addresses.isV4Mapped(srcHi, srcLo);
    }

    @Override
    public String toString() {
        return "AllowKey[" + protocol + " " + Addresses.format(srcHi, srcLo) + " -> " + Addresses.format(dstHi, dstLo)
                + ":" + port + " gen " + generation + "]";
    }
}
