package dev.microseg.model.compile;

import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.net.AddressRange;
import dev.microseg.model.net.IpAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

import static dev.microseg.model.compile.Fixtures.allow;
import static dev.microseg.model.compile.Fixtures.sel;
import static dev.microseg.model.compile.Fixtures.w;
import static dev.microseg.model.compile.IncrementalCompileTest.GROUPS;
import static dev.microseg.model.compile.IncrementalCompileTest.RULES;
import static dev.microseg.model.compile.IncrementalCompileTest.WORKLOADS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Refused inputs name the field and the group; a refused batch changes nothing. */
class PolicyValidationTest {

    private static PolicyCompiler compiler() {
        return PolicyCompiler.create(new PolicySnapshot(GROUPS, RULES, WORKLOADS));
    }

    static Stream<Arguments> refusedBatches() {
        PolicyChange newWorkload = new PolicyChange.PutWorkload(w("web9", "app=web", "10.0.1.9"));
        return Stream.of(
                argumentSet("rule from a missing group",
                        List.of(new PolicyChange.PutRule(allow(7, "nope", "db", "any"))), "from", "group 'nope' does not exist (rule 7)"),
                argumentSet("rule to a missing group",
                        List.of(new PolicyChange.PutRule(allow(7, "web", "nope", "any"))), "to", "group 'nope' does not exist (rule 7)"),
                argumentSet("valid change before a refused one is not applied either",
                        List.of(newWorkload, new PolicyChange.PutRule(allow(7, "web", "nope", "any"))), "to",
                        "group 'nope' does not exist (rule 7)"),
                argumentSet("rule before the group it names",
                        List.of(new PolicyChange.PutRule(allow(7, "ops", "db", "any")), new PolicyChange.PutGroup(sel("ops", PolicyMode.MONITOR, "a=b"))),
                        "from", "group 'ops' does not exist (rule 7)"),
                argumentSet("group removed, then a rule names it",
                        List.of(new PolicyChange.RemoveGroup("stage"), new PolicyChange.PutRule(allow(7, "stage", "db", "any"))),
                        "from", "group 'stage' does not exist (rule 7)"),
                argumentSet("group removed while rules name it",
                        List.of(new PolicyChange.RemoveGroup("web")), "name", "group 'web' is used by rules [1, 4, 5]; delete or change them first"),
                argumentSet("group removed while a rule of the same batch names it",
                        List.of(new PolicyChange.PutRule(allow(7, "stage", "db", "any")), new PolicyChange.RemoveGroup("stage")), "name",
                        "group 'stage' is used by rules [7]; delete or change them first"),
                argumentSet("group removed after only some of its rules are",
                        List.of(new PolicyChange.RemoveRule(1), new PolicyChange.RemoveGroup("web")), "name",
                        "group 'web' is used by rules [4, 5]; delete or change them first"));
    }

