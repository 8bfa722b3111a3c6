package dev.microseg.bench;

import dev.microseg.dp.policy.Action;
import dev.microseg.dp.policy.Classifier;
import dev.microseg.dp.policy.ClassifierRule;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Classifier lookup (tuple space) against a linear scan with the same semantics, at 10, 1,000 and
 * 100,000 rules. Each invocation classifies the next of 4,096 pre-generated packets (the
 * {@code Hot64} variant: of the first 64).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClassifierBench {
    static final int PACKETS = 4096;

    @Param({"10", "1000", "100000"})
    public int rules;

    private Classifier classifier;
    private LinearClassifier linear;
    private RuleSets.Packets p;
    private int i;

    @Setup(Level.Trial)
    public void setUp() {
        List<ClassifierRule> r = RuleSets.rules(rules, 42);
        classifier = Classifier.compile(r, Action.DENY, 1);
        linear = new LinearClassifier(r);
        p = RuleSets.packets(r, PACKETS, 7);
    }

    @Benchmark
    public Object tupleSpace() {
        int k = i++ & (PACKETS - 1);
        return classifier.lookup(p.ingress[k], p.srcHi[k], p.srcLo[k], p.dstHi[k], p.dstLo[k], p.proto[k], p.port[k], p.app[k]);
    }

    /**
     * The same lookups cycling over only 64 packets, so the entries they touch stay in cache:
     * the difference to {@link #tupleSpace} is what cache misses cost at that rule count.
     */
    @Benchmark
    public Object tupleSpaceHot64() {
        int k = i++ & 63;
        return classifier.lookup(p.ingress[k], p.srcHi[k], p.srcLo[k], p.dstHi[k], p.dstLo[k], p.proto[k], p.port[k], p.app[k]);
    }

    @Benchmark
    public int linearScan() {
        int k = i++ & (PACKETS - 1);
        return linear.lookup(p.ingress[k], p.srcHi[k], p.srcLo[k], p.dstHi[k], p.dstLo[k], p.proto[k], p.port[k], p.app[k]);
    }
}
