package dev.microseg.model.net;

import dev.microseg.model.InvalidFieldException;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Strict IP address literals. Never resolves names: {@link InetAddress#getByName} would turn a
 * typo into a DNS query, so only {@link InetAddress#ofLiteral} is used, behind a stricter check
 * of IPv4 text: {@code ofLiteral} also takes the BSD short forms ({@code 10} is {@code 0.0.0.10},
 * {@code 10.1} is {@code 10.0.0.1}) and leading zeros, which other parsers read as octal
 * (CVE-2021-29923, why Go's {@code net.ParseIP} rejects them since 1.17). Only the four-part
 * dotted-decimal form of RFC 791 / RFC 4001's {@code dec-octet} is accepted.
 */
public final class IpAddresses {
    /** RFC 4001 {@code dec-octet}: 0-255 without leading zeros, four of them. */
    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    private IpAddresses() {
    }

    /** Parses an IPv4 or IPv6 literal (no brackets, no zone id, no host names, no short IPv4 forms). */
    public static InetAddress parse(String field, String literal) {
        if (literal == null || literal.isBlank()) {
            throw new InvalidFieldException(field, "must be an IP address");
        }
        String s = literal.strip();
        if (s.indexOf('%') >= 0) {
            throw new InvalidFieldException(field, "'" + literal + "' has a zone id; zone ids are not supported");
        }
        if (s.indexOf(':') < 0 && !DOTTED_QUAD.matcher(s).matches()) {
            throw new InvalidFieldException(field, "'" + literal + "' is not an IPv4 or IPv6 address (IPv4 as a.b.c.d, no leading zeros)");
        }
        if (s.indexOf('[') >= 0 || s.indexOf(']') >= 0) {
            throw new InvalidFieldException(field, "'" + literal + "' has brackets; write the IPv6 address without them");
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
