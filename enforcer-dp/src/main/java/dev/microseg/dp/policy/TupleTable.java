package dev.microseg.dp.policy;

/**
 * One tuple of the tuple space: every (source prefix, destination prefix) pair of one length
 * pair, in an open-addressing hash table keyed by the masked addresses. Each key leads to a
 * cell, the candidates sharing that address pair in priority order ({@link CellWord}).
 *
 * <p>What a lookup touches, in order:
 * <ol>
 * <li>the tuple's fields (masks, constants) and one long of its <b>filter</b>, a register-blocked
 * Bloom filter (Putze, Sanders, Singler, "Cache-, Hash- and Space-Efficient Bloom Filters",
 * WEA 2007: all k = 3 bits of a key in one word) whose top 16 bits hold a lower bound of the
 * ranks of the keys hashed to that word. The filter has at least 12 bits per cell (at most 4 keys
 * per 48-bit word: about 1.6% false positives by the Poisson model of Putze et al.), 0.6 MB for
 * the 295,508 entries of the 100,000-rule benchmark policy, about the size of this machine's
 * L2 cache, so a tuple the packet does not match, and a tuple whose keys near the packet's cannot
 * beat the match already found, is dismissed without touching the table;</li>
 * <li>only then the table: one slot, or a short linear-probing run of adjacent slots. A
 * <b>packed</b> table (every key agrees outside the low 32 bits of each address: all IPv4, or
 * IPv6 pools within a /96) stores a key as one long, {@code srcLow32 << 32 | dstLow32}, so a slot
 * is 16 bytes: key and cell word, four to a cache line. Otherwise a slot is the four key longs and
 * the cell word (40 bytes);</li>
 * <li>for the usual one-candidate cell nothing more: the cell word is the candidate. A cell of up
 * to {@link PortIndexedCell#THRESHOLD} candidates is scanned in {@code cand}; a bigger one is a
 * {@link PortIndexedCell}.</li>
 * </ol>
 */
final class TupleTable {
    static final int NONE = CellWord.NONE;
    /** Longs per slot of a packed table: key, cell word. */
    static final int PACKED_STRIDE = 2;
    /** Longs per slot of a wide table: four key words, cell word. */
    static final int WIDE_STRIDE = 5;
    /**
     * Slots per cell: at most 70% full, so a successful linear probe reads 2.2 slots on average
     * (Knuth, TAOCP vol. 3, 6.4: ½(1 + 1/(1 − α))), 35 bytes of a packed table: usually one cache line.
     */
    static final double MAX_LOAD = 0.7;
    /**
     * Filter bits per cell, at least: the word count is rounded up to a power of two, so a word
     * holds at most 48 / 12 = 4 keys, k = 3 bits each, about 1.6% false positives.
     */
    static final int FILTER_BITS_PER_CELL = 12;
    /** Bloom bits per filter word; the other 16 hold the best rank hashed to it, shifted right by {@code rankShift}. */
    static final int FILTER_WORD_BITS = 48;

    final int srcLength;
    final int dstLength;
    final long srcMaskHi;
    final long srcMaskLo;
    final long dstMaskHi;
    final long dstMaskLo;
    /** The lowest rank of any candidate here: the tuple is skipped when it cannot beat the match found. */
    final int minRank;
    final boolean packed;
    /** Packed tables: the masked high words and the high halves of the masked low words every key shares. */
    private final long srcHiConst;
    private final long dstHiConst;
    private final long srcTopConst;
    private final long dstTopConst;
    private final long[] filter;
    private final int filterMask;
    /** A filter word's top 16 bits shifted left by this are a lower bound of the ranks hashed to it. */
    private final int rankShift;
    private final long[] table;
    private final int slotCount;
    private final long[] cand;
    private final PortIndexedCell[] indexed;
    private final int cells;

    TupleTable(int srcLength, int dstLength, boolean packed, long[] sharedParts, long[] filter, int rankShift, long[] table,
               long[] cand, PortIndexedCell[] indexed, int minRank, int cells) {
        this.srcLength = srcLength;
        this.dstLength = dstLength;
        this.srcMaskHi = Prefixes.maskHi(srcLength);
        this.srcMaskLo = Prefixes.maskLo(srcLength);
        this.dstMaskHi = Prefixes.maskHi(dstLength);
        this.dstMaskLo = Prefixes.maskLo(dstLength);
        this.packed = packed;
        this.srcHiConst = sharedParts[0];
        this.dstHiConst = sharedParts[1];
        this.srcTopConst = sharedParts[2];
        this.dstTopConst = sharedParts[3];
        this.filter = filter;
        this.filterMask = filter.length - 1;
        this.rankShift = rankShift;
        this.table = table;
        this.slotCount = table.length / (packed ? PACKED_STRIDE : WIDE_STRIDE);
        this.cand = cand;
        this.indexed = indexed;
        this.minRank = minRank;
        this.cells = cells;
    }

