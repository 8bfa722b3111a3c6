package dev.microseg.model.net;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An inclusive range of addresses of one family, the shape the data plane matches on
 * ({@code sip}..{@code sipr} in {@code ctrl_cfg_policy}).
 */
public record AddressRange(InetAddress first, InetAddress last) implements Comparable<AddressRange> {
    public AddressRange {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (IpAddresses.bits(first) != IpAddresses.bits(last)) {
            throw new IllegalArgumentException("range mixes IPv4 and IPv6: " + first + " .. " + last);
        }
        if (Arrays.compareUnsigned(first.getAddress(), last.getAddress()) > 0) {
            throw new IllegalArgumentException("range start after end: " + first + " .. " + last);
        }
    }

    /** A single host. */
    public static AddressRange of(InetAddress host) {
        return new AddressRange(host, host);
    }

    public boolean isIpv6() {
        return IpAddresses.bits(first) == 128;
    }

    public boolean contains(InetAddress address) {
        if (IpAddresses.bits(address) != IpAddresses.bits(first)) {
            return false;
        }
        byte[] v = address.getAddress();
        return Arrays.compareUnsigned(v, first.getAddress()) >= 0 && Arrays.compareUnsigned(v, last.getAddress()) <= 0;
    }

    /**
     * IPv4 before IPv6, then by first address, then by last. Network byte order compared as
     * unsigned bytes is numeric order, so no {@code BigInteger} is needed.
     */
    @Override
    public int compareTo(AddressRange o) {
        int c = Integer.compare(IpAddresses.bits(first), IpAddresses.bits(o.first));
        if (c != 0) {
            return c;
        }
        c = Arrays.compareUnsigned(first.getAddress(), o.first.getAddress());
        return c != 0 ? c : Arrays.compareUnsigned(last.getAddress(), o.last.getAddress());
    }

    @Override
    public String toString() {
        return first.equals(last) ? IpAddresses.format(first) : IpAddresses.format(first) + "-" + IpAddresses.format(last);
    }
}