    @ParameterizedTest
    @MethodSource("refusedBatches")
    void refusesAndChangesNothing(List<PolicyChange> batch, String field, String reason) {
        PolicyCompiler c = compiler();
        PolicySnapshot before = c.snapshot();
        var policies = c.policies();
        assertThatThrownBy(() -> c.apply(batch)).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.reason()).isEqualTo(reason);
        });
        assertThat(c.snapshot()).isEqualTo(before);
        assertThat(c.policies()).isEqualTo(policies);
    }

    static Stream<Arguments> acceptedBatches() {
        return Stream.of(
                argumentSet("group removed after every rule naming it is removed",
                        List.of(new PolicyChange.RemoveRule(2), new PolicyChange.RemoveRule(1), new PolicyChange.RemoveGroup("api"))),
                argumentSet("group removed after its rule moved elsewhere",
                        List.of(new PolicyChange.PutRule(allow(6, "prod", "db", "icmp")), new PolicyChange.RemoveGroup("v6"))),
                argumentSet("group removed and created again, then used",
                        List.of(new PolicyChange.RemoveGroup("stage"), new PolicyChange.PutGroup(sel("stage", PolicyMode.MONITOR, "env=stage")),
                                new PolicyChange.PutRule(allow(7, "stage", "db", "any")))),
                argumentSet("removing an unknown group does nothing", List.of(new PolicyChange.RemoveGroup("nope"))));
    }

    @ParameterizedTest
    @MethodSource("acceptedBatches")
    void accepts(List<PolicyChange> batch) {
        PolicyCompiler c = compiler();
        c.apply(batch);
        assertThat(c.policies()).isEqualTo(ReferenceCompiler.compileAll(c.snapshot()));
    }

    static Stream<Arguments> badSnapshots() {
        return Stream.of(
                argumentSet("duplicate group", (Executable) () -> new PolicySnapshot(List.of(GROUPS.get(0), GROUPS.get(0)), List.of(), List.of()),
                        "groups[1].name", "duplicate group name 'web'"),
                argumentSet("duplicate rule", (Executable) () -> new PolicySnapshot(GROUPS, List.of(RULES.get(0), RULES.get(0)), List.of()),
                        "rules[1].id", "duplicate rule id 1"),
                argumentSet("duplicate workload", (Executable) () -> new PolicySnapshot(GROUPS, List.of(), List.of(WORKLOADS.get(1), WORKLOADS.get(1))),
                        "workloads[1].id", "duplicate workload id 'web2'"),
                argumentSet("rule from a missing group", (Executable) () -> new PolicySnapshot(List.of(), List.of(RULES.get(0)), List.of()),
                        "from", "group 'web' does not exist (rule 1)"),
                argumentSet("rule to a missing group", (Executable) () -> new PolicySnapshot(List.of(GROUPS.get(0)), List.of(RULES.get(0)), List.of()),
                        "to", "group 'api' does not exist (rule 1)"));
    }

    @ParameterizedTest
    @MethodSource("badSnapshots")
    void refusesSnapshots(Executable construct, String field, String reason) {
        assertThatThrownBy(construct::execute).isInstanceOfSatisfying(InvalidFieldException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    @Test
    void unknownWorkloadIsNotCompiled() {
        assertThatThrownBy(() -> compiler().compile("nope")).isInstanceOf(NoSuchElementException.class).hasMessage("unknown workload 'nope'");
        assertThat(compiler().policy("nope")).isEmpty();
    }

    private static AddressRange r(String a) {
        return AddressRange.of(IpAddresses.parse("ip", a));
    }

    static Stream<Arguments> badDpRules() {
        return Stream.of(
                argumentSet("id 0", (Executable) () -> new DpRule(0, r("10.0.0.1"), r("10.0.0.2"), 0, 65535, 0, DpAction.ALLOW, false, List.of()),
                        "rule id out of range: 0"),
                argumentSet("IPv4 to IPv6", (Executable) () -> new DpRule(1, r("10.0.0.1"), r("::1"), 0, 65535, 0, DpAction.ALLOW, false, List.of()),
                        "rule 1 pairs IPv4 with IPv6: 10.0.0.1 -> 0:0:0:0:0:0:0:1"),
                argumentSet("reversed ports", (Executable) () -> new DpRule(1, r("10.0.0.1"), r("10.0.0.2"), 90, 80, 6, DpAction.ALLOW, false, List.of()),
                        "rule 1 has a bad port range 90-80"),
                argumentSet("port above 65535", (Executable) () -> new DpRule(1, r("10.0.0.1"), r("10.0.0.2"), 0, 65536, 6, DpAction.ALLOW, false, List.of()),
                        "rule 1 has a bad port range 0-65536"),
                argumentSet("unknown protocol", (Executable) () -> new DpRule(1, r("10.0.0.1"), r("10.0.0.2"), 0, 65535, 132, DpAction.ALLOW, false, List.of()),
                        "rule 1 has protocol 132; expected 0, 1, 6, 17 or 58"),
                argumentSet("ICMP between IPv6", (Executable) () -> new DpRule(1, r("::1"), r("::2"), 0, 65535, 1, DpAction.ALLOW, false, List.of()),
                        "rule 1 applies icmp to the wrong address family"),
                argumentSet("ICMPv6 between IPv4", (Executable) () -> new DpRule(1, r("10.0.0.1"), r("10.0.0.2"), 0, 65535, 58, DpAction.ALLOW, false, List.of()),
                        "rule 1 applies icmpv6 to the wrong address family"),
                argumentSet("dp action 5", (Executable) () -> DpAction.fromCode(5), "unknown dp action 5 (expected 1 allow, 2 deny, 3 learn, 4 violate)"),
                argumentSet("app id 0", (Executable) () -> new DpApp(1, 0, DpAction.ALLOW), "application id must be positive: 0"));
    }

    @ParameterizedTest
    @MethodSource("badDpRules")
    void dpRecordsRejectWhatTheDpCannotCarry(Executable construct, String message) {
        assertThatThrownBy(construct::execute).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void dpActionNumbersAreTheProtocols() {
        assertThat(DpAction.values()).extracting(DpAction::code).containsExactly(1, 2, 3, 4);
        for (DpAction a : DpAction.values()) {
            assertThat(DpAction.fromCode(a.code())).isSameAs(a);
        }
        assertThat(DpAction.forRule(dev.microseg.model.policy.RuleAction.ALLOW, PolicyMode.MONITOR)).isEqualTo(DpAction.ALLOW);
        assertThat(DpAction.forRule(dev.microseg.model.policy.RuleAction.ALLOW, PolicyMode.PROTECT)).isEqualTo(DpAction.ALLOW);
        assertThat(DpAction.forRule(dev.microseg.model.policy.RuleAction.DENY, PolicyMode.MONITOR)).isEqualTo(DpAction.VIOLATE);
        assertThat(DpAction.forRule(dev.microseg.model.policy.RuleAction.DENY, PolicyMode.PROTECT)).isEqualTo(DpAction.DENY);
        assertThat(DpAction.defaultFor(PolicyMode.MONITOR)).isEqualTo(DpAction.VIOLATE);
        assertThat(DpAction.defaultFor(PolicyMode.PROTECT)).isEqualTo(DpAction.DENY);
    }
}
