package dev.microseg.api.auth;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Validates {@code Authorization: Bearer msk_...} API keys for micronaut-security's
 * {@code TokenAuthenticationFetcher}. Tokens of another shape are left to other validators (a
 * Keycloak JWT validator can sit beside this one). The database lookup runs on the blocking
 * executor, never on the event loop.
 */
@Singleton
public class ApiKeyTokenValidator implements TokenValidator<HttpRequest<?>> {
    private final ApiKeyService keys;
    private final ApiKeyCache cache;
    private final KeyUsageRecorder usage;
    private final Scheduler blocking;

    public ApiKeyTokenValidator(ApiKeyService keys, ApiKeyCache cache, KeyUsageRecorder usage,
                                @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.keys = keys;
        this.cache = cache;
        this.usage = usage;
        this.blocking = Schedulers.fromExecutorService(blocking);
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        Optional<ApiKeyToken> parsed = ApiKeyToken.parse(token);
        if (parsed.isEmpty()) {
            return Publishers.empty();
        }
        ApiKeyToken t = parsed.get();
        Optional<ApiKeyService.StoredKey> cached = cache.get(t.keyId());
        if (cached.isPresent()) {
            return Mono.justOrEmpty(authenticate(t, cached.get()));
        }
        long epoch = cache.epoch();
        return Mono.fromCallable(() -> keys.lookup(t.tenant(), t.keyId()))
                .subscribeOn(blocking)
                .flatMap(stored -> {
                    stored.ifPresent(s -> cache.put(s, epoch));
                    return Mono.justOrEmpty(stored.flatMap(s -> authenticate(t, s)));
                });
    }

    private Optional<Authentication> authenticate(ApiKeyToken t, ApiKeyService.StoredKey stored) {
        if (!stored.tenant().equals(t.tenant()) || !t.matches(stored.secretHash()) || !stored.usableAt(Instant.now())) {
            return Optional.empty();
        }
        usage.used(stored.tenant(), stored.id());
        return Optional.of(Authentication.build("apikey:" + stored.id(), stored.role().granted(),
                Map.of(Caller.TENANT_ATTRIBUTE, stored.tenant().toString(), "auth_method", "api_key")));
    }
}