    /** The packed key of masked low words. */
    static long packedKey(long b, long d) {
        return b << 32 | (d & 0xffffffffL);
    }

    /** A 64-bit finaliser (MurmurHash3's fmix64): every key bit reaches every hash bit. */
    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        return k ^ (k >>> 33);
    }

    static long wideHash(long a, long b, long c, long d) {
        return mix(a * 0x9E3779B97F4A7C15L ^ b * 0xC2B2AE3D27D4EB4FL ^ c * 0x165667B19E3779F9L ^ d * 0x27D4EB2F165667C5L);
    }

    static int filterWord(long h, int mask) {
        return (int) (h >>> 38) & mask;
    }

    /** The key's three bits among a word's low 48: three 6-bit fields of a second hash, scaled by 48/64. */
    static long filterBits(long h) {
        long g = h * 0x9E3779B97F4A7C15L;
        return 1L << ((g >>> 58) * 3 >>> 2) | 1L << (((g >>> 52) & 63) * 3 >>> 2) | 1L << (((g >>> 46) & 63) * 3 >>> 2);
    }

    /** Home slot: Lemire's multiply-shift range reduction of the hash's low half. */
    static int home(long h, int slotCount) {
        return (int) (((h & 0xffffffffL) * slotCount) >>> 32);
    }

    /**
     * The best (lowest) rank among this tuple's candidates matching the packet if it is below
     * {@code best}, else {@link #NONE} or a rank not below {@code best}.
     */
    int lookup(long sHi, long sLo, long dHi, long dLo, int proto, int port, int app, int best, int[][] apps) {
        long b = sLo & srcMaskLo;
        long d = dLo & dstMaskLo;
        long h;
        long key = 0;
        long a = 0;
        long c = 0;
        if (packed) {
            if (((sHi & srcMaskHi ^ srcHiConst) | (dHi & dstMaskHi ^ dstHiConst) | (b >>> 32 ^ srcTopConst)
                | (d >>> 32 ^ dstTopConst)) != 0) {
                return NONE;
            }
            key = packedKey(b, d);
            h = mix(key);
        } else {
            a = sHi & srcMaskHi;
            c = dHi & dstMaskHi;
            h = wideHash(a, b, c, d);
        }
        long w = filter[filterWord(h, filterMask)];
        long bits = filterBits(h);
        if ((w & bits) != bits || (int) (w >>> FILTER_WORD_BITS) << rankShift >= best) {
            return NONE;
        }
        long[] t = table;
        int i = home(h, slotCount);
        if (packed) {
            while (true) {
                long cell = t[2 * i + 1];
                if (cell == 0) {
                    return NONE;
                }
                if (t[2 * i] == key) {
                    return cell(cell, proto, port, app, best, apps);
                }
                if (++i == slotCount) {
                    i = 0;
                }
            }
        }
        while (true) {
            int base = i * WIDE_STRIDE;
            long cell = t[base + 4];
            if (cell == 0) {
                return NONE;
            }
            if (t[base + 1] == b && t[base + 3] == d && t[base] == a && t[base + 2] == c) {
                return cell(cell, proto, port, app, best, apps);
            }
            if (++i == slotCount) {
                i = 0;
            }
        }
    }

    private int cell(long w, int proto, int port, int app, int best, int[][] apps) {
        if ((w & CellWord.MULTI) == 0) {
            return CellWord.match(w, proto, port, app, apps);
        }
        if (CellWord.rank(w) >= best) {
            return NONE;
        }
        int n = CellWord.count(w);
        if (n == 0) {
            return indexed[CellWord.start(w)].lookup(proto, port, app);
        }
        for (int j = CellWord.start(w), end = j + n; j < end; j++) {
            long c = cand[j];
            if (CellWord.rank(c) >= best) {
                return NONE;
            }
            int r = CellWord.match(c, proto, port, app, apps);
            if (r != NONE) {
                return r;
            }
        }
        return NONE;
    }

    int cells() {
        return cells;
    }

    int slots() {
        return slotCount;
    }

    int candidates() {
        return cand.length;
    }

    /** Bytes of the arrays a lookup may read, port-indexed cells included. */
    long memoryBytes() {
        long n = (long) (filter.length + table.length + cand.length) * Long.BYTES;
        for (PortIndexedCell p : indexed) {
            n += p.memoryBytes();
        }
        return n;
    }

    long filterBytes() {
        return (long) filter.length * Long.BYTES;
    }
}
