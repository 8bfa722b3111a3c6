package dev.microseg.model.net;

import dev.microseg.model.InvalidFieldException;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Strict IP address literals. Never resolves names: {@link InetAddress#getByName} would turn a
 * typo into a DNS query, so only {@link InetAddress#ofLiteral} is used.
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** Parses an IPv4 or IPv6 literal (no brackets, no zone id, no host names). */
    public static InetAddress parse(String field, String literal) {
        if (literal == null || literal.isBlank()) {
            throw new InvalidFieldException(field, "must be an IP address");
        }
        String s = literal.strip();
        if (s.indexOf('%') >= 0) {
            throw new InvalidFieldException(field, "'" + literal + "' has a zone id; zone ids are not supported");
        }
        try {
            InetAddress address = InetAddress.ofLiteral(s);
            // ofLiteral accepts IPv4-mapped IPv6 and returns an Inet4Address; keep that, it is the same host.
            return address;
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(field, "'" + literal + "' is not an IPv4 or IPv6 address");
        }
    }

    /** Address width in bits: 32 or 128. */
    public static int bits(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    /** The address as an unsigned integer. */
    public static BigInteger toBigInteger(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    /** The address of the given family holding {@code value}. */
    public static InetAddress fromBigInteger(BigInteger value, boolean ipv6) {
        int len = ipv6 ? 16 : 4;
        if (value.signum() < 0 || value.bitLength() > len * 8) {
            throw new IllegalArgumentException("value out of range for " + (ipv6 ? "IPv6" : "IPv4") + ": " + value);
        }
        byte[] raw = value.toByteArray();
        byte[] out = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
        try {
            return ipv6 ? Inet6Address.getByAddress(null, out, -1) : InetAddress.getByAddress(out);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("impossible: fixed-length address", e);
        }
    }

    /** Textual form without the leading slash {@link InetAddress#toString()} adds. */
    public static String format(InetAddress address) {
        return address.getHostAddress();
    }
}
