package dev.microseg.dp.policy;

/**
 * The one-long encoding of a candidate (a rule's L4 part under one address pair) and of a table
 * cell, so a slot of a tuple table is a key and one word, and a lookup decides a one-rule cell,
 * the usual case, from the line that held the key.
 *
 * <pre>
 *  63        62     61 ........ 41   40       39 .. 32   31 ... 16   15 ... 0
 *  OCCUPIED  MULTI  priority (21)    HAS_APPS proto      portLo      portHi     a candidate
 *  OCCUPIED  MULTI  priority (21)    HAS_APPS count      start (32 bits)        a cell of several
 * </pre>
 *
 * Bits 40 to 61 read together are the candidate's <em>rank</em>, {@code priority << 1 | hasApps}:
 * ranks order like priorities (a priority belongs to one rule, so its apps bit never differs),
 * and the winning rank tells the caller, without another load, whether the rule has applications.
 * A cell word carries its best candidate's rank, so a cell that cannot beat the match found so far
 * is skipped without reading its candidates. {@code count} 0 marks a {@link PortIndexedCell}
 * ({@code start} is then its index).
 */
final class CellWord {
    static final long OCCUPIED = 1L << 63;
    static final long MULTI = 1L << 62;
    static final long HAS_APPS = 1L << 40;
    /**
     * Priorities (rules per policy) the 21-bit field holds: 2,097,152, twenty times the largest
     * benchmark policy (100,000 rules) and a thousand times the largest per-workload policy the
     * policy compiler produced for a 10,000-workload tenant (2,143 rules, docs/benchmarks.md).
     */
    static final int MAX_RULES = 1 << 21;
    /** Candidates a cell may scan: the 8-bit count field; {@link PortIndexedCell#THRESHOLD} is below it. */
    static final int MAX_SCANNED = 0xff;
    /** No match: above every rank. */
    static final int NONE = Integer.MAX_VALUE;

    private CellWord() {
    }

    static long candidate(int priority, boolean hasApps, int proto, int portLo, int portHi) {
        return OCCUPIED | (long) priority << 41 | (hasApps ? HAS_APPS : 0) | (long) proto << 32 | (long) portLo << 16 | portHi;
    }

    /** A cell of {@code count} scanned candidates from {@code start}, or an indexed cell when count is 0. */
    static long multi(long first, int count, int start) {
        return OCCUPIED | MULTI | (first & (0x3fffffL << 40)) | (long) count << 32 | (start & 0xffffffffL);
    }

    static int rank(long w) {
        return (int) (w >>> 40) & 0x3fffff;
    }

    static int priority(long w) {
        return (int) (w >>> 41) & 0x1fffff;
    }

    static boolean hasApps(long w) {
        return (w & HAS_APPS) != 0;
    }

    static int proto(long w) {
        return (int) (w >>> 32) & 0xff;
    }

    static int portLo(long w) {
        return (int) w >>> 16;
    }

    static int portHi(long w) {
        return (int) w & 0xffff;
    }

    static int count(long w) {
        return (int) (w >>> 32) & 0xff;
    }

    static int start(long w) {
        return (int) w;
    }

    /**
     * The candidate's rank when it matches the packet, else {@link #NONE}. With the application
     * unknown a candidate with apps matches on L3/L4 alone; the apps list is read only for a
     * candidate that has one and a known application.
     */
    static int match(long c, int proto, int port, int app, int[][] apps) {
        int cp = (int) (c >>> 32) & 0xff;
        int lo = (int) c >>> 16;
        int hi = (int) c & 0xffff;
        if ((cp == 0 || cp == proto) && ((port - lo) | (hi - port)) >= 0) {
            if ((c & HAS_APPS) == 0 || app == Classifier.APP_UNKNOWN || contains(apps[priority(c)], app)) {
                return rank(c);
            }
        }
        return NONE;
    }

    static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
