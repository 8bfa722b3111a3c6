package dev.microseg.model.compile;

import dev.microseg.model.group.Group;
import dev.microseg.model.group.PolicyMode;
import dev.microseg.model.group.SelectorParser;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.policy.PortSpec;
import dev.microseg.model.workload.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Stream;

import static dev.microseg.model.compile.Fixtures.addr;
import static dev.microseg.model.compile.Fixtures.allow;
import static dev.microseg.model.compile.Fixtures.deny;
import static dev.microseg.model.compile.Fixtures.disabled;
import static dev.microseg.model.compile.Fixtures.sel;
import static dev.microseg.model.compile.Fixtures.w;
import static dev.microseg.model.compile.Fixtures.withComment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Which workloads a change recompiles, exactly. In the fixture:
 * web = {web1, web2}, api = {api1}, db = {db1, db2}, prod = {web1, web2, api1, db1},
 * stage = {db2}, v6 = {v6only}; lonely is in no group. Peers (members of the other side of the
 * enabled rules naming a group): web → {api1}; api → {web1, web2, db1, db2}; db → {api1};
 * prod → {v6only}; v6 → prod's members; internet → web's; dbnet → db's.
 */
class IncrementalCompileTest {
    static final List<Workload> WORKLOADS = List.of(
            w("web1", "app=web,env=prod", "10.0.1.1 fd00::1:1"),
            w("web2", "app=web,env=prod", "10.0.1.2"),
            w("api1", "app=api,env=prod", "10.0.2.1 fd00::2:1"),
            w("db1", "app=db,env=prod", "10.0.3.1"),
            w("db2", "app=db,env=stage", "10.0.3.5"),
            w("lonely", "app=tool", "10.0.9.9"),
            w("v6only", "app=v6", "fd00::6:1"));

    static final List<Group> GROUPS = List.of(
            sel("web", PolicyMode.MONITOR, "app=web"),
            sel("api", PolicyMode.PROTECT, "app=api"),
            sel("db", PolicyMode.PROTECT, "app=db"),
            sel("prod", PolicyMode.MONITOR, "env=prod"),
            sel("stage", PolicyMode.PROTECT, "env=stage"),
            sel("v6", PolicyMode.MONITOR, "app=v6"),
            sel("empty", PolicyMode.MONITOR, "app=nothing"),
            addr("internet", "0.0.0.0/0", "::/0"),
            addr("dbnet", "10.10.0.0/24"));

    static final PolicyRule R1 = allow(1, "web", "api", "tcp/80");
    static final PolicyRule R5 = disabled(deny(5, "web", "db", "any"));

    static final List<PolicyRule> RULES = List.of(
            R1,
            allow(2, "api", "db", "tcp/5432"),
            allow(3, "dbnet", "db", "tcp/5432"),
            allow(4, "web", "internet", "any"),
            R5,
            allow(6, "prod", "v6", "icmp"));

    private static PolicyChange put(Workload w) {
        return new PolicyChange.PutWorkload(w);
    }

    private static PolicyChange put(Group g) {
        return new PolicyChange.PutGroup(g);
    }

