package dev.microseg.bench.compile;

import dev.microseg.model.app.ApplicationRegistry;
import dev.microseg.model.compile.PolicySnapshot;
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
 * A deterministic tenant shaped like a mid-size cluster: {@value #APPS} applications of
 * {@value #REPLICAS} replicas (10,000 workloads) labelled {@code app}, {@code env}, {@code tier},
 * {@code team}, {@code version}; 1,000 groups (one per app, canaries {@code app=X, version=v2},
 * three-app services, teams, tier × env, env, and 57 address groups); 5,000 rules, mostly between
 * app-level groups, 7 % to or from address groups, 2 % naming a broad group (team, tier × env,
 * env). Addresses are handed out app by app, as IPAM blocks tend to; one replica in ten was
 * rescheduled and holds a scattered address; one app in five is dual-stack.
 */
final class BenchTenant {
    static final int APPS = 500;
    static final int REPLICAS = 20;
    static final int RULES = 5000;
    static final String[] ENVS = {"prod", "stage", "dev"};
    static final String[] TIERS = {"web", "api", "db", "cache", "queue"};
    static final String[] PORTS = {"tcp/80", "tcp/443", "tcp/8080", "tcp/5432", "tcp/6379", "udp/53,tcp/53", "tcp/80,tcp/443", "icmp",
            "any", "tcp/8000-8100", "tcp/9090,icmp"};
    static final String[][] APPS_OF_RULE = {{"HTTP"}, {"HTTP", "SSL"}, {"MySQL"}, {"PostgreSQL"}, {"Redis"}, {"gRPC"}};

    private BenchTenant() {
    }

    static PolicySnapshot generate(long seed) {
        Random random = new Random(seed);
        List<Workload> workloads = new ArrayList<>();
        for (int app = 0; app < APPS; app++) {
            boolean dualStack = app % 5 == 0;
            for (int r = 0; r < REPLICAS; r++) {
                int k = app * REPLICAS + r;
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("app", app(app));
                labels.put("env", ENVS[app % ENVS.length]);
                labels.put("tier", TIERS[app % TIERS.length]);
                labels.put("team", "team-" + (app / 20));
                labels.put("version", r % 2 == 0 ? "v1" : "v2");
                List<InetAddress> addresses = new ArrayList<>();
                int host = random.nextInt(10) == 0 ? (1 << 20) + random.nextInt(1 << 16) : k + 1;
                addresses.add(IpAddresses.parse("ip", "10." + (host >> 16) + "." + ((host >> 8) & 0xFF) + "." + (host & 0xFF)));
                if (dualStack) {
                    addresses.add(IpAddresses.parse("ip", "fd00::" + Integer.toHexString(host >> 16) + ":" + Integer.toHexString(host & 0xFFFF)));
                }
                workloads.add(new Workload("c-" + k, app(app) + "-" + r, "node-" + random.nextInt(100), labels, addresses, ""));
            }
        }

        List<Group> groups = new ArrayList<>();
        List<String> appLevel = new ArrayList<>();
        List<String> broad = new ArrayList<>();
        List<String> addressGroups = new ArrayList<>();
        for (int app = 0; app < APPS; app++) {
            groups.add(group("g-" + app(app), "app=" + app(app), random));
            appLevel.add("g-" + app(app));
        }
        for (int app = 0; app < 250; app++) {
            groups.add(group("canary-" + app(app), "app=" + app(app) + ", version=v2", random));
            appLevel.add("canary-" + app(app));
        }
        for (int s = 0; s < 150; s++) {
            String apps = app(random.nextInt(APPS)) + "," + app(random.nextInt(APPS)) + "," + app(random.nextInt(APPS));
            groups.add(group("svc-" + s, "app in (" + apps + ")", random));
            appLevel.add("svc-" + s);
        }
        for (int t = 0; t < 25; t++) {
            groups.add(group("team-" + t, "team=team-" + t, random));
            broad.add("team-" + t);
        }
        for (String tier : TIERS) {
            for (String env : ENVS) {
                groups.add(group(tier + "-" + env, "tier=" + tier + ", env=" + env, random));
                broad.add(tier + "-" + env);
            }
        }
        for (String env : ENVS) {
            groups.add(group("env-" + env, "env=" + env, random));
            broad.add("env-" + env);
        }
        groups.add(new Group("internet", PolicyMode.MONITOR,
                new Membership.Addresses(List.of(Cidr.parse("c", "0.0.0.0/0"), Cidr.parse("c", "::/0"))), "everything outside"));
        addressGroups.add("internet");
        for (int a = 1; a < 57; a++) {
            List<Cidr> cidrs = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                cidrs.add(random.nextInt(6) == 0
                        ? Cidr.parse("c", "2001:db8:" + Integer.toHexString(random.nextInt(4096)) + "::/48")
                        : Cidr.parse("c", "172." + (16 + random.nextInt(16)) + "." + random.nextInt(256) + ".0/24"));
            }
            groups.add(new Group("ext-" + a, PolicyMode.MONITOR, new Membership.Addresses(cidrs), null));
            addressGroups.add("ext-" + a);
        }

        List<PolicyRule> rules = new ArrayList<>();
        for (int id = 1; id <= RULES; id++) {
            int kind = random.nextInt(100);
            String from = pick(appLevel, random);
            String to = pick(appLevel, random);
            if (kind < 7) {
                if (random.nextBoolean()) {
                    to = pick(addressGroups, random);
                } else {
                    from = pick(addressGroups, random);
                }
            } else if (kind < 9) {
                if (random.nextBoolean()) {
                    to = pick(broad, random);
                } else {
                    from = pick(broad, random);
                }
            }
            List<String> apps = random.nextInt(10) == 0 ? List.of(APPS_OF_RULE[random.nextInt(APPS_OF_RULE.length)]) : List.of();
            rules.add(new PolicyRule(id * 10L, from, to, PortSpec.parse("ports", PORTS[random.nextInt(PORTS.length)]),
                    ApplicationRegistry.parseList("applications", apps), random.nextInt(10) == 0 ? RuleAction.DENY : RuleAction.ALLOW,
                    random.nextInt(33) == 0, null));
        }
        return new PolicySnapshot(groups, rules, workloads);
    }

    static String app(int i) {
        return String.format("app-%03d", i);
    }

    private static Group group(String name, String selector, Random random) {
        return new Group(name, random.nextInt(10) < 3 ? PolicyMode.PROTECT : PolicyMode.MONITOR, SelectorParser.parse("selector", selector), null);
    }

    private static <T> T pick(List<T> from, Random random) {
        return from.get(random.nextInt(from.size()));
    }
}
