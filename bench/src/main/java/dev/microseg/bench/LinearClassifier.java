package dev.microseg.bench;

import dev.microseg.dp.policy.AppRule;
import dev.microseg.dp.policy.ClassifierRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Baseline: the same semantics as {@link dev.microseg.dp.policy.Classifier} by a linear scan over
 * rules sorted by id, flattened into primitive arrays so the comparison is against a fair, fast
 * scan rather than a list of records. Returns the winning rule id (0 for the default).
 */
final class LinearClassifier {
    private final int n;
    private final int[] id;
    private final boolean[] ingress;
    private final long[] sLoHi;
    private final long[] sLoLo;
    private final long[] sHiHi;
    private final long[] sHiLo;
    private final long[] dLoHi;
    private final long[] dLoLo;
    private final long[] dHiHi;
    private final long[] dHiLo;
    private final int[] proto;
    private final int[] portLo;
    private final int[] portHi;
    private final int[][] apps;

    LinearClassifier(List<ClassifierRule> rules) {
        List<ClassifierRule> s = new ArrayList<>(rules);
        s.sort(Comparator.comparingInt(ClassifierRule::id));
        n = s.size();
        id = new int[n];
        ingress = new boolean[n];
        sLoHi = new long[n];
        sLoLo = new long[n];
        sHiHi = new long[n];
        sHiLo = new long[n];
        dLoHi = new long[n];
        dLoLo = new long[n];
        dHiHi = new long[n];
        dHiLo = new long[n];
        proto = new int[n];
        portLo = new int[n];
        portHi = new int[n];
        apps = new int[n][];
        for (int i = 0; i < n; i++) {
            ClassifierRule r = s.get(i);
            id[i] = r.id();
            ingress[i] = r.ingress();
            sLoHi[i] = r.srcLo().hi();
            sLoLo[i] = r.srcLo().lo();
            sHiHi[i] = r.srcHi().hi();
            sHiLo[i] = r.srcHi().lo();
            dLoHi[i] = r.dstLo().hi();
            dLoLo[i] = r.dstLo().lo();
            dHiHi[i] = r.dstHi().hi();
            dHiLo[i] = r.dstHi().lo();
            proto[i] = r.proto();
            portLo[i] = r.portLo();
            portHi[i] = r.portHi();
            apps[i] = r.apps().isEmpty() ? null : r.apps().stream().mapToInt(AppRule::appId).toArray();
        }
    }

    private static boolean within(long h, long l, long loH, long loL, long hiH, long hiL) {
        int c1 = Long.compareUnsigned(h, loH);
        if (c1 < 0 || (c1 == 0 && Long.compareUnsigned(l, loL) < 0)) {
            return false;
        }
        int c2 = Long.compareUnsigned(h, hiH);
        return c2 < 0 || (c2 == 0 && Long.compareUnsigned(l, hiL) <= 0);
    }

    int lookup(boolean in, long sh, long sl, long dh, long dl, int p, int port, int app) {
        for (int i = 0; i < n; i++) {
            if (ingress[i] != in || port < portLo[i] || port > portHi[i] || (proto[i] != 0 && proto[i] != p)
                || !within(sh, sl, sLoHi[i], sLoLo[i], sHiHi[i], sHiLo[i]) || !within(dh, dl, dLoHi[i], dLoLo[i], dHiHi[i], dHiLo[i])) {
                continue;
            }
            int[] a = apps[i];
            if (a == null || app == 0) {
                return id[i];
            }
            for (int x : a) {
                if (x == app) {
                    return id[i];
                }
            }
        }
        return 0;
    }

}
