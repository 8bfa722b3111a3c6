package dev.microseg.api.auth;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps recently verified keys for a short time so that a busy client does not cost one
 * database read per request. Revocation on this replica evicts at once; another replica
 * notices within {@code microseg.auth.key-cache-ttl} (default 5 s).
 */
@Singleton
public class ApiKeyCache {
    /** Bound on cached keys; past it the cache is cleared rather than grown. */
    static final int MAX_ENTRIES = 10_000;

    private final Duration ttl;
    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();

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

    void put(ApiKeyService.StoredKey key) {
        if (ttl.isZero()) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key.id(), new Entry(key, System.nanoTime()));
    }

    public void invalidate(UUID keyId) {
        entries.remove(keyId);
    }
}
