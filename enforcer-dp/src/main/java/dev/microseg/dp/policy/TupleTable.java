package dev.microseg.dp.policy;

/**
 * One tuple of the tuple space: every (source prefix, destination prefix) pair of one length
 * pair, in an open-addressing hash table keyed by the masked addresses. Each key leads to a
 * cell, the candidates sharing that address pair sorted by priority, each with its protocol and
 * port range. Layout is primitive arrays only: {@code slots} is the hash table proper, one long
 * per slot holding a 32-bit fingerprint of the key and the cell number, at most half full;
 * {@code cells} has 5 longs per cell (4 key words, the candidates' start and count);
 * {@code cand} one long per candidate ({@code priority << 40 | proto << 32 | portLo << 16 |
 * portHi}). A probe that misses, the common case in most tuples, reads only the compact slot
 * array (8 bytes a slot), which stays in cache far longer than the keys would. A cell with more than
 * {@link PortIndexedCell#THRESHOLD} candidates is replaced by a {@link PortIndexedCell}, so a cell
 * costs at most a short scan or two binary searches.
 */
final class TupleTable {
    static final int NONE = Integer.MAX_VALUE;
    static final int STRIDE = 5;

    final int srcLength;
    final int dstLength;
    final long srcMaskHi;
    final long srcMaskLo;
    final long dstMaskHi;
    final long dstMaskLo;
    /** The lowest priority of any candidate here: the pruning bound. */
    final int minPriority;
    private final long[] slots;
    private final long[] cells;
    private final int slotMask;
    private final long[] cand;
    /** Indexed cells; a cell word with {@link #INDEXED} set holds an index into this array. */
    private final PortIndexedCell[] indexed;
    static final long INDEXED = 1L << 31;

    TupleTable(int srcLength, int dstLength, long[] slots, long[] cells, long[] cand, int minPriority,
               PortIndexedCell[] indexed) {
        this.srcLength = srcLength;
        this.dstLength = dstLength;
        this.srcMaskHi = Prefixes.maskHi(srcLength);
        this.srcMaskLo = Prefixes.maskLo(srcLength);
        this.dstMaskHi = Prefixes.maskHi(dstLength);
        this.dstMaskLo = Prefixes.maskLo(dstLength);
        this.slots = slots;
        this.cells = cells;
        this.slotMask = slots.length - 1;
        this.cand = cand;
        this.minPriority = minPriority;
        this.indexed = indexed;
    }

    static int priority(long c) {
        return (int) (c >>> 40);
    }

    static int proto(long c) {
        return (int) (c >>> 32) & 0xff;
    }

    static int portLo(long c) {
        return (int) c >>> 16;
    }

    static int portHi(long c) {
        return (int) c & 0xffff;
    }

    static long hash(long a, long b, long c, long d) {
        long h = a * 0x9E3779B97F4A7C15L ^ b * 0xC2B2AE3D27D4EB4FL ^ c * 0x165667B19E3779F9L ^ d * 0x27D4EB2F165667C5L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 32);
    }

    static long candidate(int priority, int proto, int portLo, int portHi) {
        return (long) priority << 40 | (long) proto << 32 | (long) portLo << 16 | portHi;
    }

    /**
     * The best (lowest) priority among this tuple's candidates matching the packet, or
     * {@link #NONE}. With {@code app} unknown a candidate with apps matches on L3/L4 alone.
     */
    int lookup(long sHi, long sLo, long dHi, long dLo, int proto, int port, int app, int[][] apps) {
        long a = sHi & srcMaskHi;
        long b = sLo & srcMaskLo;
        long c = dHi & dstMaskHi;
        long d = dLo & dstMaskLo;
        long h = hash(a, b, c, d);
        int fp = (int) (h >>> 32);
        int i = (int) h & slotMask;
        long[] sl = slots;
        while (true) {
            long slot = sl[i];
            if (slot == 0) {
                return NONE;
            }
            if ((int) (slot >>> 32) == fp) {
                int base = ((int) slot - 1) * STRIDE;
                long[] cl = cells;
                if (cl[base + 1] == b && cl[base + 3] == d && cl[base] == a && cl[base + 2] == c) {
                    long cell = cl[base + 4];
                    if ((cell & INDEXED) != 0) {
                        return indexed[(int) (cell >>> 32)].lookup(proto, port, app);
                    }
                    return scan((int) (cell >>> 32), (int) cell, proto, port, app, apps);
                }
            }
            i = (i + 1) & slotMask;
        }
    }

    private int scan(int start, int length, int proto, int port, int app, int[][] apps) {
        for (int j = start, end = start + length; j < end; j++) {
            long c = cand[j];
            int cp = (int) (c >>> 32) & 0xff;
            if ((cp == 0 || cp == proto) && port >= ((int) c >>> 16) && port <= ((int) c & 0xffff)) {
                int priority = (int) (c >>> 40);
                int[] ruleApps = apps[priority];
                if (ruleApps == null || app == Classifier.APP_UNKNOWN || contains(ruleApps, app)) {
                    return priority;
                }
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

    int cells() {
        return cells.length / STRIDE;
    }

    int candidates() {
        return cand.length;
    }

    long memoryBytes() {
        return (long) (slots.length + cells.length + cand.length) * Long.BYTES;
    }
}
