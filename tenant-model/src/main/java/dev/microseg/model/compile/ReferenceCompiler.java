package dev.microseg.model.compile;

import dev.microseg.model.app.Application;
import dev.microseg.model.group.Group;
import dev.microseg.model.group.Membership;
import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.net.AddressRange;
import dev.microseg.model.net.Cidr;
import dev.microseg.model.net.IpAddresses;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.policy.PortRange;
import dev.microseg.model.workload.Workload;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The compilation rules of {@link PolicyCompiler}, written as plainly as possible and sharing none
 * of its indexes, caches or range arithmetic: for each workload it scans every rule, and for each
 * rule that names one of the workload's groups it scans every workload to find the peers. It is
 * the oracle the tests compare {@link PolicyCompiler} with, and the baseline of the benchmark in
 * {@code bench/} — never use it to serve a tenant.
 */
public final class ReferenceCompiler {
    private ReferenceCompiler() {
    }

    /** Every workload's policy. */
    public static SortedMap<String, WorkloadPolicy> compileAll(PolicySnapshot snapshot) {
        SortedMap<String, WorkloadPolicy> out = new TreeMap<>();
        for (Workload w : snapshot.workloads()) {
            out.put(w.id(), compile(snapshot, w.id()));
        }
        return out;
    }

    /** One workload's policy. */
    public static WorkloadPolicy compile(PolicySnapshot snapshot, String workloadId) {
        Workload w = snapshot.workloads().stream().filter(x -> x.id().equals(workloadId)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("unknown workload '" + workloadId + "'"));
        Map<String, Group> byName = snapshot.groupsByName();
        TreeSet<String> names = new TreeSet<>();
        PolicyMode mode = PolicyMode.MONITOR;
        for (Group g : snapshot.groups()) {
            if (isMember(g, w)) {
                names.add(g.name());
                if (g.mode() == PolicyMode.PROTECT) {
                    mode = PolicyMode.PROTECT;
                }
            }
        }
        List<AddressRange> own = merge(w.addresses().stream().map(AddressRange::of).toList());
        List<DpRule> out = new ArrayList<>();
        for (PolicyRule r : snapshot.rules()) {
            if (r.disabled()) {
                continue;
            }
            Group from = byName.get(r.from());
            Group to = byName.get(r.to());
            DpAction action = r.action() == dev.microseg.model.policy.RuleAction.ALLOW ? DpAction.ALLOW
                    : mode == PolicyMode.PROTECT ? DpAction.DENY : DpAction.VIOLATE;
            List<DpApp> apps = new ArrayList<>();
            for (int id : new TreeSet<>(r.applications().stream().map(Application::id).toList())) {
                apps.add(new DpApp(r.id(), id, action));
            }
            if (isMember(from, w)) {
                pairs(r, action, apps, own, addresses(to, snapshot), false, out);
            }
            if (isMember(to, w)) {
                pairs(r, action, apps, addresses(from, snapshot), own, true, out);
            }
        }
        out.sort(DpRule.ORDER);
        return new WorkloadPolicy(w.id(), mode, mode == PolicyMode.PROTECT ? DpAction.DENY : DpAction.VIOLATE, out, List.copyOf(names));
    }

    private static boolean isMember(Group g, Workload w) {
        return g.membership() instanceof Membership.Selector s && s.matches(w.labels());
    }

    private static List<AddressRange> addresses(Group g, PolicySnapshot snapshot) {
        List<AddressRange> all = new ArrayList<>();
        switch (g.membership()) {
            case Membership.Selector s -> {
                for (Workload w : snapshot.workloads()) {
                    if (s.matches(w.labels())) {
                        w.addresses().forEach(a -> all.add(AddressRange.of(a)));
                    }
                }
            }
            case Membership.Addresses a -> a.cidrs().stream().map(Cidr::toRange).forEach(all::add);
        }
        return merge(all);
    }

    private static void pairs(PolicyRule r, DpAction action, List<DpApp> apps, List<AddressRange> src, List<AddressRange> dst,
                              boolean ingress, List<DpRule> out) {
        for (AddressRange s : src) {
            for (AddressRange d : dst) {
                if (s.isIpv6() != d.isIpv6()) {
                    continue;
                }
                TreeSet<List<Integer>> protos = new TreeSet<>((a, b) -> {
                    for (int i = 0; i < 3; i++) {
                        int c = Integer.compare(a.get(i), b.get(i));
                        if (c != 0) {
                            return c;
                        }
                    }
                    return 0;
                });
                for (PortRange p : r.ports().ranges()) {
                    switch (p.protocol()) {
                        case ANY -> protos.add(List.of(0, 0, 65535));
                        case ICMP -> protos.add(List.of(s.isIpv6() ? 58 : 1, 0, 65535));
                        case ICMPV6 -> {
                            if (s.isIpv6()) {
                                protos.add(List.of(58, 0, 65535));
                            }
                        }
                        case TCP, UDP -> protos.add(List.of(p.protocol().number(), p.first(), p.last()));
                    }
                }
                for (List<Integer> p : protos) {
                    out.add(new DpRule(r.id(), s, d, p.get(1), p.get(2), p.get(0), action, ingress, apps));
                }
            }
        }
    }

    /** Sort, then join ranges of one family that overlap or touch, in {@link BigInteger} arithmetic. */
    static List<AddressRange> merge(List<AddressRange> in) {
        List<AddressRange> sorted = new ArrayList<>(in);
        sorted.sort(null);
        List<AddressRange> out = new ArrayList<>();
        for (AddressRange r : sorted) {
            if (!out.isEmpty()) {
                AddressRange prev = out.getLast();
                BigInteger prevLast = IpAddresses.toBigInteger(prev.last());
                if (prev.isIpv6() == r.isIpv6() && IpAddresses.toBigInteger(r.first()).compareTo(prevLast.add(BigInteger.ONE)) <= 0) {
                    InetAddress last = IpAddresses.toBigInteger(r.last()).compareTo(prevLast) > 0 ? r.last() : prev.last();
                    out.set(out.size() - 1, new AddressRange(prev.first(), last));
                    continue;
                }
            }
            out.add(r);
        }
        return out;
    }
}
