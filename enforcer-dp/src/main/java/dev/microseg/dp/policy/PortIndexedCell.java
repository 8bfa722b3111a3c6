package dev.microseg.dp.policy;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A cell with many candidates (rules sharing one exact address pair, differing in protocol,
 * ports and apps), indexed so a lookup never scans them: one {@link PortIndex} over the
 * candidates without apps, one over those with apps taken on L3/L4 alone (for an application
 * not yet known), and one per application id over the candidates listing it. A lookup is the
 * minimum of two indexes, O(log n); memory is O(candidates × apps per rule).
 */
final class PortIndexedCell {
    /**
     * Cells with more candidates than this are indexed; smaller ones are scanned. A scan reads
     * one long per candidate from one array (24 longs are 3 cache lines), while an index costs a
     * chain of dependent loads, so small cells are cheaper to scan (measured with the
     * benchmark's rule sets).
     */
    static final int THRESHOLD = 24;

    private final PortIndex plain;
    private final PortIndex anyApp;
    private final int[] appIds;
    private final PortIndex[] byApp;

    PortIndexedCell(long[] cand, int length, int[][] apps) {
        long[] plainCands = new long[length];
        long[] appCands = new long[length];
        int np = 0;
        int na = 0;
        TreeMap<Integer, long[]> perApp = new TreeMap<>();
        TreeMap<Integer, Integer> perAppSize = new TreeMap<>();
        for (int j = 0; j < length; j++) {
            int[] a = apps[TupleTable.priority(cand[j])];
            if (a == null) {
                plainCands[np++] = cand[j];
                continue;
            }
            appCands[na++] = cand[j];
            for (int app : a) {
                long[] list = perApp.computeIfAbsent(app, x -> new long[length]);
                int size = perAppSize.getOrDefault(app, 0);
                if (size == 0 || list[size - 1] != cand[j]) {
                    list[size++] = cand[j];
                    perAppSize.put(app, size);
                }
            }
        }
        plain = new PortIndex(plainCands, np);
        anyApp = na == 0 ? null : new PortIndex(appCands, na);
        appIds = perApp.keySet().stream().mapToInt(Integer::intValue).toArray();
        byApp = new PortIndex[appIds.length];
        for (int k = 0; k < appIds.length; k++) {
            byApp[k] = new PortIndex(perApp.get(appIds[k]), perAppSize.get(appIds[k]));
        }
    }

    int lookup(int proto, int port, int app) {
        int result = plain.lookup(proto, port);
        if (anyApp == null) {
            return result;
        }
        int withApp;
        if (app == Classifier.APP_UNKNOWN) {
            withApp = anyApp.lookup(proto, port);
        } else {
            int k = Arrays.binarySearch(appIds, app);
            withApp = k < 0 ? TupleTable.NONE : byApp[k].lookup(proto, port);
        }
        return Math.min(result, withApp);
    }
}
