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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small random tenants and random valid changes to them, drawn from pools small enough that
 * labels collide, addresses sit next to each other, and IPv4 and IPv6 mix.
 */
final class RandomTenants {
    static final String[] SELECTORS = {
            "app=a", "app=b", "app in (a,c)", "env=prod", "env notin (prod)", "tier", "!tier", "app!=a", "app=b, env=prod",
            "tier=fe, env in (prod,dev)", "app=zzz", ""};
    static final String[][] CIDRS = {
            {"0.0.0.0/0", "::/0"}, {"10.0.0.0/28", "10.0.0.16/28"}, {"10.0.0.4/30"}, {"fd00::/124"}, {"192.168.0.0/16", "fd00::10/126"}};
    static final String[] PORTS = {"any", "tcp/80", "tcp/80,icmp", "icmpv6", "53", "tcp/8000-8080,udp/53", "icmp", "tcp/22,tcp/80-81"};
    static final String[][] APPS = {{}, {}, {}, {"HTTP"}, {"MySQL", "Redis"}};

    private final Random random;

    RandomTenants(long seed) {
        this.random = new Random(seed);
    }

    <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    Workload workload(String id) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", pick(List.of("a", "b", "c", "d")));
        if (random.nextInt(4) > 0) {
            labels.put("env", pick(List.of("prod", "dev", "stage")));
        }
        if (random.nextBoolean()) {
            labels.put("tier", pick(List.of("fe", "be")));
        }
        List<InetAddress> addresses = new ArrayList<>();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            addresses.add(random.nextInt(3) == 0
                    ? IpAddresses.parse("ip", "fd00::" + Integer.toHexString(random.nextInt(24)))
                    : IpAddresses.parse("ip", "10.0.0." + random.nextInt(40)));
        }
        return new Workload(id, id, "node-" + random.nextInt(3), labels, addresses, "");
    }

    Group selectorGroup(String name) {
        return new Group(name, random.nextBoolean() ? PolicyMode.PROTECT : PolicyMode.MONITOR,
                SelectorParser.parse("selector", SELECTORS[random.nextInt(SELECTORS.length)]), random.nextInt(5) == 0 ? "c" + random.nextInt(3) : null);
    }

    Group addressGroup(String name) {
        String[] cidrs = CIDRS[random.nextInt(CIDRS.length)];
        return new Group(name, PolicyMode.MONITOR, new Membership.Addresses(List.of(cidrs).stream().map(c -> Cidr.parse("c", c)).toList()), null);
    }

    PolicyRule rule(long id, List<String> groupNames) {
        return new PolicyRule(id, pick(groupNames), pick(groupNames), PortSpec.parse("ports", PORTS[random.nextInt(PORTS.length)]),
                ApplicationRegistry.parseList("applications", List.of(APPS[random.nextInt(APPS.length)])),
                random.nextInt(3) == 0 ? RuleAction.DENY : RuleAction.ALLOW, random.nextInt(5) == 0, random.nextInt(4) == 0 ? "x" : null);
    }

    PolicySnapshot tenant(int workloads, int selectorGroups, int addressGroups, int rules) {
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < selectorGroups; i++) {
            groups.add(selectorGroup("g" + i));
        }
        for (int i = 0; i < addressGroups; i++) {
            groups.add(addressGroup("net" + i));
        }
        List<String> names = groups.stream().map(Group::name).toList();
        List<PolicyRule> rs = new ArrayList<>();
        for (int i = 1; i <= rules; i++) {
            rs.add(rule(i * 10L, names));
        }
        List<Workload> ws = new ArrayList<>();
        for (int i = 0; i < workloads; i++) {
            ws.add(workload("w" + i));
        }
        return new PolicySnapshot(groups, rs, ws);
    }

    /** A change that is valid against {@code current}, or (rarely) one that must be refused. */
    PolicyChange change(PolicySnapshot current) {
        List<String> groupNames = current.groups().stream().map(Group::name).toList();
        return switch (random.nextInt(8)) {
            case 0, 1 -> new PolicyChange.PutWorkload(workload(random.nextInt(4) == 0 ? "w" + (100 + random.nextInt(20))
                    : current.workloads().isEmpty() ? "w0" : pick(current.workloads()).id()));
            case 2 -> new PolicyChange.RemoveWorkload(current.workloads().isEmpty() || random.nextInt(5) == 0 ? "w-none"
                    : pick(current.workloads()).id());
            case 3 -> {
                String name = random.nextInt(4) == 0 ? "g" + (50 + random.nextInt(5)) : pick(groupNames);
                yield new PolicyChange.PutGroup(random.nextInt(4) == 0 ? addressGroup(name) : selectorGroup(name));
            }
            case 4 -> new PolicyChange.RemoveGroup(pick(groupNames));
            case 5, 6 -> new PolicyChange.PutRule(rule(random.nextInt(4) == 0 ? 1000 + random.nextInt(10)
                    : current.rules().isEmpty() ? 5 : pick(current.rules()).id(), groupNames));
            default -> new PolicyChange.RemoveRule(current.rules().isEmpty() ? 1 : pick(current.rules()).id());
        };
    }
}
