package dev.microseg.model.compile;

import dev.microseg.model.app.Application;
import dev.microseg.model.net.AddressRange;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.policy.PortRange;
import dev.microseg.model.policy.Protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A policy rule prepared once for emission into many workloads' policies: its protocol and port
 * triples per address family, and its {@code apps} lists per possible action.
 *
 * <p>Family rules: {@code any}, TCP and UDP apply to both families; {@code icmp} means the
 * family's ICMP, so it becomes protocol 1 between IPv4 addresses and 58 (ICMPv6) between IPv6
 * addresses; {@code icmpv6} applies to IPv6 only. A spec of {@code tcp/80,icmp} therefore allows
 * ping both ways on a dual-stack workload, and never pairs an ICMP protocol with the wrong family.
 */
final class CompiledRule {
    private static final int[][] NONE = new int[0][];

    final PolicyRule rule;
    /** {proto, portFirst, portLast}, sorted and distinct. */
    final int[][] v4;
    final int[][] v6;
    private final List<DpApp> appsAllow;
    private final List<DpApp> appsDeny;
    private final List<DpApp> appsViolate;

    CompiledRule(PolicyRule rule) {
        this.rule = rule;
        this.v4 = protocols(rule, false);
        this.v6 = protocols(rule, true);
        this.appsAllow = apps(rule, DpAction.ALLOW);
        this.appsDeny = apps(rule, DpAction.DENY);
        this.appsViolate = apps(rule, DpAction.VIOLATE);
    }

    List<DpApp> apps(DpAction action) {
        return switch (action) {
            case ALLOW -> appsAllow;
            case DENY -> appsDeny;
            case VIOLATE -> appsViolate;
            case LEARN -> throw new IllegalArgumentException("rules never learn");
        };
    }

    /**
     * Appends one data-plane rule per (source range, destination range of the same family,
     * protocol). Both lists must be sorted (IPv4 first); the output is then in {@link DpRule#ORDER}.
     */
    void emit(DpAction action, List<AddressRange> src, List<AddressRange> dst, boolean ingress, List<DpRule> out) {
        List<DpApp> apps = apps(action);
        for (AddressRange s : src) {
            boolean isV6 = s.isIpv6();
            int[][] protos = isV6 ? v6 : v4;
            if (protos.length == 0) {
                continue;
            }
            for (AddressRange d : dst) {
                if (d.isIpv6() != isV6) {
                    continue;
                }
                for (int[] p : protos) {
                    out.add(new DpRule(rule.id(), s, d, p[1], p[2], p[0], action, ingress, apps));
                }
            }
        }
    }

    static int[][] protocols(PolicyRule rule, boolean v6) {
        TreeSet<int[]> out = new TreeSet<>(Comparator.<int[]>comparingInt(t -> t[0]).thenComparingInt(t -> t[1]).thenComparingInt(t -> t[2]));
        for (PortRange r : rule.ports().ranges()) {
            switch (r.protocol()) {
                case ANY -> out.add(new int[] {0, 0, PortRange.MAX_PORT});
                case ICMP -> out.add(new int[] {(v6 ? Protocol.ICMPV6 : Protocol.ICMP).number(), 0, PortRange.MAX_PORT});
                case ICMPV6 -> {
                    if (v6) {
                        out.add(new int[] {Protocol.ICMPV6.number(), 0, PortRange.MAX_PORT});
                    }
                }
                case TCP, UDP -> out.add(new int[] {r.protocol().number(), r.first(), r.last()});
            }
        }
        return out.isEmpty() ? NONE : out.toArray(NONE);
    }

    private static List<DpApp> apps(PolicyRule rule, DpAction action) {
        int[] ids = rule.applications().stream().mapToInt(Application::id).sorted().distinct().toArray();
        List<DpApp> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(new DpApp(rule.id(), id, action));
        }
        return List.copyOf(out);
    }

    /** Whether two versions of a rule compile alike (they differ at most in the comment). */
    static boolean sameEffect(PolicyRule a, PolicyRule b) {
        return a.id() == b.id() && a.from().equals(b.from()) && a.to().equals(b.to()) && a.ports().equals(b.ports())
                && a.action() == b.action() && a.disabled() == b.disabled()
                && Arrays.equals(a.applications().stream().mapToInt(Application::id).sorted().distinct().toArray(),
                        b.applications().stream().mapToInt(Application::id).sorted().distinct().toArray());
    }
}
