package dev.microseg.dp.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Commands and reports shared by the protocol and socket tests. */
public final class Samples {
    private Samples() {
    }

    /** JSON written with single quotes for readability; every ' becomes ". */
    public static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    public static MacAddress mac(String s) {
        return MacAddress.parse("mac", s);
    }

    public static IpAddress ip(String s) {
        return IpAddress.parse("ip", s);
    }

    public static final MacAddress WL1 = mac("02:42:ac:11:00:02");
    public static final MacAddress WL2 = mac("02:42:ac:11:00:03");

    /** Rule {@code i} of a synthetic policy: distinct addresses and ports per rule. */
    public static PolicyRule rule(int i) {
        IpAddress peer = IpAddress.v4(0x0A000000 | i);
        return new PolicyRule(1000 + i, peer, peer, ip("172.17.0.2"), ip("172.17.0.2"), 80 + (i % 1000), 80 + (i % 1000),
                IpProto.TCP, i % 7 == 0 ? RuleAction.DENY : RuleAction.ALLOW, i % 2 == 0);
    }

    /** A rule as large as the field bounds allow: IPv6 ranges, a 253-character FQDN, 32 applications. */
    public static PolicyRule maxRule(int i) {
        List<RuleApp> apps = new ArrayList<>();
        for (int a = 0; a < ProtocolLimits.MAX_APPS_PER_RULE; a++) {
            apps.add(new RuleApp(4_294_967_295L - a, 4_294_967_000L + a, RuleAction.VIOLATE));
        }
        String label = "a".repeat(63);
        String fqdn = (label + "." + label + "." + label + "." + "b".repeat(61)).substring(0, ProtocolLimits.MAX_FQDN_LEN);
        return new PolicyRule(4_294_967_295L - i, ip("fd12:3456:789a:1::1"), ip("fd12:3456:789a:1:ffff:ffff:ffff:ffff"),
                ip("fd12:3456:789a:2::1"), ip("fd12:3456:789a:2:ffff:ffff:ffff:fff" + (i % 10)), 1024, 65535,
                IpProto.UDP, RuleAction.VIOLATE, true, Optional.of(fqdn), true, apps);
    }

    public static WorkloadPolicy policy(MacAddress mac, int rules) {
        List<PolicyRule> list = new ArrayList<>(rules);
        for (int i = 0; i < rules; i++) {
            list.add(rule(i));
        }
        return new WorkloadPolicy(PolicyCmd.ADD, RuleAction.DENY, PolicyDir.BOTH, List.of(mac), list);
    }

    public static FlowTuple tuple4() {
        return new FlowTuple(WL1, 6, ip("10.0.0.7"), 43512, ip("172.17.0.2"), 443);
    }

    public static FlowTuple tuple6() {
        return new FlowTuple(WL2, 17, ip("fd00::7"), 5353, ip("2001:db8::1"), 53);
    }

    public static Connection connection(int i) {
        return new Connection(i % 2 == 0 ? tuple4() : tuple6(), 1001 + i, 10 + i, RuleAction.ALLOW, i % 3 == 0,
                i % 2 == 0, i % 5 == 0, 1 + i, 10L * i, 9L * i, 1500L * i, 40L * i, 1_700_000_000_000L + i,
                1_700_000_005_000L + i);
    }

    public static List<Connection> connections(int n) {
        List<Connection> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(connection(i));
        }
        return out;
    }
}
