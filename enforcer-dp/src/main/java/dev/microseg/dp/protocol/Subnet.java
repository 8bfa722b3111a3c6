package dev.microseg.dp.protocol;

import java.util.Objects;

/**
 * One entry of {@code ctrl_cfg_internal_net.subnet_addr} (NeuVector's {@code DPSubnet}): an address and
 * a netmask written as an address ({@code {"ip": "10.0.0.0", "mask": "255.0.0.0"}}). The mask must be
 * contiguous and of the same family, and the address must have no bits outside it.
 */
public record Subnet(IpAddress ip, IpAddress mask) {
    public Subnet {
        Objects.requireNonNull(Check.present("ip", ip));
        Objects.requireNonNull(Check.present("mask", mask));
        Check.sameFamily("mask", mask, ip, "ip");
        int prefix = prefixOf(mask);
        if (prefix < 0) {
            throw new InvalidFieldException("mask", "not a contiguous netmask: " + mask);
        }
        IpAddress host = new IpAddress(ip.v6(), ip.hi() & ~mask.hi(), ip.lo() & ~mask.lo());
        if (host.hi() != 0 || host.lo() != 0) {
            throw new InvalidFieldException("ip", ip + " has host bits outside mask " + mask);
        }
    }

    /** The subnet {@code ip/prefix}. */
    public static Subnet of(IpAddress ip, int prefix) {
        return new Subnet(ip, maskOf(ip.v6(), prefix));
    }

    /** The prefix length, e.g. 8 for 255.0.0.0. */
    public int prefixLength() {
        return prefixOf(mask);
    }

    /** Whether {@code a} lies in this subnet. */
    public boolean contains(IpAddress a) {
        return a.v6() == ip.v6() && (a.hi() & mask.hi()) == ip.hi() && (a.lo() & mask.lo()) == ip.lo();
    }

    static IpAddress maskOf(boolean v6, int prefix) {
        if (!v6) {
            Check.range("prefix", prefix, 0, 32);
            return IpAddress.v4(prefix == 0 ? 0 : (int) (0xFFFF_FFFFL << (32 - prefix)));
        }
        Check.range("prefix", prefix, 0, 128);
        long hi = prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
        long lo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        return IpAddress.v6(hi, lo);
    }

    /** Prefix length of a contiguous mask, -1 if the mask is not contiguous. */
    private static int prefixOf(IpAddress m) {
        int bits = m.bits();
        int ones = m.v6() ? Long.bitCount(m.hi()) + Long.bitCount(m.lo()) : Long.bitCount(m.lo());
        return maskOf(m.v6(), ones).equals(m) && ones <= bits ? ones : -1;
    }
}
