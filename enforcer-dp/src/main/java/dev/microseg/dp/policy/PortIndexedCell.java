package dev.microseg.dp.policy;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * A cell with many candidates (rules sharing one exact address pair, differing in protocol and
 * ports), indexed so a lookup does not scan them all. For each protocol present, plus "any other
 * protocol", the port space is cut into elementary intervals at every range boundary and each
 * interval holds the best priority among the candidates without apps that cover it: a binary
 * search answers the L3/L4 part in O(log n). Candidates with apps are kept aside in priority
 * order and scanned only while they could still beat that answer. Memory is O(candidates) per
 * protocol present.
 */
final class PortIndexedCell {
    /** Cells with more candidates than this are indexed; smaller ones are scanned. */
    static final int THRESHOLD = 8;

    private final int[] protos;
    private final int[][] bounds;
    private final int[][] best;
    private final long[] appCands;

    PortIndexedCell(long[] cand, int start, int length, int[][] apps) {
        TreeSet<Integer> concrete = new TreeSet<>();
        int appCount = 0;
        for (int j = start; j < start + length; j++) {
            int p = TupleTable.proto(cand[j]);
            if (p != 0) {
                concrete.add(p);
            }
            if (apps[TupleTable.priority(cand[j])] != null) {
                appCount++;
            }
        }
        protos = concrete.stream().mapToInt(Integer::intValue).toArray();
        bounds = new int[protos.length + 1][];
        best = new int[protos.length + 1][];
        for (int k = 0; k <= protos.length; k++) {
            int proto = k < protos.length ? protos[k] : -1;
            build(k, proto, cand, start, length, apps);
        }
        appCands = new long[appCount];
        int a = 0;
        for (int j = start; j < start + length; j++) {
            if (apps[TupleTable.priority(cand[j])] != null) {
                appCands[a++] = cand[j];
            }
        }
    }

    /** Elementary intervals for one protocol (-1: a protocol no candidate names). */
    private void build(int k, int proto, long[] cand, int start, int length, int[][] apps) {
        TreeSet<Integer> cuts = new TreeSet<>();
        cuts.add(0);
        for (int j = start; j < start + length; j++) {
            long c = cand[j];
            int p = TupleTable.proto(c);
            if (apps[TupleTable.priority(c)] == null && (p == 0 || p == proto)) {
                cuts.add(TupleTable.portLo(c));
                if (TupleTable.portHi(c) < 0xffff) {
                    cuts.add(TupleTable.portHi(c) + 1);
                }
            }
        }
        int[] b = cuts.stream().mapToInt(Integer::intValue).toArray();
        int[] v = new int[b.length];
        Arrays.fill(v, TupleTable.NONE);
        // Candidates arrive in priority order: each paints the intervals nobody painted before.
        // nextFree[i] skips painted runs (path-halving union-find), so painting is near-linear.
        int[] nextFree = new int[b.length + 1];
        for (int i = 0; i <= b.length; i++) {
            nextFree[i] = i;
        }
        for (int j = start; j < start + length; j++) {
            long c = cand[j];
            int p = TupleTable.proto(c);
            if (apps[TupleTable.priority(c)] != null || (p != 0 && p != proto)) {
                continue;
            }
            int from = Arrays.binarySearch(b, TupleTable.portLo(c));
            int hi = TupleTable.portHi(c);
            for (int i = find(nextFree, from); i < b.length && b[i] <= hi; i = find(nextFree, i)) {
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

    int lookup(int proto, int port, int app, int[][] apps) {
        int k = Arrays.binarySearch(protos, proto);
        if (k < 0) {
            k = protos.length;
        }
        int[] b = bounds[k];
        int i = Arrays.binarySearch(b, port);
        if (i < 0) {
            i = -i - 2;
        }
        int result = best[k][i];
        for (long c : appCands) {
            int priority = TupleTable.priority(c);
            if (priority >= result) {
                break;
            }
            int p = TupleTable.proto(c);
            if ((p == 0 || p == proto) && port >= TupleTable.portLo(c) && port <= TupleTable.portHi(c)
                && (app == Classifier.APP_UNKNOWN || TupleTable.contains(apps[priority], app))) {
                return priority;
            }
        }
        return result;
    }
}
