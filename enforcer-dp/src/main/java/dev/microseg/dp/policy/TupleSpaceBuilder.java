package dev.microseg.dp.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles the rules of one direction into {@link TupleTable}s: every rule's source and
 * destination ranges are split into prefixes, expanded to the levels {@link ExpansionLevels}
 * chooses for this rule set, and each prefix pair lands in the tuple of its two
 * lengths under its masked addresses, and candidates of one address pair stay sorted by
 * priority. A candidate that matches any protocol, any port and has no apps ends its cell:
 * nothing after it can win.
 */
final class TupleSpaceBuilder {
    private record Key(long a, long b, long c, long d) {
    }

    /** Candidates of one cell, in priority order. */
    private static final class Cell {
        long[] cand = new long[2];
        int size;
        boolean closed;

        void add(long c, boolean catchAll) {
            if (closed) {
                return;
            }
            if (size == cand.length) {
                cand = Arrays.copyOf(cand, size * 2);
            }
            cand[size++] = c;
            closed = catchAll;
        }
    }

    private record Pending(ClassifierRule rule, int priority, List<long[]> src, List<long[]> dst) {
    }

    /**
     * Most table entries one rule may take through expansion. A rule that would exceed it keeps
     * its own prefix lengths in one or both dimensions: an extra tuple instead of a blow-up
     * (only rules with arbitrary, non-prefix ranges come near it).
     */
    static final long EXPANSION_BUDGET = 1024;

    private final List<Pending> pending = new ArrayList<>();
    private final long[] srcCount = new long[129];
    private final long[] dstCount = new long[129];
    private final Map<Integer, Map<Key, Cell>> tuples = new HashMap<>();
    private long entries;

    /** Adds a rule; rules must arrive in ascending priority. */
    void add(ClassifierRule r, int priority) {
        List<long[]> src = new ArrayList<>(1);
        List<long[]> dst = new ArrayList<>(1);
        Prefixes.cover(r.srcLo(), r.srcHi(), (hi, lo, len) -> src.add(new long[] {hi, lo, len}));
        Prefixes.cover(r.dstLo(), r.dstHi(), (hi, lo, len) -> dst.add(new long[] {hi, lo, len}));
        for (long[] p : src) {
            srcCount[(int) p[2]]++;
        }
        for (long[] p : dst) {
            dstCount[(int) p[2]]++;
        }
        pending.add(new Pending(r, priority, src, dst));
    }

    private static long expandedCount(List<long[]> prefixes, int[] level) {
        long n = 0;
        for (long[] p : prefixes) {
            n += 1L << Math.min(20, level[(int) p[2]] - (int) p[2]);
            if (n > EXPANSION_BUDGET) {
                return EXPANSION_BUDGET + 1;
            }
        }
        return n;
    }

    private static List<long[]> expanded(List<long[]> prefixes, int[] level) {
        List<long[]> out = new ArrayList<>();
        for (long[] p : prefixes) {
            Prefixes.expand(p[0], p[1], (int) p[2], level[(int) p[2]], (h, l, n) -> out.add(new long[] {h, l, n}));
        }
        return out;
    }

    private void place(Pending pr, int[] srcLevel, int[] dstLevel) {
        ClassifierRule r = pr.rule();
        List<long[]> src = pr.src();
        List<long[]> dst = pr.dst();
        long srcExpanded = expandedCount(src, srcLevel);
        long dstExpanded = expandedCount(dst, dstLevel);
        if (srcExpanded * dstExpanded <= EXPANSION_BUDGET) {
            src = expanded(src, srcLevel);
            dst = expanded(dst, dstLevel);
        } else if (srcExpanded * dst.size() <= EXPANSION_BUDGET) {
            src = expanded(src, srcLevel);
        } else if (src.size() * dstExpanded <= EXPANSION_BUDGET) {
            dst = expanded(dst, dstLevel);
        }
        boolean catchAll = r.apps().isEmpty() && r.proto() == 0 && r.portLo() == 0 && r.portHi() == 0xffff;
        long cand = CellWord.candidate(pr.priority(), !r.apps().isEmpty(), r.proto(), r.portLo(), r.portHi());
        for (long[] s : src) {
            for (long[] d : dst) {
                int tuple = (int) s[2] << 8 | (int) d[2];
                Key k = new Key(s[0], s[1], d[0], d[1]);
                tuples.computeIfAbsent(tuple, x -> new LinkedHashMap<>()).computeIfAbsent(k, x -> new Cell()).add(cand, catchAll);
                entries++;
            }
        }
    }

    long entries() {
        return entries;
    }

