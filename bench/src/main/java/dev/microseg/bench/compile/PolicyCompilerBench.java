package dev.microseg.bench.compile;

import dev.microseg.model.compile.PolicyCompiler;
import dev.microseg.model.compile.PolicySnapshot;
import dev.microseg.model.compile.ReferenceCompiler;
import dev.microseg.model.compile.WorkloadPolicy;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@link PolicyCompilerBenchmark} and prints each measurement against its baseline. Before
 * measuring it checks, on the benchmark's own sample, that the indexed and the reference compiler
 * agree, so the ratio compares two programs that give the same answer.
 */
public final class PolicyCompilerBench {
    private PolicyCompilerBench() {
    }

    public static void main(String[] args) throws RunnerException {
        PolicySnapshot snapshot = BenchTenant.generate(PolicyCompilerBenchmark.SEED);
        PolicyCompiler compiler = PolicyCompiler.create(snapshot);
        for (String id : PolicyCompilerBenchmark.sample()) {
            if (!ReferenceCompiler.compile(snapshot, id).equals(compiler.policy(id).orElseThrow())) {
                throw new IllegalStateException("indexed and reference compilers disagree on " + id);
            }
        }
        long dpRules = compiler.policies().values().stream().mapToLong(p -> p.rules().size()).sum();
        long maxRules = compiler.policies().values().stream().mapToLong(p -> p.rules().size()).max().orElse(0);
        long protect = compiler.policies().values().stream().filter(p -> p.mode() == dev.microseg.model.group.PolicyMode.PROTECT).count();
        Map<String, Integer> touched = PolicyCompilerBenchmark.touched(snapshot);
        int workloads = snapshot.workloads().size();
        String tenant = String.format("tenant: %,d workloads, %,d groups, %,d rules -> %,d dp rules (%.0f per workload, max %,d), %,d workloads in Protect",
                workloads, snapshot.groups().size(), snapshot.rules().size(), dpRules, (double) dpRules / workloads, maxRules, protect);
        compiler = null;
        snapshot = null;

        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(PolicyCompilerBenchmark.class.getName() + "\\.")
                .build()).run();
        Map<String, Double> ms = new HashMap<>();
        Map<String, String> shown = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double median = r.getPrimaryResult().getStatistics().getPercentile(50);
            ms.put(name, median);
            shown.put(name, String.format("%s ms (mean %s ± %s)", fmt(median), fmt(r.getPrimaryResult().getScore()),
                    fmt(r.getPrimaryResult().getScoreError())));
        }

        System.out.println();
        System.out.println("== Policy compiler (ratios of median iterations) ==");
        System.out.println(tenant);
        double oneIdx = ms.get("compileOne_indexed");
        double oneNaive = ms.get("compileOne_naive");
        System.out.printf("compile one workload:   indexed %s, naive %s  -> naive/indexed = %.0fx%n",
                shown.get("compileOne_indexed"), shown.get("compileOne_naive"), oneNaive / oneIdx);
        double all = ms.get("compileAll_indexed");
        double allPer = all / workloads;
        double naivePer = ms.get("compileAll_naive100") / PolicyCompilerBenchmark.SAMPLE;
        System.out.printf("compile all workloads:  indexed %s = %s ms per workload; naive over %d workloads %s = %s ms per workload"
                        + "  -> naive/indexed per workload = %.0fx (naive for all %,d would take ~%.0f s)%n",
                shown.get("compileAll_indexed"), fmt(allPer), PolicyCompilerBenchmark.SAMPLE, shown.get("compileAll_naive100"), fmt(naivePer),
                naivePer / allPer, workloads, naivePer * workloads / 1000);
        for (String change : new String[] {"change_workloadLabels", "change_rulePorts"}) {
            double c = ms.get(change);
            System.out.printf("%-23s incremental %s, recompiling %d workloads; full recompile %s ms  -> full/incremental = %.0fx%n",
                    change.replace("change_", "change: ") + ":", shown.get(change), touched.get(change), fmt(all), all / c);
        }
    }

    private static String fmt(double ms) {
        return ms >= 100 ? String.format("%.0f", ms) : ms >= 1 ? String.format("%.2f", ms) : String.format("%.3f", ms);
    }
}
