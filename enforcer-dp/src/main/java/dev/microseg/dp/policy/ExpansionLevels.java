package dev.microseg.dp.policy;

/**
 * Chooses the prefix lengths ("levels") a dimension's prefixes are expanded to, by controlled
 * prefix expansion (Srinivasan and Varghese, "Faster IP Lookups using Controlled Prefix
 * Expansion", SIGMETRICS 1998, §3: the dynamic program that picks k target lengths minimising the
 * expanded entries). A prefix of length l becomes the 2^(t − l) prefixes of the next level t ≥ l
 * covering the same addresses, so every rule lands in at most {@link #MAX_LEVELS} lengths per
 * dimension, whatever lengths the policy uses: the tuples a lookup probes drop from "distinct
 * length pairs" to at most MAX_LEVELS² (in practice MAX_LEVELS, as one dimension is the
 * workload's own address).
 */
final class ExpansionLevels {
    /** Levels per dimension: 4 keep lookups to a handful of probes; more only save memory. */
    static final int MAX_LEVELS = 4;

    private ExpansionLevels() {
    }

    /**
     * @param count prefixes per length 0..128
     * @return for each length, the level it expands to (identity for lengths not present)
     */
    static int[] choose(long[] count) {
        int[] present = new int[129];
        int n = 0;
        for (int l = 0; l <= 128; l++) {
            if (count[l] > 0) {
                present[n++] = l;
            }
        }
        int[] target = new int[129];
        for (int l = 0; l <= 128; l++) {
            target[l] = l;
        }
        if (n <= MAX_LEVELS) {
            return target;
        }
        // cost[i][j]: least expanded entries covering present[0..i] with j levels, present[i] a level.
        double[][] cost = new double[n][MAX_LEVELS + 1];
        int[][] from = new int[n][MAX_LEVELS + 1];
        for (double[] row : cost) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        for (int i = 0; i < n; i++) {
            cost[i][1] = span(count, present, -1, i);
            from[i][1] = -1;
            for (int j = 2; j <= MAX_LEVELS; j++) {
                for (int p = 0; p < i; p++) {
                    double c = cost[p][j - 1] + span(count, present, p, i);
                    if (c < cost[i][j]) {
                        cost[i][j] = c;
                        from[i][j] = p;
                    }
                }
            }
        }
        int bestJ = 1;
        for (int j = 2; j <= MAX_LEVELS; j++) {
            if (cost[n - 1][j] < cost[n - 1][bestJ]) {
                bestJ = j;
            }
        }
        for (int i = n - 1, j = bestJ; i >= 0; ) {
            int p = from[i][j];
            for (int q = p + 1; q <= i; q++) {
                target[present[q]] = present[i];
            }
            i = p;
            j--;
        }
        return target;
    }

    /** Entries when present[p+1..i] all expand to present[i]. */
    private static double span(long[] count, int[] present, int p, int i) {
        double c = 0;
        for (int q = p + 1; q <= i; q++) {
            c += count[present[q]] * Math.pow(2, present[i] - present[q]);
        }
        return c;
    }
}
