package dev.microseg.dp.engine;

import dev.microseg.dp.policy.Action;
import dev.microseg.dp.policy.Addr;
import dev.microseg.dp.policy.AppRule;
import dev.microseg.dp.policy.Classifier;
import dev.microseg.dp.policy.ClassifierRule;
import dev.microseg.dp.policy.Decision;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.PolicyDir;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.RuleApp;
import dev.microseg.dp.protocol.WorkloadPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** ctrl_cfg_policy rules to classifier rules: fields, address forms, what is refused and what is left out. */
class RuleMappingTest {
    private static final List<MacAddress> MAC = List.of(MacAddress.parse("mac", "02:00:00:00:00:02"));

    private static IpAddress ip(String s) {
        return IpAddress.parse("ip", s);
    }

    private static WorkloadPolicy policy(RuleAction defact, PolicyDir dir, PolicyRule... rules) {
        return new WorkloadPolicy(PolicyCmd.ADD, defact, dir, MAC, List.of(rules));
    }

    @Test
    void everyFieldIsCarriedAndIpv4BecomesIpv4Mapped() throws Exception {
        PolicyRule r = new PolicyRule(7, ip("10.1.0.0"), ip("10.1.255.255"), ip("172.17.0.2"), ip("172.17.0.2"), 8000, 8080,
                IpProto.TCP, RuleAction.VIOLATE, true, Optional.empty(), false,
                List.of(new RuleApp(70, 1001, RuleAction.ALLOW)));
        ClassifierRule c = RuleMapping.rules(policy(RuleAction.DENY, PolicyDir.BOTH, r)).getFirst();
        assertThat(c).isEqualTo(new ClassifierRule(7, Addr.of("10.1.0.0"), Addr.of("10.1.255.255"), Addr.of("172.17.0.2"),
                Addr.of("172.17.0.2"), 8000, 8080, 6, Action.VIOLATE, true, List.of(new AppRule(70, 1001, Action.ALLOW))));
        assertThat(c.srcLo().lo() >>> 32).as("::ffff:0:0/96").isEqualTo(0xffffL);
        PolicyRule v6 = new PolicyRule(8, ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ip("fd00::2"),
                ip("fd00::2"), 0, 65535, IpProto.ANY, RuleAction.ALLOW, false);
        assertThat(RuleMapping.rules(policy(RuleAction.DENY, PolicyDir.BOTH, v6)).getFirst().srcHi()).isEqualTo(Addr.MAX);
    }

    @Test
    void theCompiledPolicyDecidesAsTheRulesSayWithDirectionAndDefault() throws Exception {
        PolicyRule in = new PolicyRule(1, ip("10.0.0.1"), ip("10.0.0.9"), ip("10.0.0.100"), ip("10.0.0.100"), 80, 80,
                IpProto.TCP, RuleAction.ALLOW, true);
        Classifier c = RuleMapping.compile(policy(RuleAction.DENY, PolicyDir.INGRESS, in), 42);
        Addr src = Addr.of("10.0.0.5");
        Addr dst = Addr.of("10.0.0.100");
        assertThat(c.generation()).isEqualTo(42);
        assertThat(c.lookup(true, src, dst, 6, 80, Classifier.APP_UNKNOWN).ruleId()).isEqualTo(1);
        assertThat(c.lookup(true, src, dst, 6, 81, Classifier.APP_UNKNOWN).kind()).isEqualTo(Decision.Kind.DEFAULT);
        assertThat(c.lookup(true, src, dst, 6, 81, Classifier.APP_UNKNOWN).action()).isEqualTo(Action.DENY);
        assertThat(c.lookup(false, dst, src, 6, 80, Classifier.APP_UNKNOWN)).as("egress not governed")
                .isEqualTo(Decision.UNENFORCED);
    }

    @Test
    void fqdnRulesAreAcceptedButNeverMatch() throws Exception {
        PolicyRule fqdn = new PolicyRule(1, ip("10.0.0.100"), ip("10.0.0.100"), ip("0.0.0.0"), ip("255.255.255.255"),
                443, 443, IpProto.TCP, RuleAction.ALLOW, false, Optional.of("*.example.com"), true, List.of());
        WorkloadPolicy p = policy(RuleAction.DENY, PolicyDir.BOTH, fqdn);
        assertThat(RuleMapping.rules(p)).isEmpty();
        assertThat(RuleMapping.fqdnRules(p)).isEqualTo(1);
        Decision d = RuleMapping.compile(p, 1).lookup(false, Addr.of("10.0.0.100"), Addr.of("93.184.216.34"), 6, 443,
                Classifier.APP_UNKNOWN);
        assertThat(d.kind()).as("not an open door to every address").isEqualTo(Decision.Kind.DEFAULT);
    }

    static Stream<Arguments> refused() {
        IpAddress a = ip("10.0.0.1");
        return Stream.of(
            arguments(new PolicyRule(2_147_483_648L, a, a, a, a, 0, 0, IpProto.ANY, RuleAction.ALLOW, true),
                "ctrl_cfg_policy.rules[0].id"),
            arguments(new PolicyRule(1, a, a, a, a, 0, 0, IpProto.ANY, RuleAction.ALLOW, true, Optional.empty(), false,
                List.of(new RuleApp(4_000_000_000L, 1001, RuleAction.ALLOW))), "ctrl_cfg_policy.rules[0].apps[0].rid"),
            arguments(new PolicyRule(1, a, a, a, a, 0, 0, IpProto.ANY, RuleAction.ALLOW, true, Optional.empty(), false,
                List.of(new RuleApp(5, 0, RuleAction.ALLOW))), "ctrl_cfg_policy.rules[0].apps[0].app"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refused")
    void whatTheClassifierCannotHoldIsRefusedNamingTheField(PolicyRule r, String path) {
        assertThatThrownBy(() -> RuleMapping.rules(policy(RuleAction.DENY, PolicyDir.BOTH, r)))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.error()).isEqualTo(ControlError.REJECTED);
                    assertThat(e.path()).isEqualTo(path);
                });
    }
}
