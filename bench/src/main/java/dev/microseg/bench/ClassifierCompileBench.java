package dev.microseg.bench;

import dev.microseg.dp.policy.Action;
import dev.microseg.dp.policy.Classifier;
import dev.microseg.dp.policy.ClassifierRule;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Compile time of a 100,000-rule policy (single shot: what one policy update costs). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ClassifierCompileBench {
    private List<ClassifierRule> rules;

    @Setup
    public void setUp() {
        rules = RuleSets.rules(100_000, 42);
    }

    @Benchmark
    public Classifier compile100k() {
        return Classifier.compile(rules, Action.DENY, 1);
    }
}
