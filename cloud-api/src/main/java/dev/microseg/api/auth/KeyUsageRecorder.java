package dev.microseg.api.auth;

import dev.microseg.api.audit.AuditLog;
import dev.microseg.api.db.Jdbc;
import dev.microseg.api.db.TenantTx;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records API key use without a database write per request: uses are counted in memory and
 * flushed every few seconds as one UPDATE of {@code last_used_at}/{@code use_count} plus one
 * {@code api_key.use} audit row per key that was used (with the count and time span).
 */
@Singleton
public class KeyUsageRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(KeyUsageRecorder.class);

    private record KeyRef(UUID tenant, UUID key) {
    }

    private static final class Usage {
        final AtomicLong count = new AtomicLong();
        final AtomicReference<Instant> first = new AtomicReference<>();
        volatile Instant last;
    }

    private final TenantTx tx;
    private final Map<KeyRef, Usage> pending = new ConcurrentHashMap<>();

    public KeyUsageRecorder(TenantTx tx) {
        this.tx = tx;
    }

    void used(UUID tenant, UUID key) {
        Instant now = Instant.now();
        Usage u = pending.computeIfAbsent(new KeyRef(tenant, key), k -> new Usage());
        u.first.compareAndSet(null, now);
        u.last = now;
        u.count.incrementAndGet();
    }

    /** Writes what accumulated since the last flush. */
    @Scheduled(fixedDelay = "${microseg.auth.usage-flush-interval:5s}", initialDelay = "5s")
    @PreDestroy
    public void flush() {
        for (KeyRef ref : pending.keySet()) {
            Usage u = pending.remove(ref);
            if (u == null || u.count.get() == 0) {
                continue;
            }
            try {
                tx.write(ref.tenant, c -> {
                    Jdbc.update(c, "UPDATE api_keys SET use_count = use_count + ?, "
                                    + "last_used_at = greatest(coalesce(last_used_at, ?), ?) WHERE tenant_id = ? AND id = ?",
                            u.count.get(), u.last, u.last, ref.tenant, ref.key);
                    AuditLog.record(c, ref.tenant, "apikey:" + ref.key, "api_key.use", "api_key/" + ref.key,
                            Map.of("count", u.count.get(), "first", u.first.get().toString(), "last", u.last.toString()));
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("recording api key usage failed key={} count={}", ref.key, u.count.get(), e);
            }
        }
    }
}
