package dev.microseg.api.auth;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation reaches other replicas' key caches. Both replicas here cache keys for an hour, so
 * only the NOTIFY path can make replica B refuse a key revoked through replica A; with B's
 * listener switched off, B keeps accepting it from its cache (which is why the TTL bounds it).
 */
@ApiTest
@Property(name = "microseg.auth.key-cache-ttl", value = "1h")
class ApiKeyRevocationTest {
    static final Duration DEADLINE = Duration.ofSeconds(15);

    @Inject
    Http http;
    @Inject
    Tenants tenants;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aKeyRevokedOnOneReplicaIsRefusedByAnotherAtOnce() throws Exception {
        try (ApplicationContext b = replica(true)) {
            URI groupsOnB = URI.create(b.getBean(EmbeddedServer.class).getURL() + "/api/v1/groups");
            var t = tenants.create();
            var created = http.post("/api/v1/api-keys", t.admin(), "{\"role\":\"viewer\"}").json();
            String token = created.get("token").asText();
            awaitStatus(groupsOnB, token, s -> s == 200);   // B has now cached the key for an hour

            assertThat(http.delete("/api/v1/api-keys/" + created.get("id").asText(), t.admin()).status()).isEqualTo(204);
            assertThat(awaitStatus(groupsOnB, token, s -> s == 401)).isEqualTo(401);
        }
    }

    @Test
    void withoutTheListenerAnotherReplicaServesTheRevokedKeyFromItsCache() throws Exception {
        try (ApplicationContext b = replica(false)) {
            URI groupsOnB = URI.create(b.getBean(EmbeddedServer.class).getURL() + "/api/v1/groups");
            var t = tenants.create();
            var created = http.post("/api/v1/api-keys", t.admin(), "{\"role\":\"viewer\"}").json();
            String token = created.get("token").asText();
            assertThat(status(groupsOnB, token)).isEqualTo(200);
            assertThat(http.delete("/api/v1/api-keys/" + created.get("id").asText(), t.admin()).status()).isEqualTo(204);
            assertThat(http.get("/api/v1/groups", token).status()).as("the revoking replica").isEqualTo(401);
            assertThat(status(groupsOnB, token)).as("B, cached for an hour, no listener").isEqualTo(200);
        }
    }

    @Test
    void aLookupThatRacedARevocationIsNotCached() {
        ApiKeyCache cache = new ApiKeyCache(Duration.ofHours(1));
        var key = new ApiKeyService.StoredKey(java.util.UUID.randomUUID(), java.util.UUID.randomUUID(), Role.VIEWER, new byte[32],
                null, null);
        long before = cache.epoch();
        cache.invalidate(key.id());          // the notice arrives while the lookup is in flight
        cache.put(key, before);
        assertThat(cache.get(key.id())).isEmpty();
        cache.put(key, cache.epoch());
        assertThat(cache.get(key.id())).isPresent();
        cache.clear();
        assertThat(cache.get(key.id())).isEmpty();
    }

    /** A second cloud-api on the same database, with its own key cache. */
    private ApplicationContext replica(boolean listener) {
        ApplicationContext b = ApplicationContext.builder().environments("test").properties(Map.of(
                "micronaut.server.port", -1,
                "microseg.auth.key-cache-ttl", "1h",
                "microseg.auth.revocation-listener", Boolean.toString(listener))).start();
        b.getBean(EmbeddedServer.class).start();
        if (listener) {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!b.getBean(ApiKeyRevocations.class).listening()) {
                assertThat(System.nanoTime()).as("replica B's listener did not come up").isLessThan(deadline);
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
        }
        return b;
    }

    private int awaitStatus(URI uri, String token, IntPredicate done) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int s;
        do {
            s = status(uri, token);
        } while (!done.test(s) && System.nanoTime() < deadline);
        return s;
    }

    private int status(URI uri, String token) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
