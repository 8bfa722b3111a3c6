package dev.microseg.dp.engine;

import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.PolicyDir;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.WorkloadPolicy;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.TestAgent;
import dev.microseg.dp.testing.Workload;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** Control commands for the test workloads: endpoints, rules and policies, as an agent would send them. */
final class Policies {
    private Policies() {
    }

    static MacAddress mac(Workload w) {
        return MacAddress.parse("mac", String.format("02:00:00:00:00:%02x", w.index()));
    }

    static IpAddress ip(InetAddress a) {
        return IpAddress.parse("ip", a.getHostAddress());
    }

    static IpAddress ip(String literal) {
        return IpAddress.parse("ip", literal);
    }

    static CtrlAddMac endpoint(Workload w) {
        return new CtrlAddMac(new Endpoint(w.routerVeth(), mac(w), List.of(ip(w.ipv4()), ip(w.ipv6()))));
    }

    /**
     * What an agent sends a dp that just started, failing open: a keep-alive (the dp is up), the
     * system configuration and every workload of {@code topo}, then a keep-alive, whose echo says
     * all of it is in force.
     */
    static void announce(TestAgent agent, RoutedTopology topo, Duration wait) throws Exception {
        agent.keepAlive(wait);
        agent.send(sysConf(true, false));
        for (Workload w : topo.workloads()) {
            agent.send(endpoint(w));
        }
        agent.keepAlive(wait);
    }

    /** Report every second so tests wait briefly; everything else as the defaults. */
    static CtrlSysConf sysConf(boolean failOpen, boolean rstOnDeny) {
        return new CtrlSysConf(failOpen, 1, rstOnDeny, 65_536, 3600, 60, 30);
    }

    static PolicyRule rule(long id, IpAddress sip, IpAddress sipr, IpAddress dip, IpAddress dipr, IpProto proto, int port,
                           int portr, RuleAction action, boolean ingress) {
        return new PolicyRule(id, sip, sipr, dip, dipr, port, portr, proto, action, ingress);
    }

    /** A rule of {@code to}'s policy for traffic it receives from {@code from} (IPv4). */
    static PolicyRule ingress(long id, Workload from, Workload to, IpProto proto, int port, RuleAction action) {
        return rule(id, ip(from.ipv4()), ip(from.ipv4()), ip(to.ipv4()), ip(to.ipv4()), proto, port, port, action, true);
    }

    /** A rule of {@code from}'s policy for traffic it sends to {@code to} (IPv4). */
    static PolicyRule egress(long id, Workload from, Workload to, IpProto proto, int port, RuleAction action) {
        return rule(id, ip(from.ipv4()), ip(from.ipv4()), ip(to.ipv4()), ip(to.ipv4()), proto, port, port, action, false);
    }

    static WorkloadPolicy policy(Workload w, RuleAction defact, PolicyRule... rules) {
        return new WorkloadPolicy(PolicyCmd.MODIFY, defact, PolicyDir.BOTH, List.of(mac(w)), List.of(rules));
    }

    static WorkloadPolicy policy(Workload w, RuleAction defact, List<PolicyRule> rules) {
        return new WorkloadPolicy(PolicyCmd.MODIFY, defact, PolicyDir.BOTH, List.of(mac(w)), rules);
    }
}
