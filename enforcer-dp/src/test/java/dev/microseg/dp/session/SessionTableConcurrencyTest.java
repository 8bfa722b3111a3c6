package dev.microseg.dp.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.packet.IpProtocols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several threads against one table, checked against a reference model: each thread keeps an
 * exact model of the sessions it owns, and shared sessions must not lose a single packet.
 */
class SessionTableConcurrencyTest {
    static final int THREADS = 4;

    /** Per-thread model entry: packets each way, the verdict last set. */
    static final class Model {
        long fromInit;
        long fromResp;
        Verdict verdict = Verdict.UNDECIDED;
    }

    private static SessionKey key(SessionKey k, int thread, int i, boolean reply) {
        long a = Addresses.v4Lo(0x0a000000 | thread << 16 | i);
        long b = Addresses.v4Lo(0xc0a80001);
        return reply ? k.set(IpProtocols.UDP, 0, b, 53, 0, a, 1024 + i, false)
            : k.set(IpProtocols.UDP, 0, a, 1024 + i, 0, b, 53, false);
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> t : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return t.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threadsOwningDisjointSessionsMatchTheirModels() throws Exception {
        SessionTable table = new SessionTable(100_000, 16, SessionTableTest.T, SessionListener.NONE);
        int keysPerThread = 5_000;
        List<Callable<Map<Integer, Model>>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            tasks.add(() -> {
                Random r = new Random(1000 + thread);
                SessionKey k = new SessionKey();
                SessionView v = new SessionView();
                Map<Integer, Model> model = new HashMap<>();
                for (int op = 0; op < 300_000; op++) {
                    int i = r.nextInt(keysPerThread);
                    int what = r.nextInt(10);
                    if (what == 0) {
                        assertThat(table.remove(key(k, thread, i, false))).isEqualTo(model.remove(i) != null);
                    } else if (what == 1) {
                        Verdict verdict = Verdict.values()[1 + r.nextInt(4)];
                        boolean present = table.decide(key(k, thread, i, r.nextBoolean()), verdict, i, thread);
                        assertThat(present).isEqualTo(model.containsKey(i));
                        if (present) {
                            model.get(i).verdict = verdict;
                        }
                    } else {
                        boolean reply = model.containsKey(i) && r.nextBoolean();
                        table.track(key(k, thread, i, reply), 0, 1, 0, v);
                        Model m = model.computeIfAbsent(i, x -> new Model());
                        if (reply) {
                            m.fromResp++;
                        } else {
                            m.fromInit++;
                        }
                        assertThat(v.packetsFromInitiator()).isEqualTo(m.fromInit);
                        assertThat(v.packetsFromResponder()).isEqualTo(m.fromResp);
                    }
                }
                return model;
            });
        }
        List<Map<Integer, Model>> models = runAll(tasks);
        SessionKey k = new SessionKey();
        SessionView v = new SessionView();
        int expectedSize = 0;
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < keysPerThread; i++) {
                Model m = models.get(t).get(i);
                assertThat(table.get(key(k, t, i, true), 0, v)).as("thread %d key %d", t, i).isEqualTo(m != null);
                if (m != null) {
                    expectedSize++;
                    assertThat(v.packetsFromInitiator()).isEqualTo(m.fromInit);
                    assertThat(v.packetsFromResponder()).isEqualTo(m.fromResp);
                    assertThat(v.verdict()).isEqualTo(m.verdict);
                }
            }
        }
        assertThat(table.size()).isEqualTo(expectedSize);
        assertThat(table.counters().evictions()).isZero();
    }

    @Test
    void sharedSessionsLoseNoPacketUnderContention() throws Exception {
        SessionTable table = new SessionTable(10_000, 4, SessionTableTest.T, SessionListener.NONE);
        int sessions = 500;
        int rounds = 200;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            tasks.add(() -> {
                SessionKey k = new SessionKey();
                SessionView v = new SessionView();
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < sessions; i++) {
                        table.track(key(k, 0, i, (thread & 1) == 1), 0, 10, 0, v);
                    }
                }
                return null;
            });
        }
        runAll(tasks);
        SessionKey k = new SessionKey();
        SessionView v = new SessionView();
        long perDirection = (long) rounds * (THREADS / 2);
        for (int i = 0; i < sessions; i++) {
            assertThat(table.get(key(k, 0, i, false), 0, v)).isTrue();
            assertThat(v.packetsFromInitiator() + v.packetsFromResponder()).isEqualTo(2 * perDirection);
            assertThat(v.bytesFromInitiator() + v.bytesFromResponder()).isEqualTo(20 * perDirection);
        }
        assertThat(table.size()).isEqualTo(sessions);
        SessionCounters c = table.counters();
        assertThat(c.inserts()).isEqualTo(sessions);
        assertThat(c.lookups()).isEqualTo((long) THREADS * rounds * sessions + sessions);
    }
}