    private static PolicyChange put(PolicyRule r) {
        return new PolicyChange.PutRule(r);
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                argumentSet("new workload joins web: itself and web's peers",
                        List.of(put(w("web3", "app=web,env=dev", "10.0.1.3"))), Set.of("web3", "api1"), Set.of()),
                argumentSet("labels move db2 from db to api: itself, db's and api's peers",
                        List.of(put(w("db2", "app=api,env=stage", "10.0.3.5"))), Set.of("db2", "api1", "web1", "web2", "db1"), Set.of()),
                argumentSet("a label no group looks at: only itself",
                        List.of(put(w("lonely", "app=tool,team=x", "10.0.9.9"))), Set.of("lonely"), Set.of()),
                argumentSet("same workload again: nothing",
                        List.of(put(WORKLOADS.get(0))), Set.of(), Set.of()),
                argumentSet("address change: itself and the peers of web and prod",
                        List.of(put(w("web1", "app=web,env=prod", "10.0.1.7 fd00::1:1"))), Set.of("web1", "api1", "v6only"), Set.of()),
                argumentSet("same addresses in another order: only itself",
                        List.of(put(w("web1", "app=web,env=prod", "fd00::1:1 10.0.1.1"))), Set.of("web1"), Set.of()),
                argumentSet("workload removed: peers of db and prod",
                        List.of(new PolicyChange.RemoveWorkload("db1")), Set.of("api1", "v6only"), Set.of("db1")),
                argumentSet("unknown workload removed: nothing",
                        List.of(new PolicyChange.RemoveWorkload("nope")), Set.of(), Set.of()),
                argumentSet("group mode change: its members",
                        List.of(put(sel("api", PolicyMode.MONITOR, "app=api"))), Set.of("api1"), Set.of()),
                argumentSet("group comment change: nothing",
                        List.of(put(new Group("db", PolicyMode.PROTECT, SelectorParser.parse("s", "app=db"), "databases"))), Set.of(), Set.of()),
                argumentSet("selector narrowed: the leaver and db's peers",
                        List.of(put(sel("db", PolicyMode.PROTECT, "app=db, env=prod"))), Set.of("db2", "api1"), Set.of()),
                argumentSet("selector rewritten, same members: nothing",
                        List.of(put(sel("db", PolicyMode.PROTECT, "app in (db)"))), Set.of(), Set.of()),
                argumentSet("address group CIDRs change: its peers",
                        List.of(put(addr("dbnet", "10.20.0.0/16"))), Set.of("db1", "db2"), Set.of()),
                argumentSet("new group without rules: its members",
                        List.of(put(sel("tools", PolicyMode.PROTECT, "app=tool"))), Set.of("lonely"), Set.of()),
                argumentSet("group without rules removed: its former members",
                        List.of(new PolicyChange.RemoveGroup("stage")), Set.of("db2"), Set.of()),
                argumentSet("new rule: members of both sides",
                        List.of(put(allow(7, "web", "db", "tcp/3306"))), Set.of("web1", "web2", "db1", "db2"), Set.of()),
                argumentSet("rule ports change: members of both sides",
                        List.of(put(allow(1, "web", "api", "tcp/8080"))), Set.of("web1", "web2", "api1"), Set.of()),
                argumentSet("rule moved to another group: old and new sides",
                        List.of(put(allow(1, "web", "db", "tcp/80"))), Set.of("web1", "web2", "api1", "db1", "db2"), Set.of()),
                argumentSet("disabled rule enabled: both sides",
                        List.of(put(deny(5, "web", "db", "any"))), Set.of("web1", "web2", "db1", "db2"), Set.of()),
                argumentSet("rule disabled: both sides",
                        List.of(put(disabled(R1))), Set.of("web1", "web2", "api1"), Set.of()),
                argumentSet("disabled rule edited: nothing",
                        List.of(put(disabled(deny(5, "web", "api", "tcp/1")))), Set.of(), Set.of()),
                argumentSet("rule comment change: nothing",
                        List.of(put(withComment(R1, "web may call the API"))), Set.of(), Set.of()),
                argumentSet("rule removed: both sides",
                        List.of(new PolicyChange.RemoveRule(2)), Set.of("api1", "db1", "db2"), Set.of()),
                argumentSet("unknown rule removed: nothing",
                        List.of(new PolicyChange.RemoveRule(99)), Set.of(), Set.of()),
                argumentSet("rule to an address group: the selector side only",
                        List.of(put(allow(8, "api", "internet", "tcp/443"))), Set.of("api1"), Set.of()),
                argumentSet("batch: new web workload, then rule 1 removed, each workload once",
                        List.of(put(w("web3", "app=web", "10.0.1.3")), new PolicyChange.RemoveRule(1)),
                        Set.of("web1", "web2", "web3", "api1"), Set.of()),
                argumentSet("batch: removed and re-added in one go is not removed",
                        List.of(new PolicyChange.RemoveWorkload("db2"), put(w("db2", "app=db,env=stage", "10.0.3.6"))),
                        Set.of("db2", "api1"), Set.of()),
                argumentSet("batch: rule and group created together, group first",
                        List.of(put(sel("ops", PolicyMode.PROTECT, "app=tool")), put(allow(9, "ops", "db", "tcp/22"))),
                        Set.of("lonely", "db1", "db2"), Set.of()));
    }

    @ParameterizedTest
    @MethodSource("changes")
    void recompilesExactlyTheTouchedWorkloads(List<PolicyChange> batch, Set<String> expectedRecompiled, Set<String> expectedRemoved) {
        PolicyCompiler compiler = PolicyCompiler.create(new PolicySnapshot(GROUPS, RULES, WORKLOADS));
        SortedMap<String, WorkloadPolicy> before = compiler.policies();

        CompileDelta delta = compiler.apply(batch);

        assertThat(delta.recompiled()).containsExactlyInAnyOrderElementsOf(expectedRecompiled);
        assertThat(delta.removed()).containsExactlyInAnyOrderElementsOf(expectedRemoved);
        SortedMap<String, WorkloadPolicy> after = compiler.policies();
        assertThat(after).isEqualTo(ReferenceCompiler.compileAll(compiler.snapshot()));
        Set<String> differing = new HashSet<>();
        for (Map.Entry<String, WorkloadPolicy> e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                differing.add(e.getKey());
            }
        }
        assertThat(delta.changed().keySet()).containsExactlyInAnyOrderElementsOf(differing);
        assertThat(delta.recompiled()).containsAll(delta.changed().keySet());
        delta.changed().forEach((id, p) -> assertThat(after.get(id)).isEqualTo(p));
        assertThat(delta.isEmpty()).isEqualTo(differing.isEmpty() && expectedRemoved.isEmpty());
    }

    @ParameterizedTest
    @MethodSource("changes")
    void theSameChangesFromEmptyGiveTheSamePolicies(List<PolicyChange> batch, Set<String> ignored, Set<String> alsoIgnored) {
        PolicyCompiler built = PolicyCompiler.empty();
        built.apply(Stream.of(GROUPS.stream().map(g -> (PolicyChange) new PolicyChange.PutGroup(g)),
                RULES.stream().map(r -> (PolicyChange) new PolicyChange.PutRule(r)),
                WORKLOADS.stream().map(w -> (PolicyChange) new PolicyChange.PutWorkload(w))).flatMap(s -> s).toList());
        assertThat(built.policies()).isEqualTo(PolicyCompiler.create(new PolicySnapshot(GROUPS, RULES, WORKLOADS)).policies());
        built.apply(batch);
        assertThat(built.policies()).isEqualTo(PolicyCompiler.create(built.snapshot()).policies());
    }

    @org.junit.jupiter.api.Test
    void specWithSameMeaningIsNoChange() {
        PolicyCompiler compiler = PolicyCompiler.create(new PolicySnapshot(GROUPS, RULES, WORKLOADS));
        PolicyRule same = new PolicyRule(1, "web", "api", PortSpec.parse("ports", "TCP/80, tcp/80"), List.of(), R1.action(), false, "");
        assertThat(compiler.apply(new PolicyChange.PutRule(same)).recompiled()).isEmpty();
    }
}
