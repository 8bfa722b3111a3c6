package dev.microseg.model.compile;

import dev.microseg.model.group.Group;
import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.microseg.model.compile.Fixtures.addr;
import static dev.microseg.model.compile.Fixtures.allow;
import static dev.microseg.model.compile.Fixtures.deny;
import static dev.microseg.model.compile.Fixtures.disabled;
import static dev.microseg.model.compile.Fixtures.expand;
import static dev.microseg.model.compile.Fixtures.sel;
import static dev.microseg.model.compile.Fixtures.texts;
import static dev.microseg.model.compile.Fixtures.w;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * What the compiler emits for one workload, rule set by rule set. Every case is also compiled by
 * {@link ReferenceCompiler}, which must agree.
 */
class PolicyCompilerTest {
    static final List<Workload> WORKLOADS = List.of(
            w("web1", "app=web,env=prod", "10.0.1.1 fd00::1:1"),
            w("web2", "app=web,env=prod", "10.0.1.2"),
            w("api1", "app=api,env=prod", "10.0.2.1 fd00::2:1"),
            w("db1", "app=db,env=prod", "10.0.3.1"),
            w("db2", "app=db,env=stage", "10.0.3.5"),
            w("lonely", "app=tool", "10.0.9.9"),
            w("v6only", "app=v6", "fd00::6:1"),
            w("noaddr", "app=web,env=dev", ""));

    static final List<Group> GROUPS = List.of(
            sel("web", PolicyMode.MONITOR, "app=web"),
            sel("api", PolicyMode.PROTECT, "app=api"),
            sel("db", PolicyMode.PROTECT, "app=db"),
            sel("prod", PolicyMode.MONITOR, "env=prod"),
            sel("v6", PolicyMode.MONITOR, "app=v6"),
            sel("nothing", PolicyMode.PROTECT, "app=nothing"),
            sel("placeholder", PolicyMode.PROTECT, ""),
            addr("internet", "0.0.0.0/0", "::/0"),
            addr("dbnet", "10.10.1.0/24", "10.10.0.0/24", "10.10.0.128/25"));

