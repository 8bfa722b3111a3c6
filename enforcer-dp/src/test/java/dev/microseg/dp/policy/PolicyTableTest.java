package dev.microseg.dp.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microseg.dp.packet.IpProtocols;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Publishing while queue threads classify: every lookup sees one whole compiled policy (the
 * answer always matches the generation it read), and readers are never blocked by a recompile.
 */
class PolicyTableTest {
    static List<ClassifierRule> policy(int generation) {
        List<ClassifierRule> rules = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Addr peer = new Addr(0, dev.microseg.dp.packet.Addresses.v4Lo(0x0a000000 | i));
            rules.add(ClassifierRule.of(i + 1, peer, peer, Addr.MIN, Addr.MAX, 80, 80, IpProtocols.TCP,
                generation % 2 == 0 ? Action.ALLOW : Action.DENY, true));
        }
        return rules;
    }

    @Test
    void readersSeeWholePoliciesWhileAWriterRepublishes() throws Exception {
        PolicyTable table = new PolicyTable(8);
        table.publish(3, Classifier.compile(policy(0), Action.ALLOW, 0));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lookups = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(() -> {
                    Addr dst = Addr.of("10.1.0.5");
                    int i = 0;
                    while (!stop.get()) {
                        Classifier c = table.get(3);
                        Addr src = new Addr(0, dev.microseg.dp.packet.Addresses.v4Lo(0x0a000000 | (i++ % 2_000)));
                        Decision d = c.lookup(true, src, dst, IpProtocols.TCP, 80, 0);
                        Action expected = c.generation() % 2 == 0 ? Action.ALLOW : Action.DENY;
                        assertThat(d.action()).isEqualTo(expected);
                        lookups.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int generation = 1; generation <= 20; generation++) {
                Classifier previous = table.publish(3, Classifier.compile(policy(generation), Action.ALLOW, generation));
                assertThat(previous.generation()).isEqualTo(generation - 1);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lookups.get() < 10_000 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            stop.set(true);
            for (Future<?> f : readers) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(lookups.get()).isGreaterThanOrEqualTo(10_000);
        assertThat(table.get(3).generation()).isEqualTo(20);
    }
}
