package dev.microseg.dp.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The data plane's allocation-free address form: every address is 128 bits held as two longs,
 * {@code hi} (bytes 0-7) and {@code lo} (bytes 8-15), in network byte order read as unsigned.
 * An IPv4 address a.b.c.d is held as the IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d}
 * (RFC 4291 §2.5.5.2): {@code hi = 0}, {@code lo = 0x0000_ffff_0000_0000 | a.b.c.d}. One form for
 * both families keeps the session key and the classifier's tables to one code path; the family
 * is recovered with {@link #isV4Mapped}. Conversions to {@link InetAddress} are for tests, logs
 * and the control plane, never the packet path.
 */
public final class Addresses {
    /** The {@code lo} half of {@code ::ffff:0.0.0.0}. */
    public static final long V4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    private Addresses() {
    }

    /** The {@code lo} half for an IPv4 address given as an int in network order. */
    public static long v4Lo(int v4) {
        return V4_MAPPED_PREFIX | (v4 & 0xffff_ffffL);
    }

    /** Whether the address (hi, lo) is IPv4-mapped. */
    public static boolean isV4Mapped(long hi, long lo) {
        return hi == 0 && (lo & 0xffff_ffff_0000_0000L) == V4_MAPPED_PREFIX;
    }

    /** Parses a literal ("10.0.0.1", "fd00::1") to {hi, lo}; a name is rejected. */
    public static long[] parse(String literal) {
        if (literal == null || literal.isEmpty() || !(literal.indexOf(':') >= 0 || Character.digit(literal.charAt(0), 16) >= 0)) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        try {
            return fromBytes(InetAddress.ofLiteral(literal).getAddress());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address literal: " + literal, e);
        }
    }

    /** {hi, lo} from 4 or 16 address bytes. */
    public static long[] fromBytes(byte[] b) {
        if (b.length == 4) {
            int v4 = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            return new long[] {0, v4Lo(v4)};
        }
        if (b.length != 16) {
            throw new IllegalArgumentException("address must have 4 or 16 bytes, has " + b.length);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xff);
            lo = (lo << 8) | (b[i + 8] & 0xff);
        }
        return new long[] {hi, lo};
    }

    /** The textual form: dotted quad for IPv4-mapped addresses, RFC 5952 style otherwise. */
    public static String format(long hi, long lo) {
        if (isV4Mapped(hi, lo)) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an address", e);
        }
    }
}
