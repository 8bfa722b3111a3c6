package dev.microseg.dp.policy;

/**
 * One tuple of the tuple space: every (source prefix, destination prefix) pair of one length
 * pair, in an open-addressing hash table keyed by the masked addresses. Each key leads to a
 * cell, the candidates sharing that address pair sorted by priority, each with its protocol and
 * port range. Layout is primitive arrays only: a register-blocked Bloom filter ({@code bloom})
 * that rejects most keys not present from one long; the open-addressing table ({@code table}) at
 * most {@link #MAX_LOAD} full, whose slot holds the key, the cell's candidate start and count,
 * and its first candidate, so a cell of one, the usual case, needs no further load (6 longs, or 4
 * when every key is IPv4-mapped and the high words can be left out); and {@code cand}, one long
 * per candidate of larger cells ({@code priority << 40 | proto << 32 | portLo << 16 | portHi}).
 * A cell with more than {@link PortIndexedCell#THRESHOLD} candidates is replaced by a
 * {@link PortIndexedCell}, so a cell costs at most a short scan or two binary searches.
 */
final class TupleTable {
    static final int NONE = Integer.MAX_VALUE;
    /** Longs per slot: 4 key words, cell info, first candidate. */
    static final int FULL_STRIDE = 6;
    /**
     * Longs per slot when every key's high words are zero (all IPv4-mapped, the usual case):
     * 2 key words, cell info, first candidate. 32 bytes, two slots per cache line.
     */
    static final int COMPACT_STRIDE = 4;
    /** Slots per cell: the table is at most 70% full (linear probing: ~2.2 probes per hit). */
    static final double MAX_LOAD = 0.7;
    /**
     * Bloom filter bits per cell. A register-blocked filter (Putze, Sanders, Singler,
     * "Cache-, Hash- and Space-Efficient Bloom Filters", 2007: all k = 3 bits in one 64-bit word)
     * with 12 bits per key answers "not here" with under 2% false positives from one long, so the
     * tuples a packet does not match, most of them, cost a load from an array a few hundred
     * kilobytes small even at 100,000 rules, instead of a cache miss into the slots.
     */
    static final int BLOOM_BITS_PER_CELL = 12;

    final int srcLength;
    final int dstLength;
    final long srcMaskHi;
    final long srcMaskLo;
    final long dstMaskHi;
    final long dstMaskLo;
    /** The lowest priority of any candidate here: the pruning bound. */
    final int minPriority;
    private final long[] bloom;
    private final int bloomMask;
    private final long[] table;
    private final int slotCount;
    private final boolean compact;
    private final int stride;
    private final long[] cand;
    /** Indexed cells; a cell word with {@link #INDEXED} set holds an index into this array. */
    private final PortIndexedCell[] indexed;
    static final long INDEXED = 1L << 31;

    TupleTable(int srcLength, int dstLength, long[] bloom, long[] table, boolean compact, long[] cand, int minPriority,
               PortIndexedCell[] indexed) {
        this.srcLength = srcLength;
        this.dstLength = dstLength;
        this.srcMaskHi = Prefixes.maskHi(srcLength);
        this.srcMaskLo = Prefixes.maskLo(srcLength);
        this.dstMaskHi = Prefixes.maskHi(dstLength);
        this.dstMaskLo = Prefixes.maskLo(dstLength);
        this.bloom = bloom;
        this.bloomMask = bloom.length - 1;
        this.table = table;
        this.compact = compact;
        this.stride = compact ? COMPACT_STRIDE : FULL_STRIDE;
        this.slotCount = table.length / stride;
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

    /** The filter word index and bit mask of a key hash. */
    static int bloomWord(long h, int mask) {
        return (int) ((h * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    static long bloomBits(long h) {
        long g = h * 0x9E3779B97F4A7C15L;
        return 1L << (g >>> 34) | 1L << (g >>> 28) | 1L << (g >>> 22);
    }

    /** Home slot: Lemire's multiply-shift range reduction of the hash's high half. */
    static int home(long h, int slotCount) {
        return (int) (((h >>> 32) * slotCount) >>> 32);
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
        if (compact && (a | c) != 0) {
            return NONE;
        }
        long h = hash(a, b, c, d);
        long bits = bloomBits(h);
        if ((bloom[bloomWord(h, bloomMask)] & bits) != bits) {
            return NONE;
        }
        int i = home(h, slotCount);
        long[] t = table;
        int w = stride;
        while (true) {
            int base = i * w;
            long cell = t[base + w - 2];
            if (cell == 0) {
                return NONE;
            }
            if (compact ? t[base] == b && t[base + 1] == d
                : t[base + 1] == b && t[base + 3] == d && t[base] == a && t[base + 2] == c) {
                if ((cell & INDEXED) != 0) {
                    return indexed[(int) (cell >>> 32)].lookup(proto, port, app);
                }
                if ((int) cell == 1) {
                    return match(t[base + w - 1], proto, port, app, apps);
                }
                return scan((int) (cell >>> 32), (int) cell, proto, port, app, apps);
            }
            if (++i == slotCount) {
                i = 0;
            }
        }
    }

    private int scan(int start, int length, int proto, int port, int app, int[][] apps) {
        for (int j = start, end = start + length; j < end; j++) {
            int p = match(cand[j], proto, port, app, apps);
            if (p != NONE) {
                return p;
            }
        }
        return NONE;
    }

    private static int match(long c, int proto, int port, int app, int[][] apps) {
        int cp = (int) (c >>> 32) & 0xff;
        if ((cp == 0 || cp == proto) && port >= ((int) c >>> 16) && port <= ((int) c & 0xffff)) {
            int priority = (int) (c >>> 40);
            int[] ruleApps = apps[priority];
            if (ruleApps == null || app == Classifier.APP_UNKNOWN || contains(ruleApps, app)) {
                return priority;
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
        int n = 0;
        for (int i = stride - 2; i < table.length; i += stride) {
            if (table[i] != 0) {
                n++;
            }
        }
        return n;
    }

    int candidates() {
        return cand.length;
    }

    long memoryBytes() {
        return (long) (bloom.length + table.length + cand.length) * Long.BYTES;
    }
}
