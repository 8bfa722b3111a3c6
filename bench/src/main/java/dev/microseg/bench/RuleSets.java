package dev.microseg.bench;

import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.packet.IpProtocols;
import dev.microseg.dp.policy.Action;
import dev.microseg.dp.policy.Addr;
import dev.microseg.dp.policy.AppRule;
import dev.microseg.dp.policy.ClassifierRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but realistic compiled policies for one workload (10.1.0.5), the shape the policy
 * compiler produces: mostly /32 peers of member groups on one port or a small range, some
 * address-group CIDRs (/16 to /28), a few "any source" service rules, egress rules to peers, a
 * few rules with applications. Ids are a random permutation, so priority has no relation to
 * position. Packets: 60% aimed at a random rule (an address and port inside it), 40% random.
 */
final class RuleSets {
    static final Addr WORKLOAD = Addr.of("10.1.0.5");
    static final int[] PORTS = {80, 443, 3306, 5432, 6379, 8080, 9090, 53, 22, 27017};

    private RuleSets() {
    }

    static List<ClassifierRule> rules(int n, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        List<ClassifierRule> rules = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(100);
            Addr peerLo;
            Addr peerHi;
            if (kind < 70) {
                peerLo = peerHi = new Addr(0, Addresses.v4Lo(0x0a000000 | r.nextInt(1 << 24)));
            } else if (kind < 90) {
                int len = 16 + r.nextInt(13);
                long base = Addresses.v4Lo(0x0a000000 | r.nextInt(1 << 24)) & ~((1L << (32 - len)) - 1);
                peerLo = new Addr(0, base);
                peerHi = new Addr(0, base | ((1L << (32 - len)) - 1));
            } else {
                peerLo = Addr.V4_MIN;
                peerHi = Addr.V4_MAX;
            }
            int portLo = PORTS[r.nextInt(PORTS.length)];
            int portHi = r.nextInt(5) == 0 ? portLo + r.nextInt(100) : portLo;
            int proto = portLo == 53 ? IpProtocols.UDP : IpProtocols.TCP;
            boolean ingress = r.nextInt(4) != 0;
            List<AppRule> apps = r.nextInt(20) == 0 ? List.of(new AppRule(ids[i] + 1_000_000, 1001 + r.nextInt(5), Action.ALLOW))
                : List.of();
            Action action = r.nextInt(10) == 0 ? Action.DENY : Action.ALLOW;
            rules.add(ingress
                ? new ClassifierRule(ids[i], peerLo, peerHi, WORKLOAD, WORKLOAD, portLo, portHi, proto, action, true, apps)
                : new ClassifierRule(ids[i], WORKLOAD, WORKLOAD, peerLo, peerHi, portLo, portHi, proto, action, false, apps));
        }
        return rules;
    }

    /** Packets as parallel arrays: ingress flag, src, dst, proto, port, app. */
    static final class Packets {
        final boolean[] ingress;
        final long[] srcHi;
        final long[] srcLo;
        final long[] dstHi;
        final long[] dstLo;
        final int[] proto;
        final int[] port;
        final int[] app;

        Packets(int n) {
            ingress = new boolean[n];
            srcHi = new long[n];
            srcLo = new long[n];
            dstHi = new long[n];
            dstLo = new long[n];
            proto = new int[n];
            port = new int[n];
            app = new int[n];
        }
    }

    static Packets packets(List<ClassifierRule> rules, int n, long seed) {
        Random r = new Random(seed);
        Packets p = new Packets(n);
        for (int i = 0; i < n; i++) {
            long peer;
            if (r.nextInt(10) < 6 && !rules.isEmpty()) {
                ClassifierRule rule = rules.get(r.nextInt(rules.size()));
                p.ingress[i] = rule.ingress();
                Addr lo = rule.ingress() ? rule.srcLo() : rule.dstLo();
                Addr hi = rule.ingress() ? rule.srcHi() : rule.dstHi();
                long span = hi.lo() - lo.lo();
                peer = lo.lo() + (span == 0 ? 0 : Math.floorMod(r.nextLong(), span + 1));
                p.proto[i] = rule.proto();
                p.port[i] = rule.portLo() + r.nextInt(rule.portHi() - rule.portLo() + 1);
            } else {
                p.ingress[i] = r.nextBoolean();
                peer = Addresses.v4Lo(0x0a000000 | r.nextInt(1 << 24));
                p.proto[i] = IpProtocols.TCP;
                p.port[i] = r.nextInt(65536);
            }
            if (p.ingress[i]) {
                p.srcLo[i] = peer;
                p.dstLo[i] = WORKLOAD.lo();
            } else {
                p.srcLo[i] = WORKLOAD.lo();
                p.dstLo[i] = peer;
            }
            p.app[i] = r.nextInt(3) == 0 ? 0 : 1001 + r.nextInt(5);
        }
        return p;
    }
}
