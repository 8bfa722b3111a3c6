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
        long cand = TupleTable.candidate(pr.priority(), r.proto(), r.portLo(), r.portHi());
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

    /** The tuples, ordered by their best candidate's priority (the order lookups probe them in). */
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
        out.sort(Comparator.comparingInt(t -> t.minPriority));
        return out.toArray(TupleTable[]::new);
    }

    private static TupleTable buildTuple(int srcLength, int dstLength, Map<Key, Cell> cellMap, int[][] apps) {
        List<PortIndexedCell> indexed = new ArrayList<>();
        int n = cellMap.size();
        boolean compact = true;
        for (Key k : cellMap.keySet()) {
            compact &= k.a == 0 && k.c == 0;
        }
        int stride = compact ? TupleTable.COMPACT_STRIDE : TupleTable.FULL_STRIDE;
        int slotCount = (int) Math.max(2, Math.ceil(n / TupleTable.MAX_LOAD));
        long[] table = new long[Math.multiplyExact(slotCount, stride)];
        long[] bloom = new long[Integer.highestOneBit(Math.max(1, (int) ((long) n * TupleTable.BLOOM_BITS_PER_CELL / 64)) * 2 - 1)];
        int total = 0;
        for (Cell c : cellMap.values()) {
            total += c.size > PortIndexedCell.THRESHOLD || c.size == 1 ? 0 : c.size;
        }
        long[] cand = new long[total];
        int next = 0;
        int minPriority = TupleTable.NONE;
        for (Map.Entry<Key, Cell> e : cellMap.entrySet()) {
            Key k = e.getKey();
            Cell c = e.getValue();
            minPriority = Math.min(minPriority, TupleTable.priority(c.cand[0]));
            long h = TupleTable.hash(k.a, k.b, k.c, k.d);
            bloom[TupleTable.bloomWord(h, bloom.length - 1)] |= TupleTable.bloomBits(h);
            int i = TupleTable.home(h, slotCount);
            while (table[i * stride + stride - 2] != 0) {
                if (++i == slotCount) {
                    i = 0;
                }
            }
            int base = i * stride;
            if (compact) {
                table[base] = k.b;
                table[base + 1] = k.d;
            } else {
                table[base] = k.a;
                table[base + 1] = k.b;
                table[base + 2] = k.c;
                table[base + 3] = k.d;
            }
            int info = base + stride - 2;
            table[info + 1] = c.cand[0];
            if (c.size == 1) {
                table[info] = 1;
            } else if (c.size > PortIndexedCell.THRESHOLD) {
                indexed.add(new PortIndexedCell(c.cand, c.size, apps));
                table[info] = (long) (indexed.size() - 1) << 32 | TupleTable.INDEXED | c.size;
            } else {
                System.arraycopy(c.cand, 0, cand, next, c.size);
                table[info] = (long) next << 32 | c.size;
                next += c.size;
            }
        }
        return new TupleTable(srcLength, dstLength, bloom, table, compact, cand, minPriority,
            indexed.toArray(PortIndexedCell[]::new));
    }
}