    /**
     * The tuples in the order lookups probe them: smallest first (fewest cells, then best rank).
     * A small tuple's table stays in cache, so probing it costs no miss, and the match it finds
     * bounds the rank the larger tuples must beat, which their filter words then check before
     * their slots are read: a large table is touched only when one of its keys can still win.
     */
    TupleTable[] build(int[][] apps) {
        int[] srcLevel = ExpansionLevels.choose(srcCount);
        int[] dstLevel = ExpansionLevels.choose(dstCount);
        for (Pending p : pending) {
            place(p, srcLevel, dstLevel);
        }
        pending.clear();
        List<TupleTable> out = new ArrayList<>(tuples.size());
        for (Map.Entry<Integer, Map<Key, Cell>> e : tuples.entrySet()) {
            out.add(buildTuple(e.getKey() >>> 8, e.getKey() & 0xff, e.getValue(), apps));
        }
        out.sort(Comparator.comparingInt(TupleTable::cells).thenComparingInt(t -> t.minRank));
        return out.toArray(TupleTable[]::new);
    }

    private static TupleTable buildTuple(int srcLength, int dstLength, Map<Key, Cell> cellMap, int[][] apps) {
        int n = cellMap.size();
        Key first = cellMap.keySet().iterator().next();
        long[] shared = {first.a, first.c, first.b >>> 32, first.d >>> 32};
        boolean packed = true;
        int maxRank = 0;
        int minRank = CellWord.NONE;
        int scanned = 0;
        for (Map.Entry<Key, Cell> e : cellMap.entrySet()) {
            Key k = e.getKey();
            packed &= k.a == shared[0] && k.c == shared[1] && k.b >>> 32 == shared[2] && k.d >>> 32 == shared[3];
            Cell c = e.getValue();
            int rank = CellWord.rank(c.cand[0]);
            maxRank = Math.max(maxRank, rank);
            minRank = Math.min(minRank, rank);
            scanned += c.size > PortIndexedCell.THRESHOLD || c.size == 1 ? 0 : c.size;
        }
        int stride = packed ? TupleTable.PACKED_STRIDE : TupleTable.WIDE_STRIDE;
        int slotCount = (int) Math.max(2, Math.ceil(n / TupleTable.MAX_LOAD));
        long[] table = new long[Math.multiplyExact(slotCount, stride)];
        int words = Integer.highestOneBit(
            Math.max(1, (int) ((long) n * TupleTable.FILTER_BITS_PER_CELL / TupleTable.FILTER_WORD_BITS)) * 2 - 1);
        long[] filter = new long[words];
        int rankShift = Math.max(0, 32 - Integer.numberOfLeadingZeros(maxRank) - (64 - TupleTable.FILTER_WORD_BITS));
        long[] cand = new long[scanned];
        List<PortIndexedCell> indexed = new ArrayList<>();
        int next = 0;
        for (Map.Entry<Key, Cell> e : cellMap.entrySet()) {
            Key k = e.getKey();
            Cell c = e.getValue();
            long key = TupleTable.packedKey(k.b, k.d);
            long h = packed ? TupleTable.mix(key) : TupleTable.wideHash(k.a, k.b, k.c, k.d);
            int fw = TupleTable.filterWord(h, words - 1);
            long q = (long) (CellWord.rank(c.cand[0]) >>> rankShift);
            long old = filter[fw];
            long top = old == 0 ? q : Math.min(q, old >>> TupleTable.FILTER_WORD_BITS);
            filter[fw] = top << TupleTable.FILTER_WORD_BITS | (old & (1L << TupleTable.FILTER_WORD_BITS) - 1)
                | TupleTable.filterBits(h);
            long word;
            if (c.size == 1) {
                word = c.cand[0];
            } else if (c.size > PortIndexedCell.THRESHOLD) {
                indexed.add(new PortIndexedCell(c.cand, c.size, apps));
                word = CellWord.multi(c.cand[0], 0, indexed.size() - 1);
            } else {
                System.arraycopy(c.cand, 0, cand, next, c.size);
                word = CellWord.multi(c.cand[0], c.size, next);
                next += c.size;
            }
            int i = TupleTable.home(h, slotCount);
            while (table[i * stride + stride - 1] != 0) {
                if (++i == slotCount) {
                    i = 0;
                }
            }
            int base = i * stride;
            if (packed) {
                table[base] = key;
            } else {
                table[base] = k.a;
                table[base + 1] = k.b;
                table[base + 2] = k.c;
                table[base + 3] = k.d;
            }
            table[base + stride - 1] = word;
        }
        return new TupleTable(srcLength, dstLength, packed, shared, filter, rankShift, table, cand,
            indexed.toArray(PortIndexedCell[]::new), minRank, n);
    }
}
