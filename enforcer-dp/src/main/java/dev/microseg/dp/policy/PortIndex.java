package dev.microseg.dp.policy;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Best rank ({@link CellWord}) by (protocol, port) over a set of candidates, by elementary
 * intervals: for each protocol the candidates name, plus "any other protocol", the port space is
 * cut at every range boundary and each interval holds the lowest rank covering it. A lookup is a
 * scan of the protocols named (a handful: TCP, UDP, ICMP, ...) and a branch-free binary search;
 * memory is O(candidates) per protocol named.
 */
final class PortIndex {
    private final int[] protos;
    private final int[][] bounds;
    private final int[][] best;

    /** @param cand candidates in ascending priority */
    PortIndex(long[] cand, int length) {
        TreeSet<Integer> concrete = new TreeSet<>();
        for (int j = 0; j < length; j++) {
            int p = CellWord.proto(cand[j]);
            if (p != 0) {
                concrete.add(p);
            }
        }
        protos = concrete.stream().mapToInt(Integer::intValue).toArray();
        bounds = new int[protos.length + 1][];
        best = new int[protos.length + 1][];
        for (int k = 0; k <= protos.length; k++) {
            build(k, k < protos.length ? protos[k] : -1, cand, length);
        }
    }

    private void build(int k, int proto, long[] cand, int length) {
        TreeSet<Integer> cuts = new TreeSet<>();
        cuts.add(0);
        for (int j = 0; j < length; j++) {
            int p = CellWord.proto(cand[j]);
            if (p == 0 || p == proto) {
                cuts.add(CellWord.portLo(cand[j]));
                if (CellWord.portHi(cand[j]) < 0xffff) {
                    cuts.add(CellWord.portHi(cand[j]) + 1);
                }
            }
        }
        int[] b = cuts.stream().mapToInt(Integer::intValue).toArray();
        int[] v = new int[b.length];
        Arrays.fill(v, CellWord.NONE);
        // Candidates arrive in priority order: each paints the intervals nobody painted before;
        // nextFree skips painted runs (union-find with path halving), so painting is near-linear.
        int[] nextFree = new int[b.length + 1];
        for (int i = 0; i <= b.length; i++) {
            nextFree[i] = i;
        }
        for (int j = 0; j < length; j++) {
            long c = cand[j];
            int p = CellWord.proto(c);
            if (p != 0 && p != proto) {
                continue;
            }
            int hi = CellWord.portHi(c);
            for (int i = find(nextFree, Arrays.binarySearch(b, CellWord.portLo(c))); i < b.length && b[i] <= hi;
                 i = find(nextFree, i)) {
                v[i] = CellWord.rank(c);
                nextFree[i] = i + 1;
            }
        }
        bounds[k] = b;
        best[k] = v;
    }

    private static int find(int[] next, int i) {
        while (next[i] != i) {
            next[i] = next[next[i]];
            i = next[i];
        }
        return i;
    }

    int lookup(int proto, int port) {
        int k = 0;
        while (k < protos.length && protos[k] != proto) {
            k++;
        }
        int[] b = bounds[k];
        return best[k][floor(b, port)];
    }

    /**
     * The last index whose bound is at most {@code port} ({@code b[0]} is 0, so there is one).
     * Branch-free (Khuong, Morin, "Array Layouts for Comparison-Based Searching", JEA 2017): the
     * loop runs a fixed log2(bounds) steps and each step is a select, which C2 compiles to a
     * conditional move when its outcome is unpredictable, so a search over the bounds of a large
     * cell (a workload's "any source" service rules all share one) mispredicts at most the loop
     * exit, where {@link Arrays#binarySearch} mispredicts about half of its steps on random ports.
     */
    static int floor(int[] b, int port) {
        int lo = 0;
        for (int n = b.length; n > 1; ) {
            int half = n >>> 1;
            lo = b[lo + half] <= port ? lo + half : lo;
            n -= half;
        }
        return lo;
    }

    /** Bytes of the int arrays, headers left out. */
    long memoryBytes() {
        long n = protos.length;
        for (int k = 0; k < bounds.length; k++) {
            n += bounds[k].length + best[k].length;
        }
        return n * Integer.BYTES;
    }
}
