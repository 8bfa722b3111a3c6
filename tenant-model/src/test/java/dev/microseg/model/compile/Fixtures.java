package dev.microseg.model.compile;

import dev.microseg.model.app.ApplicationRegistry;
import dev.microseg.model.group.Group;
import dev.microseg.model.group.Membership;
import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.group.SelectorParser;
import dev.microseg.model.net.Cidr;
import dev.microseg.model.net.IpAddresses;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.policy.PortSpec;
import dev.microseg.model.policy.RuleAction;
import dev.microseg.model.workload.Workload;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Terse builders for compiler tests, and the text form expected policies are written in. */
final class Fixtures {
    private Fixtures() {
    }

    /** {@code w("web1", "app=web,env=prod", "10.0.1.1 fd00::1:1")}. */
    static Workload w(String id, String labels, String addresses) {
        Map<String, String> l = new LinkedHashMap<>();
        if (!labels.isBlank()) {
            for (String kv : labels.split(",")) {
                String[] p = kv.split("=", 2);
                l.put(p[0].strip(), p.length > 1 ? p[1].strip() : "");
            }
        }
        List<InetAddress> a = addresses.isBlank() ? List.of()
                : Arrays.stream(addresses.strip().split("\\s+")).map(s -> IpAddresses.parse("ip", s)).toList();
        return new Workload(id, id, "node-1", l, a, "");
    }

    static Group sel(String name, PolicyMode mode, String selector) {
        return new Group(name, mode, SelectorParser.parse("selector", selector), null);
    }

    static Group addr(String name, String... cidrs) {
        return new Group(name, PolicyMode.MONITOR, new Membership.Addresses(Arrays.stream(cidrs).map(c -> Cidr.parse("cidrs", c)).toList()), null);
    }

    static PolicyRule allow(long id, String from, String to, String ports, String... apps) {
        return new PolicyRule(id, from, to, PortSpec.parse("ports", ports), ApplicationRegistry.parseList("applications", List.of(apps)),
                RuleAction.ALLOW, false, null);
    }

    static PolicyRule deny(long id, String from, String to, String ports, String... apps) {
        return new PolicyRule(id, from, to, PortSpec.parse("ports", ports), ApplicationRegistry.parseList("applications", List.of(apps)),
                RuleAction.DENY, false, null);
    }

    static PolicyRule disabled(PolicyRule r) {
        return new PolicyRule(r.id(), r.from(), r.to(), r.ports(), r.applications(), r.action(), true, r.comment());
    }

    static PolicyRule withComment(PolicyRule r, String comment) {
        return new PolicyRule(r.id(), r.from(), r.to(), r.ports(), r.applications(), r.action(), r.disabled(), comment);
    }

    /**
     * Writes IPv6 literals in expected texts the short way: every token containing ':' (alone or
     * on either side of a range's '-') is re-formatted the way {@link DpRule#toString()} prints.
     */
    static String expand(String text) {
        return Arrays.stream(text.split(" ")).map(tok -> Arrays.stream(tok.split("-", -1))
                        .map(part -> part.contains(":") ? IpAddresses.format(IpAddresses.parse("ip", part)) : part)
                        .collect(Collectors.joining("-")))
                .collect(Collectors.joining(" "));
    }

    static List<String> texts(WorkloadPolicy p) {
        return p.rules().stream().map(DpRule::toString).toList();
    }
}
