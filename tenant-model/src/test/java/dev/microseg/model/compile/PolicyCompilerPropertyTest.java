package dev.microseg.model.compile;

import dev.microseg.model.InvalidFieldException;
import dev.microseg.model.group.Group;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random tenants under random change batches (fixed seeds, so a failure replays): after every
 * batch the incrementally kept policies equal a from-scratch compile and the reference
 * compiler's, and the delta names exactly the workloads whose policy changed or vanished.
 */
class PolicyCompilerPropertyTest {
    private static final int STEPS = 300;

    @ParameterizedTest
    @ValueSource(longs = {20261121L, 7L, 424242L})
    void incrementalEqualsFromScratch(long seed) {
        RandomTenants random = new RandomTenants(seed);
        PolicyCompiler compiler = PolicyCompiler.create(random.tenant(40, 10, 3, 30));
        int refused = 0;
        int recompiledTotal = 0;
        int workloadsTotal = 0;
        for (int step = 0; step < STEPS; step++) {
            SortedMap<String, WorkloadPolicy> before = compiler.policies();
            PolicySnapshot snapshotBefore = compiler.snapshot();
            List<PolicyChange> batch = new ArrayList<>();
            int size = 1 + random.nextInt(3);
            for (int i = 0; i < size; i++) {
                batch.add(random.change(snapshotBefore));
            }
            CompileDelta delta;
            try {
                delta = compiler.apply(batch);
            } catch (InvalidFieldException e) {
                refused++;
                assertThat(compiler.snapshot()).as("refused batch at step %d left no trace", step).isEqualTo(snapshotBefore);
                assertThat(compiler.policies()).isEqualTo(before);
                continue;
            }
            recompiledTotal += delta.recompiled().size();
            workloadsTotal += compiler.policies().size();
            PolicySnapshot now = compiler.snapshot();
            SortedMap<String, WorkloadPolicy> after = compiler.policies();
            assertThat(after).as("step %d: %s", step, batch).isEqualTo(PolicyCompiler.create(now).policies());
            assertThat(after).as("step %d: %s", step, batch).isEqualTo(ReferenceCompiler.compileAll(now));

            Set<String> differing = new HashSet<>();
            for (Map.Entry<String, WorkloadPolicy> e : after.entrySet()) {
                if (!e.getValue().equals(before.get(e.getKey()))) {
                    differing.add(e.getKey());
                }
            }
            Set<String> vanished = new HashSet<>(before.keySet());
            vanished.removeAll(after.keySet());
            assertThat(delta.changed().keySet()).as("step %d: %s", step, batch).containsExactlyInAnyOrderElementsOf(differing);
            assertThat(delta.removed()).as("step %d: %s", step, batch).containsExactlyInAnyOrderElementsOf(vanished);
            assertThat(delta.recompiled()).containsAll(differing);
        }
        assertThat(refused).as("some batches are refused, most are not").isBetween(1, STEPS / 2);
        System.out.printf("seed %d: %d batches refused, %d workload compiles instead of %d%n", seed, refused, recompiledTotal, workloadsTotal);
        assertThat(recompiledTotal).as("incremental work stays below recompiling everything after every batch")
                .isLessThan(workloadsTotal);
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L})
    void inputOrderDoesNotMatter(long seed) {
        PolicySnapshot s = new RandomTenants(seed).tenant(60, 12, 3, 40);
        Random shuffle = new Random(seed);
        List<Group> g = new ArrayList<>(s.groups());
        List<PolicyRule> r = new ArrayList<>(s.rules());
        List<Workload> w = new ArrayList<>(s.workloads());
        Collections.shuffle(g, shuffle);
        Collections.shuffle(r, shuffle);
        Collections.shuffle(w, shuffle);
        SortedMap<String, WorkloadPolicy> a = PolicyCompiler.create(s).policies();
        SortedMap<String, WorkloadPolicy> b = PolicyCompiler.create(new PolicySnapshot(g, r, w)).policies();
        assertThat(b).isEqualTo(a);
        assertThat(b.toString()).isEqualTo(a.toString());
        assertThat(ReferenceCompiler.compileAll(new PolicySnapshot(g, r, w)).toString()).isEqualTo(a.toString());
        assertThat(a.values().stream().mapToInt(p -> p.rules().size()).sum()).as("the random tenant compiles to something").isPositive();
    }

    @Test
    void compileOneMatchesTheRecordedPolicy() {
        PolicyCompiler c = PolicyCompiler.create(new RandomTenants(99).tenant(50, 10, 3, 30));
        for (Map.Entry<String, WorkloadPolicy> e : c.policies().entrySet()) {
            assertThat(c.compile(e.getKey())).isEqualTo(e.getValue());
        }
    }
}
