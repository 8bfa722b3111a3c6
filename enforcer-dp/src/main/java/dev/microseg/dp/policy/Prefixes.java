package dev.microseg.dp.policy;

import java.math.BigInteger;

/**
 * Splits an inclusive 128-bit address range into the fewest covering prefixes (CIDR blocks).
 * A range that already is a prefix (a /32 peer, a subnet, "any") takes the allocation-free fast
 * path; any other range yields at most 2 × 128 − 2 = 254 prefixes (the classic bound for
 * range-to-prefix expansion, e.g. Srinivasan et al., "Fast and Scalable Layer Four Switching",
 * SIGCOMM 1998).
 */
final class Prefixes {
    static final int MAX_PREFIXES_PER_RANGE = 254;
    private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    @FunctionalInterface
    interface Sink {
        void prefix(long hi, long lo, int length);
    }

    private Prefixes() {
    }

    /** The length of the prefix equal to [from, to], or -1 when the range is not one prefix. */
    static int exactLength(Addr from, Addr to) {
        long xh = from.hi() ^ to.hi();
        long xl = from.lo() ^ to.lo();
        if (xh == 0) {
            if ((xl & (xl + 1)) != 0 || (from.lo() & xl) != 0 || (to.lo() & xl) != xl) {
                return -1;
            }
            return 128 - Long.bitCount(xl);
        }
        if (xl != -1L || from.lo() != 0 || to.lo() != -1L || (xh & (xh + 1)) != 0 || (from.hi() & xh) != 0
            || (to.hi() & xh) != xh) {
            return -1;
        }
        return 64 - Long.bitCount(xh);
    }

    static void cover(Addr from, Addr to, Sink sink) {
        int exact = exactLength(from, to);
        if (exact >= 0) {
            sink.prefix(from.hi(), from.lo(), exact);
            return;
        }
        BigInteger lo = big(from);
        BigInteger hi = big(to);
        while (lo.compareTo(hi) <= 0) {
            int k = lo.signum() == 0 ? 128 : Math.min(128, lo.getLowestSetBit());
            while (k > 0 && lo.add(BigInteger.ONE.shiftLeft(k)).subtract(BigInteger.ONE).compareTo(hi) > 0) {
                k--;
            }
            sink.prefix(lo.shiftRight(64).longValue(), lo.and(MASK64).longValue(), 128 - k);
            lo = lo.add(BigInteger.ONE.shiftLeft(k));
        }
    }

    private static BigInteger big(Addr a) {
        return new BigInteger(Long.toUnsignedString(a.hi())).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(a.lo())));
    }

    /** Calls the sink with the 2^(target − length) prefixes of length target that cover (hi, lo)/length. */
    static void expand(long hi, long lo, int length, int target, Sink sink) {
        long n = 1L << (target - length);
        int shift = 128 - target;
        for (long i = 0; i < n; i++) {
            long h = hi;
            long l = lo;
            if (shift >= 64) {
                h |= i << (shift - 64);
            } else {
                l |= i << shift;
                if (shift > 0) {
                    h |= i >>> (64 - shift);
                }
            }
            sink.prefix(h, l, target);
        }
    }

    static long maskHi(int length) {
        return length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    static long maskLo(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }
}
