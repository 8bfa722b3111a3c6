package dev.microseg.dp.policy;

import dev.microseg.dp.packet.Addresses;

/**
 * An address in the data plane's 128-bit form (IPv4 as IPv4-mapped IPv6, see {@link Addresses}),
 * ordered as an unsigned number. Used for rule ranges at compile time; lookups take the two
 * longs directly.
 */
public record Addr(long hi, long lo) implements Comparable<Addr> {
    /** {@code ::}, the lowest address. */
    public static final Addr MIN = new Addr(0, 0);
    /** All ones, the highest address. With {@link #MIN} it is "any address of either family". */
    public static final Addr MAX = new Addr(-1L, -1L);
    /** {@code ::ffff:0.0.0.0}. */
    public static final Addr V4_MIN = new Addr(0, Addresses.V4_MAPPED_PREFIX);
    /** {@code ::ffff:255.255.255.255}. */
    public static final Addr V4_MAX = new Addr(0, Addresses.V4_MAPPED_PREFIX | 0xffff_ffffL);

    /** Parses an IPv4 or IPv6 literal. */
    public static Addr of(String literal) {
        long[] a = Addresses.parse(literal);
        return new Addr(a[0], a[1]);
    }

    @Override
    public int compareTo(Addr o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    /** Whether (h, l) lies in [lo, hi]. */
    static boolean within(long h, long l, Addr from, Addr to) {
        int c1 = Long.compareUnsigned(h, from.hi);
        if (c1 < 0 || (c1 == 0 && Long.compareUnsigned(l, from.lo) < 0)) {
            return false;
        }
        int c2 = Long.compareUnsigned(h, to.hi);
        return c2 < 0 || (c2 == 0 && Long.compareUnsigned(l, to.lo) <= 0);
    }

    @Override
    public String toString() {
        return Addresses.format(hi, lo);
    }
}
