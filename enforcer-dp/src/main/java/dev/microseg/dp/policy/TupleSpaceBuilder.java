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
 * destination ranges are split into prefixes, each prefix pair lands in the tuple of its two
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

    private final Map<Integer, Map<Key, Cell>> tuples = new HashMap<>();
    private long entries;

    /** Adds a rule; rules must arrive in ascending priority. */
    void add(ClassifierRule r, int priority) {
        List<long[]> src = new ArrayList<>(1);
        List<long[]> dst = new ArrayList<>(1);
        Prefixes.cover(r.srcLo(), r.srcHi(), (hi, lo, len) -> src.add(new long[] {hi, lo, len}));
        Prefixes.cover(r.dstLo(), r.dstHi(), (hi, lo, len) -> dst.add(new long[] {hi, lo, len}));
        boolean catchAll = r.apps().isEmpty() && r.proto() == 0 && r.portLo() == 0 && r.portHi() == 0xffff;
        long cand = TupleTable.candidate(priority, r.proto(), r.portLo(), r.portHi());
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
        List<TupleTable> out = new ArrayList<>(tuples.size());
        for (Map.Entry<Integer, Map<Key, Cell>> e : tuples.entrySet()) {
            out.add(buildTuple(e.getKey() >>> 8, e.getKey() & 0xff, e.getValue(), apps));
        }
        out.sort(Comparator.comparingInt(t -> t.minPriority));
        return out.toArray(TupleTable[]::new);
    }

    private static TupleTable buildTuple(int srcLength, int dstLength, Map<Key, Cell> cells, int[][] apps) {
        List<PortIndexedCell> indexed = new ArrayList<>();
        int slots = Integer.highestOneBit(Math.max(2, cells.size() * 2 - 1)) << 1;
        long[] table = new long[slots * 5];
        int total = 0;
        for (Cell c : cells.values()) {
            total += c.size > PortIndexedCell.THRESHOLD ? 0 : c.size;
        }
        long[] cand = new long[total];
        int next = 0;
        int minPriority = TupleTable.NONE;
        for (Map.Entry<Key, Cell> e : cells.entrySet()) {
            Key k = e.getKey();
            Cell c = e.getValue();
            minPriority = Math.min(minPriority, (int) (c.cand[0] >>> 40));
            int i = (int) TupleTable.hash(k.a, k.b, k.c, k.d) & (slots - 1);
            while (table[i * 5 + 4] != 0) {
                i = (i + 1) & (slots - 1);
            }
            table[i * 5] = k.a;
            table[i * 5 + 1] = k.b;
            table[i * 5 + 2] = k.c;
            table[i * 5 + 3] = k.d;
            if (c.size > PortIndexedCell.THRESHOLD) {
                indexed.add(new PortIndexedCell(c.cand, 0, c.size, apps));
                table[i * 5 + 4] = (long) (indexed.size() - 1) << 32 | TupleTable.INDEXED | c.size;
            } else {
                System.arraycopy(c.cand, 0, cand, next, c.size);
                table[i * 5 + 4] = (long) next << 32 | c.size;
                next += c.size;
            }
        }
        return new TupleTable(srcLength, dstLength, table, slots - 1, cand, minPriority,
            indexed.toArray(PortIndexedCell[]::new));
    }
}
