package dev.microseg.dp.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A cell with many candidates (rules sharing one exact address pair, differing in protocol,
 * ports and apps), indexed so a lookup never scans them: one {@link PortIndex} per application
 * case, each over the candidates that can match in that case: those without apps plus, for an
 * application not yet known, every candidate with apps (they match on L3/L4 alone), and for a
 * known application, the candidates listing it. A lookup is one binary search for the
 * application and one {@link PortIndex} lookup; memory is O(candidates) per application named in
 * the cell.
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
    private final PortIndex unknownApp;
    private final int[] appIds;
    private final PortIndex[] byApp;

    PortIndexedCell(long[] cand, int length, int[][] apps) {
        TreeSet<Integer> named = new TreeSet<>();
        for (int j = 0; j < length; j++) {
            int[] a = apps[CellWord.priority(cand[j])];
            if (a != null) {
                for (int app : a) {
                    named.add(app);
                }
            }
        }
        plain = index(cand, length, apps, Integer.MIN_VALUE);
        unknownApp = named.isEmpty() ? plain : index(cand, length, apps, Classifier.APP_UNKNOWN);
        appIds = named.stream().mapToInt(Integer::intValue).toArray();
        byApp = new PortIndex[appIds.length];
        for (int k = 0; k < appIds.length; k++) {
            byApp[k] = index(cand, length, apps, appIds[k]);
        }
    }

    /** The index over candidates that can match for {@code app} (MIN_VALUE: apps never match). */
    private static PortIndex index(long[] cand, int length, int[][] apps, int app) {
        List<Long> chosen = new ArrayList<>();
        for (int j = 0; j < length; j++) {
            int[] a = apps[CellWord.priority(cand[j])];
            if (a == null || app == Classifier.APP_UNKNOWN || (app != Integer.MIN_VALUE && CellWord.contains(a, app))) {
                chosen.add(cand[j]);
            }
        }
        return new PortIndex(chosen.stream().mapToLong(Long::longValue).toArray(), chosen.size());
    }

    int lookup(int proto, int port, int app) {
        if (app == Classifier.APP_UNKNOWN) {
            return unknownApp.lookup(proto, port);
        }
        int k = Arrays.binarySearch(appIds, app);
        return (k < 0 ? plain : byApp[k]).lookup(proto, port);
    }

    /** Bytes of the indexes' arrays, headers left out. */
    long memoryBytes() {
        long n = plain.memoryBytes() + (unknownApp == plain ? 0 : unknownApp.memoryBytes()) + (long) appIds.length * Integer.BYTES;
        for (PortIndex p : byApp) {
            n += p.memoryBytes();
        }
        return n;
    }
}
