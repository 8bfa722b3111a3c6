package dev.microseg.dp.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as a value: 128 bits in {@code hi}/{@code lo}, IPv4 in the low 32 bits of
 * {@code lo}. Parsing is literal-only (never a DNS lookup, unlike {@link InetAddress#getByName}):
 * IPv4 is strict dotted decimal without leading zeros (which some parsers read as octal), IPv6 follows
 * RFC 4291 section 2.2 (hex groups, one {@code ::}, optional dotted IPv4 tail), without zone ids.
 * {@link #toString()} writes RFC 5952's canonical form.
 */
public record IpAddress(boolean v6, long hi, long lo) implements Comparable<IpAddress> {
    /** Longest textual IPv6: eight groups of four hex digits with an IPv4 tail (RFC 4291). */
    private static final int MAX_TEXT = 45;

    public IpAddress {
        if (!v6 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new InvalidFieldException("ip", "IPv4 value wider than 32 bits");
        }
    }

    public static IpAddress v4(int bits) {
        return new IpAddress(false, 0, bits & 0xFFFF_FFFFL);
    }

    public static IpAddress v6(long hi, long lo) {
        return new IpAddress(true, hi, lo);
    }

    /** Parses an IP literal or throws naming {@code field}. */
    public static IpAddress parse(String field, CharSequence s) {
        IpAddress a = parseOrNull(s);
        if (a == null) {
            throw new InvalidFieldException(field, "not an IP address: " + Text.quote(s));
        }
        return a;
    }

    /** Parses an IP literal; {@code null} if the text is not one. */
    public static IpAddress parseOrNull(CharSequence s) {
        int n = s.length();
        if (n == 0 || n > MAX_TEXT) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) == ':') {
                return parseV6(s);
            }
        }
        long v = parseV4(s, 0, n);
        return v < 0 ? null : v4((int) v);
    }

    /** Dotted quad in s[from, to); -1 if invalid. */
    private static long parseV4(CharSequence s, int from, int to) {
        long result = 0;
        int parts = 0;
        int i = from;
        while (parts < 4) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 4) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            result = (result << 8) | value;
            parts++;
            if (parts < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? result : -1;
    }

    private static IpAddress parseV6(CharSequence s) {
        int n = s.length();
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        if (s.charAt(0) == ':') {
            if (n < 2 || s.charAt(1) != ':') {
                return null;
            }
            gap = 0;
            i = 2;
            if (i == n) {
                return v6(0, 0);
            }
        }
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 5) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0 || s.charAt(i) > 'f') {
                    break;
                }
                value = (value << 4) | d;
                i++;
            }
            int digits = i - start;
            if (i < n && s.charAt(i) == '.') {
                if (count > 6) {
                    return null;
                }
                long v4 = parseV4(s, start, n);
                if (v4 < 0) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                i = n;
                break;
            }
            if (digits == 0 || digits > 4) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            int tail = count - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return v6(hi, lo);
    }

    /** 4 or 16 bytes, network order. */
    public byte[] toBytes() {
        if (!v6) {
            return new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    /** A JDK address, built from bytes so it never resolves a name. */
    public InetAddress toInetAddress() {
        try {
            // Inet6Address keeps an IPv4-mapped address as IPv6; InetAddress.getByAddress would turn it into IPv4.
            return v6 ? java.net.Inet6Address.getByAddress(null, toBytes(), -1) : InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always a valid address", e);
        }
    }

    /** Address family width in bits: 32 or 128. */
    public int bits() {
        return v6 ? 128 : 32;
    }

    @Override
    public int compareTo(IpAddress o) {
        if (v6 != o.v6) {
            return v6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        if (!v6) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        // RFC 5952 section 4.2: compress the longest run of two or more zero groups, the first on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }
}
