package dev.microseg.dp.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microseg.dp.packet.IpProtocols;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ClassifierTest {
    static final Addr WEB = Addr.of("10.0.1.10");
    static final Addr DB = Addr.of("10.0.2.20");
    static final Addr OTHER = Addr.of("10.9.9.9");
    static final int HTTP = 1001;
    static final int MYSQL = 1002;
    static final int SSH = 1003;

    static ClassifierRule rule(int id, String src, String dst, int portLo, int portHi, int proto, Action a, boolean ingress,
                               AppRule... apps) {
        Addr[] s = range(src);
        Addr[] d = range(dst);
        return new ClassifierRule(id, s[0], s[1], d[0], d[1], portLo, portHi, proto, a, ingress, List.of(apps));
    }

    /** "any", "a.b.c.d", "a.b.c.d/len" or "lo-hi". */
    static Addr[] range(String spec) {
        if (spec.equals("any")) {
            return new Addr[] {Addr.MIN, Addr.MAX};
        }
        if (spec.contains("-")) {
            String[] p = spec.split("-");
            return new Addr[] {Addr.of(p[0]), Addr.of(p[1])};
        }
        if (spec.contains("/")) {
            String[] p = spec.split("/");
            Addr base = Addr.of(p[0]);
            int len = Integer.parseInt(p[1]) + (spec.contains(":") ? 0 : 96);
            long hiMask = Prefixes.maskHi(len);
            long loMask = Prefixes.maskLo(len);
            return new Addr[] {new Addr(base.hi() & hiMask, base.lo() & loMask), new Addr(base.hi() | ~hiMask, base.lo() | ~loMask)};
        }
        Addr a = Addr.of(spec);
        return new Addr[] {a, a};
    }

    /** A policy of ingress rules for the DB workload and egress rules for WEB, default deny. */
    static final List<ClassifierRule> POLICY = List.of(
        rule(10, "10.0.1.0/24", "10.0.2.20", 3306, 3306, IpProtocols.TCP, Action.ALLOW, true),
        rule(5, "10.0.1.66", "10.0.2.20", 0, 65535, 0, Action.DENY, true),
        rule(20, "10.0.0.0/16", "10.0.2.20", 8000, 8080, IpProtocols.TCP, Action.ALLOW, true),
        rule(30, "any", "10.0.2.20", 0, 65535, IpProtocols.ICMP, Action.ALLOW, true),
        rule(40, "10.0.1.10", "any", 0, 65535, IpProtocols.TCP, Action.VIOLATE, false),
        rule(15, "10.0.1.10", "10.0.2.20", 80, 80, IpProtocols.TCP, Action.DENY, false,
            new AppRule(150, HTTP, Action.ALLOW), new AppRule(151, SSH, Action.DENY)),
        rule(16, "10.0.1.10", "10.0.2.20", 80, 80, IpProtocols.TCP, Action.ALLOW, false),
        rule(12, "10.0.1.10", "10.0.2.0-10.0.2.30", 53, 53, IpProtocols.UDP, Action.ALLOW, false),
        rule(50, "fd00::/64", "fd00::20", 443, 443, IpProtocols.TCP, Action.ALLOW, true),
        rule(8, "10.0.1.10", "10.0.2.20", 22, 22, IpProtocols.TCP, Action.LEARN, false, new AppRule(80, SSH, Action.ALLOW)));

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("port match in a /24", true, "10.0.1.10", "10.0.2.20", IpProtocols.TCP, 3306, 0, Decision.Kind.RULE, 10, Action.ALLOW),
            Arguments.of("lowest id wins over a later allow", true, "10.0.1.66", "10.0.2.20", IpProtocols.TCP, 3306, 0, Decision.Kind.RULE, 5, Action.DENY),
            Arguments.of("port range low edge", true, "10.0.7.1", "10.0.2.20", IpProtocols.TCP, 8000, 0, Decision.Kind.RULE, 20, Action.ALLOW),
            Arguments.of("port range high edge", true, "10.0.7.1", "10.0.2.20", IpProtocols.TCP, 8080, 0, Decision.Kind.RULE, 20, Action.ALLOW),
            Arguments.of("port just past the range", true, "10.0.7.1", "10.0.2.20", IpProtocols.TCP, 8081, 0, Decision.Kind.DEFAULT, 0, Action.DENY),
            Arguments.of("source outside the /16", true, "10.1.0.1", "10.0.2.20", IpProtocols.TCP, 8000, 0, Decision.Kind.DEFAULT, 0, Action.DENY),
            Arguments.of("protocol mismatch", true, "10.0.1.10", "10.0.2.20", IpProtocols.UDP, 3306, 0, Decision.Kind.DEFAULT, 0, Action.DENY),
            Arguments.of("protocol any (id 5) covers UDP", true, "10.0.1.66", "10.0.2.20", IpProtocols.UDP, 9, 0, Decision.Kind.RULE, 5, Action.DENY),
            Arguments.of("ICMP from anywhere by type", true, "192.0.2.1", "10.0.2.20", IpProtocols.ICMP, 8, 0, Decision.Kind.RULE, 30, Action.ALLOW),
            Arguments.of("ingress rule does not apply to egress", false, "10.0.1.10", "10.0.2.20", IpProtocols.TCP, 3306, 0, Decision.Kind.RULE, 40, Action.VIOLATE),
            Arguments.of("egress catch-all for WEB", false, "10.0.1.10", "10.9.9.9", IpProtocols.TCP, 443, 0, Decision.Kind.RULE, 40, Action.VIOLATE),
            Arguments.of("egress from another source: default", false, "10.0.1.11", "10.9.9.9", IpProtocols.TCP, 443, 0, Decision.Kind.DEFAULT, 0, Action.DENY),
            Arguments.of("arbitrary destination range", false, "10.0.1.10", "10.0.2.30", IpProtocols.UDP, 53, 0, Decision.Kind.RULE, 12, Action.ALLOW),
            Arguments.of("just past the arbitrary range", false, "10.0.1.10", "10.0.2.31", IpProtocols.UDP, 53, 0, Decision.Kind.DEFAULT, 0, Action.DENY),
            Arguments.of("apps: unknown application needs inspection", false, "10.0.1.10", "10.0.2.20", IpProtocols.TCP, 80, 0, Decision.Kind.NEEDS_APPLICATION, 15, Action.DENY),
            Arguments.of("apps: HTTP matches the app entry", false, "10.0.1.10", "10.0.2.20", IpProtocols.TCP, 80, HTTP, Decision.Kind.APPLICATION, 150, Action.ALLOW),
            Arguments.of("apps: SSH entry denies", false, "10.0.1.10", "10.0.2.20", IpProtocols.TCP, 80, SSH, Decision.Kind.APPLICATION, 151, Action.DENY),
            Arguments.of("apps: MySQL on 80 falls to rule 16", false, "10.0.1.10", "10.0.2.20", IpProtocols.TCP, 80, MYSQL, Decision.Kind.RULE, 16, Action.ALLOW),
            Arguments.of("apps: MySQL on 22 falls past rule 8 to the catch-all", false, "10.0.1.10", "10.0.2.20", IpProtocols.TCP, 22, MYSQL, Decision.Kind.RULE, 40, Action.VIOLATE),
            Arguments.of("IPv6 prefix", true, "fd00::1234", "fd00::20", IpProtocols.TCP, 443, 0, Decision.Kind.RULE, 50, Action.ALLOW),
            Arguments.of("IPv6 outside the /64", true, "fd00:0:0:1::1", "fd00::20", IpProtocols.TCP, 443, 0, Decision.Kind.DEFAULT, 0, Action.DENY),
            Arguments.of("IPv4 rule never matches IPv6", true, "::a00:10a", "10.0.2.20", IpProtocols.TCP, 3306, 0, Decision.Kind.DEFAULT, 0, Action.DENY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifies(String name, boolean ingress, String src, String dst, int proto, int port, int app, Decision.Kind kind,
                    int ruleId, Action action) {
        Classifier c = Classifier.compile(POLICY, Action.DENY, 7);
        Decision d = c.lookup(ingress, Addr.of(src), Addr.of(dst), proto, port, app);
        assertThat(d.kind()).as(name).isEqualTo(kind);
        assertThat(d.ruleId()).as(name).isEqualTo(ruleId);
        assertThat(d.action()).as(name).isEqualTo(action);
        ReferenceClassifier ref = new ReferenceClassifier(POLICY, Action.DENY, PolicyDirection.BOTH);
        Addr s = Addr.of(src);
        Addr t = Addr.of(dst);
        assertThat(d).as("agrees with the linear reference").isEqualTo(ref.lookup(ingress, s.hi(), s.lo(), t.hi(), t.lo(), proto, port, app));
    }

    @Test
    void defaultActionAndDirectionCoverage() {
        Classifier empty = Classifier.compile(List.of(), Action.VIOLATE, 1);
        assertThat(empty.lookup(true, WEB, DB, IpProtocols.TCP, 80, 0)).isEqualTo(new Decision(Decision.Kind.DEFAULT, 0, Action.VIOLATE, 0));
        Classifier ingressOnly = Classifier.compile(POLICY, Action.DENY, PolicyDirection.INGRESS, 2);
        assertThat(ingressOnly.lookup(false, WEB, OTHER, IpProtocols.TCP, 443, 0)).isSameAs(Decision.UNENFORCED);
        assertThat(ingressOnly.lookup(true, WEB, DB, IpProtocols.TCP, 3306, 0).ruleId()).isEqualTo(10);
        assertThat(ingressOnly.tupleCount(false)).isZero();
        assertThat(ingressOnly.generation()).isEqualTo(2);
    }

    @Test
    void duplicateIdsKeepInputOrder() {
        List<ClassifierRule> rules = List.of(
            rule(3, "any", "any", 0, 65535, 0, Action.DENY, true),
            rule(3, "any", "any", 0, 65535, 0, Action.ALLOW, true));
        assertThat(Classifier.compile(rules, Action.ALLOW, 1).lookup(true, WEB, DB, 6, 1, 0).action()).isEqualTo(Action.DENY);
    }

    @Test
    void lookupsAllocateNoDecisions() {
        Classifier c = Classifier.compile(POLICY, Action.DENY, 1);
        assertThat(c.lookup(true, WEB, DB, IpProtocols.TCP, 3306, 0)).isSameAs(c.lookup(true, WEB, DB, IpProtocols.TCP, 3306, 0));
        assertThat(c.lookup(true, OTHER, WEB, IpProtocols.TCP, 1, 0)).isSameAs(c.defaultDecision());
    }

    @Test
    void badRulesNameTheField() {
        assertThatThrownBy(() -> rule(1, "10.0.0.9-10.0.0.1", "any", 0, 1, 6, Action.ALLOW, true)).hasMessageContaining("sip..sipr");
        assertThatThrownBy(() -> rule(1, "any", "10.0.0.9-10.0.0.1", 0, 1, 6, Action.ALLOW, true)).hasMessageContaining("dip..dipr");
        assertThatThrownBy(() -> rule(1, "any", "any", 9, 1, 6, Action.ALLOW, true)).hasMessageContaining("port..portr");
        assertThatThrownBy(() -> rule(1, "any", "any", 0, 70000, 6, Action.ALLOW, true)).hasMessageContaining("port..portr");
        assertThatThrownBy(() -> rule(1, "any", "any", 0, 1, 300, Action.ALLOW, true)).hasMessageContaining("proto");
        assertThatThrownBy(() -> Action.fromWire(5, "defact")).hasMessageContaining("defact");
        assertThatThrownBy(() -> PolicyDirection.fromWire(0)).hasMessageContaining("dir");
        assertThatThrownBy(() -> new AppRule(1, 0, Action.ALLOW)).hasMessageContaining("apps[].app");
        assertThatThrownBy(() -> Classifier.compile(POLICY, null, 1)).hasMessageContaining("defact");
    }

    @Test
    void policyTablePublishesAtomically() {
        PolicyTable table = new PolicyTable(4);
        assertThat(table.get(2)).isNull();
        Classifier v1 = Classifier.compile(POLICY, Action.DENY, 1);
        Classifier v2 = Classifier.compile(List.of(), Action.ALLOW, 2);
        assertThat(table.publish(2, v1)).isNull();
        assertThat(table.publish(2, v2)).isSameAs(v1);
        assertThat(table.get(2).generation()).isEqualTo(2);
        assertThat(table.remove(2)).isSameAs(v2);
        assertThatThrownBy(() -> table.get(4)).hasMessageContaining("endpoint");
    }
}
