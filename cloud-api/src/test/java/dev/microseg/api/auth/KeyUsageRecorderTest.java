package dev.microseg.api.auth;

import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Tenants;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uses counted while flushes run concurrently are all written, none lost and none twice: a use
 * that lands on a batch a flush has already taken must go to the next batch.
 */
@ApiTest
class KeyUsageRecorderTest {
    @Inject
    KeyUsageRecorder usage;
    @Inject
    ApiKeyService keys;
    @Inject
    Tenants tenants;
    @Inject
    TenantTx tx;

    /** Counting threads: more than the cores, so that they are preempted between looking a key up and counting on it. */
    static final int THREADS = 8;
    static final int USES_PER_THREAD = 20_000;
    static final int KEYS = 3;
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void concurrentUsesAndFlushesLoseNothing() throws Exception {
        var t = tenants.create();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            ids.add(ApiKeyToken.parse(keys.create(t.id(), "test", "k" + i, Role.VIEWER, null).token()).orElseThrow().keyId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        AtomicBoolean counting = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<Integer> flusher = pool.submit(() -> {
                start.await();
                int flushes = 0;
                while (counting.get()) {
                    usage.flush();
                    flushes++;
                }
                return flushes;
            });
            List<Future<?>> counters = new ArrayList<>();
            for (int n = 0; n < THREADS; n++) {
                int offset = n;
                counters.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < USES_PER_THREAD; i++) {
                        usage.used(t.id(), ids.get((i + offset) % KEYS));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : counters) {
                f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            counting.set(false);
            assertThat(flusher.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("flushes while counting").isPositive();
        } finally {
            counting.set(false);
            pool.shutdownNow();
        }
        usage.flush();

        long written = tx.read(t.id(), c -> Jdbc.count(c, "SELECT coalesce(sum(use_count), 0) FROM api_keys WHERE tenant_id = ? AND id::text = ANY(?)",
                t.id(), ids.stream().map(UUID::toString).toArray(String[]::new)));
        assertThat(written).isEqualTo((long) THREADS * USES_PER_THREAD);
        long audited = tx.read(t.id(), c -> Jdbc.count(c, "SELECT coalesce(sum((detail->>'count')::bigint), 0) FROM audit_log "
                + "WHERE tenant_id = ? AND action = 'api_key.use'", t.id()));
        assertThat(audited).isEqualTo((long) THREADS * USES_PER_THREAD);
    }
}
