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

/**
 * Records API key use without a database write per request: uses are counted in memory and
 * flushed every few seconds as one UPDATE of {@code last_used_at}/{@code use_count} plus one
 * {@code api_key.use} audit row per key that was used (with the count and time span).
 *
 * <p>Counting and flushing never lose a use: a batch is an immutable {@link Usage} replaced
 * with {@link ConcurrentHashMap#merge} and taken with {@link ConcurrentHashMap#remove}, both
 * atomic per key, so a use either joins the batch before a flush takes it or starts the next
 * one. (Counting on a mutable batch after looking it up lost the uses that landed on a batch a
 * flush had already written.) A batch whose write fails is merged back and retried on the next
 * flushes, up to {@link #MAX_FLUSH_ATTEMPTS}; the map holds at most one batch per key.
 */
@Singleton
public class KeyUsageRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(KeyUsageRecorder.class);
    /**
     * Flushes one batch may fail before it is dropped: a database blip is over within a few
     * flush intervals, while a batch that keeps failing (its tenant deleted, say) would
     * otherwise be retried and logged forever.
     */
    static final int MAX_FLUSH_ATTEMPTS = 3;

    private record KeyRef(UUID tenant, UUID key) {
    }

    /** Uses of one key since the last flush; {@code failures}: flushes of (part of) it that failed. */
    private record Usage(long count, Instant first, Instant last, int failures) {
        Usage plus(Usage o) {
            return new Usage(count + o.count, first.isBefore(o.first) ? first : o.first, last.isAfter(o.last) ? last : o.last,
                    Math.max(failures, o.failures));
        }
    }

    private final TenantTx tx;
    private final ConcurrentHashMap<KeyRef, Usage> pending = new ConcurrentHashMap<>();

    public KeyUsageRecorder(TenantTx tx) {
        this.tx = tx;
    }

    void used(UUID tenant, UUID key) {
        Instant now = Instant.now();
        pending.merge(new KeyRef(tenant, key), new Usage(1, now, now, 0), Usage::plus);
    }

    /** Writes what accumulated since the last flush. */
    @Scheduled(fixedDelay = "${microseg.auth.usage-flush-interval:5s}", initialDelay = "5s")
    @PreDestroy
    public void flush() {
        for (KeyRef ref : pending.keySet()) {
            Usage u = pending.remove(ref);
            if (u == null) {
                continue;
            }
            try {
                tx.write(ref.tenant, c -> {
                    Jdbc.update(c, "UPDATE api_keys SET use_count = use_count + ?, "
                                    + "last_used_at = greatest(coalesce(last_used_at, ?), ?) WHERE tenant_id = ? AND id = ?",
                            u.count(), u.last(), u.last(), ref.tenant, ref.key);
                    AuditLog.record(c, ref.tenant, "apikey:" + ref.key, "api_key.use", "api_key/" + ref.key,
                            Map.of("count", u.count(), "first", u.first().toString(), "last", u.last().toString()));
                    return null;
                });
            } catch (RuntimeException e) {
                int failures = u.failures() + 1;
                if (failures < MAX_FLUSH_ATTEMPTS) {
                    pending.merge(ref, new Usage(u.count(), u.first(), u.last(), failures), Usage::plus);
                    LOG.warn("recording api key usage failed, kept for the next flush key={} count={} attempt={}", ref.key, u.count(),
                            failures, e);
                } else {
                    LOG.error("recording api key usage failed {} times, dropped key={} count={}", failures, ref.key, u.count(), e);
                }
            }
        }
    }
}
