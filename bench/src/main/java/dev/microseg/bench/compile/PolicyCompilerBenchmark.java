package dev.microseg.bench.compile;

import dev.microseg.model.compile.CompileDelta;
import dev.microseg.model.compile.PolicyChange;
import dev.microseg.model.compile.PolicyCompiler;
import dev.microseg.model.compile.PolicySnapshot;
import dev.microseg.model.compile.ReferenceCompiler;
import dev.microseg.model.compile.WorkloadPolicy;
import dev.microseg.model.policy.PolicyRule;
import dev.microseg.model.policy.PortSpec;
import dev.microseg.model.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The policy compiler on {@link BenchTenant} (10,000 workloads, 1,000 groups, 5,000 rules), each
 * measurement beside its baseline from the same run:
 * <ul>
 * <li>{@code compileOne_*}: one workload's policy, indexed ({@link PolicyCompiler#compile}) vs
 *     {@link ReferenceCompiler} (scans every rule, and every workload for each rule that applies).</li>
 * <li>{@code compileAll_*}: every policy from scratch ({@link PolicyCompiler#create}, indexes
 *     included) vs the reference compiler over a fixed sample of {@value #SAMPLE} workloads (all
 *     10,000 would take minutes); compared per workload.</li>
 * <li>{@code change_*}: one change applied incrementally ({@link PolicyCompiler#apply}) — a
 *     workload's labels move it to another app, or a rule's ports change — each op flipping the
 *     change back and forth; the baseline is {@code compileAll_indexed}, a full recompile.</li>
 * </ul>
 * Run through {@link PolicyCompilerBench}, which prints the ratios.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// JMH 1.37 uses sun.misc.Unsafe, which JDK 25 warns about (JEP 471) unless allowed.
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyCompilerBenchmark {
    static final long SEED = 20261121L;
    static final int SAMPLE = 100;
    /** A workload of app-061 that {@code change_workloadLabels} moves to app-062 and back. */
    static final String MOVED = "c-1234";
    /** The rule {@code change_rulePorts} flips between tcp/80 and tcp/81. */
    static final long FLIPPED_RULE = 10;

    /** Ids spread evenly over the tenant: every apps' tier, env and team appear. */
    static String[] sample() {
        String[] ids = new String[SAMPLE];
        for (int i = 0; i < SAMPLE; i++) {
            ids[i] = "c-" + (i * (BenchTenant.APPS * BenchTenant.REPLICAS / SAMPLE) + i % BenchTenant.REPLICAS);
        }
        return ids;
    }

    @State(Scope.Thread)
    public static class Tenant {
        PolicySnapshot snapshot;
        PolicyCompiler compiler;
        String[] sample;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            snapshot = BenchTenant.generate(SEED);
            compiler = PolicyCompiler.create(snapshot);
            sample = sample();
        }

        String nextId() {
            next = (next + 1) % sample.length;
            return sample[next];
        }
    }

    @State(Scope.Thread)
    public static class Changing {
        PolicyCompiler compiler;
        PolicyChange[] workloadFlips;
        PolicyChange[] ruleFlips;
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            PolicySnapshot snapshot = BenchTenant.generate(SEED);
            compiler = PolicyCompiler.create(snapshot);
            workloadFlips = workloadFlips(snapshot);
            ruleFlips = ruleFlips(snapshot);
        }

        PolicyChange next(PolicyChange[] flips) {
            i++;
            return flips[i & 1];
        }
    }

    static PolicyChange[] workloadFlips(PolicySnapshot snapshot) {
        Workload w = snapshot.workloads().stream().filter(x -> x.id().equals(MOVED)).findFirst().orElseThrow();
        Map<String, String> moved = new HashMap<>(w.labels());
        moved.put("app", BenchTenant.app(62));
        moved.put("env", BenchTenant.ENVS[62 % BenchTenant.ENVS.length]);
        moved.put("tier", BenchTenant.TIERS[62 % BenchTenant.TIERS.length]);
        Workload there = new Workload(w.id(), w.name(), w.nodeId(), moved, w.addresses(), w.mac());
        return new PolicyChange[] {new PolicyChange.PutWorkload(there), new PolicyChange.PutWorkload(w)};
    }

    static PolicyChange[] ruleFlips(PolicySnapshot snapshot) {
        PolicyRule r = snapshot.rules().stream().filter(x -> x.id() == FLIPPED_RULE).findFirst().orElseThrow();
        PolicyRule a = new PolicyRule(r.id(), r.from(), r.to(), PortSpec.parse("ports", "tcp/81"), r.applications(), r.action(), false, null);
        PolicyRule b = new PolicyRule(r.id(), r.from(), r.to(), PortSpec.parse("ports", "tcp/80"), r.applications(), r.action(), false, null);
        return new PolicyChange[] {new PolicyChange.PutRule(a), new PolicyChange.PutRule(b)};
    }

    @Benchmark
    public WorkloadPolicy compileOne_indexed(Tenant t) {
        return t.compiler.compile(t.nextId());
    }

    @Benchmark
    public WorkloadPolicy compileOne_naive(Tenant t) {
        return ReferenceCompiler.compile(t.snapshot, t.nextId());
    }

    @Benchmark
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 5, time = 1)
    public PolicyCompiler compileAll_indexed(Tenant t) {
        return PolicyCompiler.create(t.snapshot);
    }

    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    public void compileAll_naive100(Tenant t, Blackhole bh) {
        for (String id : t.sample) {
            bh.consume(ReferenceCompiler.compile(t.snapshot, id));
        }
    }

    @Benchmark
    public CompileDelta change_workloadLabels(Changing c) {
        return c.compiler.apply(c.next(c.workloadFlips));
    }

    @Benchmark
    public CompileDelta change_rulePorts(Changing c) {
        return c.compiler.apply(c.next(c.ruleFlips));
    }

    /** How many workloads each change recompiles, for the report. */
    static Map<String, Integer> touched(PolicySnapshot snapshot) {
        PolicyCompiler c = PolicyCompiler.create(snapshot);
        return Map.of(
                "change_workloadLabels", c.apply(List.of(workloadFlips(snapshot)[0])).recompiled().size(),
                "change_rulePorts", c.apply(List.of(ruleFlips(snapshot)[0])).recompiled().size());
    }
}