    static Stream<Arguments> cases() {
        return Stream.of(
                argumentSet("egress: from side gets the peer group's addresses",
                        List.of(allow(1, "web", "api", "tcp/80")), "web1", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.1 -> 10.0.2.1 tcp/80 allow",
                                "1 egress fd00::1:1 -> fd00::2:1 tcp/80 allow")),
                argumentSet("ingress: to side gets the from group's addresses, merged into a range",
                        List.of(allow(1, "web", "api", "tcp/80")), "api1", PolicyMode.PROTECT, List.of(
                                "1 ingress 10.0.1.1-10.0.1.2 -> 10.0.2.1 tcp/80 allow",
                                "1 ingress fd00::1:1 -> fd00::2:1 tcp/80 allow")),
                argumentSet("both: a rule within one group gives egress then ingress",
                        List.of(allow(1, "web", "web", "tcp/8080")), "web2", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.2 -> 10.0.1.1-10.0.1.2 tcp/8080 allow",
                                "1 ingress 10.0.1.1-10.0.1.2 -> 10.0.1.2 tcp/8080 allow")),
                argumentSet("a workload outside both sides gets nothing",
                        List.of(allow(1, "web", "api", "tcp/80")), "db1", PolicyMode.PROTECT, List.of()),
                argumentSet("deny in Monitor is violate",
                        List.of(deny(1, "web", "db", "any")), "web2", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.2 -> 10.0.3.1 any violate",
                                "1 egress 10.0.1.2 -> 10.0.3.5 any violate")),
                argumentSet("deny in Protect is deny",
                        List.of(deny(1, "web", "db", "any")), "db2", PolicyMode.PROTECT, List.of(
                                "1 ingress 10.0.1.1-10.0.1.2 -> 10.0.3.5 any deny")),
                argumentSet("Protect wins over Monitor: api is Protect, prod is Monitor",
                        List.of(deny(1, "prod", "web", "udp/53")), "api1", PolicyMode.PROTECT, List.of(
                                "1 egress 10.0.2.1 -> 10.0.1.1-10.0.1.2 udp/53 deny",
                                "1 egress fd00::2:1 -> fd00::1:1 udp/53 deny")),
                argumentSet("address group as destination",
                        List.of(allow(1, "web", "internet", "any")), "web1", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.1 -> 0.0.0.0-255.255.255.255 any allow",
                                "1 egress fd00::1:1 -> ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff any allow")),
                argumentSet("address group as source, adjacent and overlapping CIDRs merged",
                        List.of(allow(1, "dbnet", "db", "tcp/5432")), "db1", PolicyMode.PROTECT, List.of(
                                "1 ingress 10.10.0.0-10.10.1.255 -> 10.0.3.1 tcp/5432 allow")),
                argumentSet("empty peer group gives no rules",
                        List.of(allow(1, "web", "nothing", "any")), "web1", PolicyMode.MONITOR, List.of()),
                argumentSet("placeholder group without criteria matches nothing",
                        List.of(allow(1, "placeholder", "web", "any")), "web1", PolicyMode.MONITOR, List.of()),
                argumentSet("disabled rule is not compiled",
                        List.of(disabled(allow(1, "web", "api", "tcp/80"))), "web1", PolicyMode.MONITOR, List.of()),
                argumentSet("IPv4-only workload gets no IPv6 rules and vice versa",
                        List.of(allow(1, "web", "v6", "any")), "web2", PolicyMode.MONITOR, List.of()),
                argumentSet("IPv6 peer pairs only with the IPv6 address",
                        List.of(allow(1, "web", "v6", "any")), "web1", PolicyMode.MONITOR, List.of(
                                "1 egress fd00::1:1 -> fd00::6:1 any allow")),
                argumentSet("icmp is ICMP for IPv4 and ICMPv6 for IPv6",
                        List.of(allow(1, "web", "api", "icmp")), "web1", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.1 -> 10.0.2.1 icmp allow",
                                "1 egress fd00::1:1 -> fd00::2:1 icmpv6 allow")),
                argumentSet("icmpv6 applies to IPv6 only",
                        List.of(allow(1, "web", "api", "icmpv6")), "web1", PolicyMode.MONITOR, List.of(
                                "1 egress fd00::1:1 -> fd00::2:1 icmpv6 allow")),
                argumentSet("icmp and icmpv6 give one ICMPv6 rule",
                        List.of(allow(1, "web", "api", "icmp,icmpv6")), "web1", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.1 -> 10.0.2.1 icmp allow",
                                "1 egress fd00::1:1 -> fd00::2:1 icmpv6 allow")),
                argumentSet("tcp/80,icmp: the right protocol per family, by protocol number",
                        List.of(allow(1, "web", "api", "tcp/80,icmp")), "web1", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.1 -> 10.0.2.1 icmp allow",
                                "1 egress 10.0.1.1 -> 10.0.2.1 tcp/80 allow",
                                "1 egress fd00::1:1 -> fd00::2:1 tcp/80 allow",
                                "1 egress fd00::1:1 -> fd00::2:1 icmpv6 allow")),
                argumentSet("each port range is its own rule",
                        List.of(allow(1, "web", "db", "tcp/443,tcp/80,udp/53,tcp/8000-8080")), "web2", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.2 -> 10.0.3.1 tcp/80 allow",
                                "1 egress 10.0.1.2 -> 10.0.3.1 tcp/443 allow",
                                "1 egress 10.0.1.2 -> 10.0.3.1 tcp/8000-8080 allow",
                                "1 egress 10.0.1.2 -> 10.0.3.1 udp/53 allow",
                                "1 egress 10.0.1.2 -> 10.0.3.5 tcp/80 allow",
                                "1 egress 10.0.1.2 -> 10.0.3.5 tcp/443 allow",
                                "1 egress 10.0.1.2 -> 10.0.3.5 tcp/8000-8080 allow",
                                "1 egress 10.0.1.2 -> 10.0.3.5 udp/53 allow")),
                argumentSet("bare port is TCP and UDP",
                        List.of(allow(1, "web", "api", "53")), "web2", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.2 -> 10.0.2.1 tcp/53 allow",
                                "1 egress 10.0.1.2 -> 10.0.2.1 udp/53 allow")),
                argumentSet("every TCP port is 0-65535",
                        List.of(allow(1, "web", "api", "tcp")), "web2", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.2 -> 10.0.2.1 tcp allow")),
                argumentSet("applications ride along with the mapped action",
                        List.of(allow(1, "web", "api", "tcp/80,tcp/443", "SSL", "HTTP")), "web2", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.2 -> 10.0.2.1 tcp/80 allow apps [HTTP(1001)=allow, SSL(1002)=allow]",
                                "1 egress 10.0.1.2 -> 10.0.2.1 tcp/443 allow apps [HTTP(1001)=allow, SSL(1002)=allow]")),
                argumentSet("application deny in Monitor is violate",
                        List.of(deny(1, "web", "db", "any", "MySQL")), "web2", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.2 -> 10.0.3.1 any violate apps [MySQL(2001)=violate]",
                                "1 egress 10.0.1.2 -> 10.0.3.5 any violate apps [MySQL(2001)=violate]")),
                argumentSet("application deny in Protect is deny",
                        List.of(deny(1, "web", "db", "any", "MySQL")), "db1", PolicyMode.PROTECT, List.of(
                                "1 ingress 10.0.1.1-10.0.1.2 -> 10.0.3.1 any deny apps [MySQL(2001)=deny]")),
                argumentSet("lower id first, whatever the input order",
                        List.of(allow(30, "web", "api", "tcp/30"), allow(2, "api", "web", "tcp/2"), allow(10, "web", "api", "tcp/10")),
                        "web2", PolicyMode.MONITOR, List.of(
                                "2 ingress 10.0.2.1 -> 10.0.1.2 tcp/2 allow",
                                "10 egress 10.0.1.2 -> 10.0.2.1 tcp/10 allow",
                                "30 egress 10.0.1.2 -> 10.0.2.1 tcp/30 allow")),
                argumentSet("lower id wins: a deny with a lower id comes before the allow",
                        List.of(allow(2, "web", "db", "tcp/5432"), deny(1, "prod", "db", "tcp/5432")), "web2", PolicyMode.MONITOR, List.of(
                                "1 egress 10.0.1.2 -> 10.0.3.1 tcp/5432 violate",
                                "1 egress 10.0.1.2 -> 10.0.3.5 tcp/5432 violate",
                                "2 egress 10.0.1.2 -> 10.0.3.1 tcp/5432 allow",
                                "2 egress 10.0.1.2 -> 10.0.3.5 tcp/5432 allow")),
                argumentSet("workload in no group: Monitor, no rules",
                        List.of(allow(1, "web", "api", "any")), "lonely", PolicyMode.MONITOR, List.of()),
                argumentSet("workload without addresses: no rules",
                        List.of(allow(1, "web", "api", "any")), "noaddr", PolicyMode.MONITOR, List.of()),
                argumentSet("rules from two of its groups, sorted by id",
                        List.of(allow(7, "prod", "db", "tcp/5432"), allow(3, "api", "web", "tcp/80")), "api1", PolicyMode.PROTECT, List.of(
                                "3 egress 10.0.2.1 -> 10.0.1.1-10.0.1.2 tcp/80 allow",
                                "3 egress fd00::2:1 -> fd00::1:1 tcp/80 allow",
                                "7 egress 10.0.2.1 -> 10.0.3.1 tcp/5432 allow",
                                "7 egress 10.0.2.1 -> 10.0.3.5 tcp/5432 allow")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void compiles(List<PolicyRule> rules, String workload, PolicyMode mode, List<String> expected) {
        PolicySnapshot snapshot = new PolicySnapshot(GROUPS, rules, WORKLOADS);
        WorkloadPolicy p = PolicyCompiler.create(snapshot).policy(workload).orElseThrow();
        assertThat(texts(p)).containsExactlyElementsOf(expected.stream().map(Fixtures::expand).toList());
        assertThat(p.mode()).isEqualTo(mode);
        assertThat(p.defaultAction()).isEqualTo(mode == PolicyMode.PROTECT ? DpAction.DENY : DpAction.VIOLATE);
        assertThat(p.rules()).isSortedAccordingTo(DpRule.ORDER);
        assertThat(ReferenceCompiler.compile(snapshot, workload)).isEqualTo(p);
    }

    @Test
    void groupsAreListedAndUngroupedWorkloadsReported() {
        PolicyCompiler c = PolicyCompiler.create(new PolicySnapshot(GROUPS, List.of(), WORKLOADS));
        assertThat(c.policy("api1").orElseThrow().groups()).containsExactly("api", "prod");
        assertThat(c.policy("web1").orElseThrow().grouped()).isTrue();
        WorkloadPolicy lonely = c.policy("lonely").orElseThrow();
        assertThat(lonely.grouped()).isFalse();
        assertThat(lonely.mode()).isEqualTo(PolicyMode.MONITOR);
        assertThat(lonely.defaultAction()).isEqualTo(DpAction.VIOLATE);
        assertThat(c.ungrouped()).containsExactly("lonely");
        assertThat(c.policies()).containsOnlyKeys(WORKLOADS.stream().map(Workload::id).toList());
        assertThat(c.members("web")).containsExactly("noaddr", "web1", "web2");
        assertThat(c.members("internet")).isEmpty();
    }

    @Test
    void dpRuleTextIsCompactAndStable() {
        WorkloadPolicy p = PolicyCompiler.create(new PolicySnapshot(GROUPS, List.of(allow(1, "web", "api", "tcp/80")), WORKLOADS))
                .policy("web1").orElseThrow();
        DpRule r = p.rules().getFirst();
        assertThat(r.id()).isEqualTo(1);
        assertThat(r.proto()).isEqualTo(6);
        assertThat(r.portFirst()).isEqualTo(80);
        assertThat(r.portLast()).isEqualTo(80);
        assertThat(r.ingress()).isFalse();
        assertThat(r.action().code()).isEqualTo(1);
        assertThat(r).hasToString("1 egress 10.0.1.1 -> 10.0.2.1 tcp/80 allow");
        assertThat(expand("1 egress fd00::1:1 -> fd00::2:1-fd00::2:9")).isEqualTo(
                "1 egress fd00:0:0:0:0:0:1:1 -> fd00:0:0:0:0:0:2:1-fd00:0:0:0:0:0:2:9");
    }
}
