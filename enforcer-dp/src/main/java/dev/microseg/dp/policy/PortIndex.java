package dev.microseg.dp.policy;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Best priority by (protocol, port) over a set of candidates, by elementary intervals: for each
 * protocol the candidates name, plus "any other protocol", the port space is cut at every range
 * boundary and each interval holds the lowest priority covering it. A lookup is a scan of the
 * protocols named (a handful: TCP, UDP, ICMP, ...) and a binary search; memory is O(candidates)
 * per protocol named.
 */
final class PortIndex {
    private final int[] protos;
    private final int[][] bounds;
    private final int[][] best;

    /** @param cand candidates in ascending priority */
    PortIndex(long[] cand, int length) {
        TreeSet<Integer> concrete = new TreeSet<>();
        for (int j = 0; j < length; j++) {
            int p = TupleTable.proto(cand[j]);
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
            int p = TupleTable.proto(cand[j]);
            if (p == 0 || p == proto) {
                cuts.add(TupleTable.portLo(cand[j]));
                if (TupleTable.portHi(cand[j]) < 0xffff) {
                    cuts.add(TupleTable.portHi(cand[j]) + 1);
                }
            }
        }
        int[] b = cuts.stream().mapToInt(Integer::intValue).toArray();
        int[] v = new int[b.length];
        Arrays.fill(v, TupleTable.NONE);
        // Candidates arrive in priority order: each paints the intervals nobody painted before;
        // nextFree skips painted runs (union-find with path halving), so painting is near-linear.
        int[] nextFree = new int[b.length + 1];
        for (int i = 0; i <= b.length; i++) {
            nextFree[i] = i;
        }
        for (int j = 0; j < length; j++) {
            long c = cand[j];
            int p = TupleTable.proto(c);
            if (p != 0 && p != proto) {
                continue;
            }
            int hi = TupleTable.portHi(c);
            for (int i = find(nextFree, Arrays.binarySearch(b, TupleTable.portLo(c))); i < b.length && b[i] <= hi;
                 i = find(nextFree, i)) {
                v[i] = TupleTable.priority(c);
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
        int i = Arrays.binarySearch(bounds[k], port);
        return best[k][i < 0 ? -i - 2 : i];
    }
}
