package dev.microseg.model.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Merging of address sets into the fewest inclusive ranges, the form the data plane matches on.
 * A policy rule becomes one data-plane rule per (own range, peer range, protocol), so a group of
 * 200 workloads with consecutive addresses costs one rule instead of 200.
 *
 * <p>Addresses are handled as unsigned 128-bit numbers split into two {@code long}s, so sorting
 * and merging allocate nothing per comparison. IPv4 and IPv6 never merge with each other.
 */
public final class AddressRanges {
    private AddressRanges() {
    }

    /** Single hosts merged: duplicates collapse, consecutive addresses join. */
    public static List<AddressRange> ofAddresses(Collection<InetAddress> addresses) {
        List<AddressRange> hosts = new ArrayList<>(addresses.size());
        for (InetAddress a : addresses) {
            hosts.add(AddressRange.of(a));
        }
        return merge(hosts);
    }

    /**
     * The union of {@code ranges} as the fewest ranges: sorted (IPv4 first, then by first
     * address), overlapping or adjacent ranges of one family joined. A range of the input that
     * survives unchanged is returned as the same object.
     */
    public static List<AddressRange> merge(Collection<AddressRange> ranges) {
        if (ranges.isEmpty()) {
            return List.of();
        }
        Span[] spans = new Span[ranges.size()];
        int n = 0;
        for (AddressRange r : ranges) {
            spans[n++] = Span.of(r);
        }
        Arrays.sort(spans, Span.ORDER);
        List<AddressRange> out = new ArrayList<>();
        Span cur = spans[0];
        long lastHi = cur.lastHi;
        long lastLo = cur.lastLo;
        for (int i = 1; i < n; i++) {
            Span s = spans[i];
            if (s.v6 == cur.v6 && reaches(s.firstHi, s.firstLo, lastHi, lastLo)) {
                if (compare(s.lastHi, s.lastLo, lastHi, lastLo) > 0) {
                    lastHi = s.lastHi;
                    lastLo = s.lastLo;
                }
                continue;
            }
            out.add(emit(cur, lastHi, lastLo));
            cur = s;
            lastHi = s.lastHi;
            lastLo = s.lastLo;
        }
        out.add(emit(cur, lastHi, lastLo));
        return out;
    }

    /** Whether a range starting at {@code first} overlaps or touches one ending at {@code last}. */
    private static boolean reaches(long firstHi, long firstLo, long lastHi, long lastLo) {
        if (compare(firstHi, firstLo, lastHi, lastLo) <= 0) {
            return true;
        }
        long nextLo = lastLo + 1;
        long nextHi = nextLo == 0 ? lastHi + 1 : lastHi;
        return firstHi == nextHi && firstLo == nextLo;
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    private static AddressRange emit(Span first, long lastHi, long lastLo) {
        if (first.lastHi == lastHi && first.lastLo == lastLo) {
            return first.range;
        }
        return new AddressRange(first.range.first(), toAddress(first.v6, lastHi, lastLo));
    }

    private static InetAddress toAddress(boolean v6, long hi, long lo) {
        byte[] b = new byte[v6 ? 16 : 4];
        if (v6) {
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        } else {
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) (lo >>> (24 - 8 * i));
            }
        }
        try {
            // Inet6Address.getByAddress keeps ::ffff:a.b.c.d an IPv6 address; InetAddress.getByAddress would not.
            return v6 ? Inet6Address.getByAddress(null, b, -1) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("impossible: fixed-length address", e);
        }
    }

    /** A range as two unsigned 128-bit bounds; IPv4 uses only the low word. */
    private record Span(boolean v6, long firstHi, long firstLo, long lastHi, long lastLo, AddressRange range) {
        static final Comparator<Span> ORDER = (a, b) -> {
            if (a.v6 != b.v6) {
                return a.v6 ? 1 : -1;
            }
            int c = compare(a.firstHi, a.firstLo, b.firstHi, b.firstLo);
            return c != 0 ? c : compare(a.lastHi, a.lastLo, b.lastHi, b.lastLo);
        };

        static Span of(AddressRange r) {
            byte[] f = r.first().getAddress();
            byte[] l = r.last().getAddress();
            boolean v6 = !(r.first() instanceof Inet4Address);
            return v6
                    ? new Span(true, word(f, 0), word(f, 8), word(l, 0), word(l, 8), r)
                    : new Span(false, 0, word4(f), 0, word4(l), r);
        }

        private static long word(byte[] b, int off) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[off + i] & 0xFF);
            }
            return v;
        }

        private static long word4(byte[] b) {
            return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        }
    }
}
