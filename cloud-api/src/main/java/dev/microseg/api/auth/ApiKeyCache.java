package dev.microseg.api.auth;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps recently verified keys for a short time so that a busy client does not cost one
 * database read per request. Revocation evicts at once on the revoking replica and, through
 * {@link ApiKeyRevocations} (LISTEN/NOTIFY), on every other replica within milliseconds; if
 * that channel is down, an entry is still never older than {@code microseg.auth.key-cache-ttl}
 * (default 5 s), which is the bound on how long a revoked key can keep working anywhere.
 * Expiry needs no eviction: {@link ApiKeyService.StoredKey#usableAt} is checked on every use.
 */
@Singleton
public class ApiKeyCache {
    /** Bound on cached keys; past it the cache is cleared rather than grown. */
    static final int MAX_ENTRIES = 10_000;

    private final Duration ttl;
    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
    /**
     * Moves on every eviction. A lookup that began before an eviction must not put back what it
     * read: the key may have been revoked after the read and before the notice arrived.
     */
    private final AtomicLong epoch = new AtomicLong();

    public ApiKeyCache(@Value("${microseg.auth.key-cache-ttl:5s}") Duration ttl) {
        this.ttl = ttl;
    }

    record Entry(ApiKeyService.StoredKey key, long loadedNanos) {
    }

    Optional<ApiKeyService.StoredKey> get(UUID keyId) {
        Entry e = entries.get(keyId);
        if (e == null || System.nanoTime() - e.loadedNanos > ttl.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(e.key);
    }

    /** Read before a database lookup; pass to {@link #put}. */
    long epoch() {
        return epoch.get();
    }

    /** Caches a key read from the database, unless something was evicted since {@code epochBefore}. */
    void put(ApiKeyService.StoredKey key, long epochBefore) {
        if (ttl.isZero()) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key.id(), new Entry(key, System.nanoTime()));
        if (epoch.get() != epochBefore) {
            entries.remove(key.id());
        }
    }

    public void invalidate(UUID keyId) {
        epoch.incrementAndGet();
        entries.remove(keyId);
    }

    /** Forgets every key (the revocation channel was down: notices may have been missed). */
    public void clear() {
        epoch.incrementAndGet();
        entries.clear();
    }
}
