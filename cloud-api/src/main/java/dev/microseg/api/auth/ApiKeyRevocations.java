package dev.microseg.api.auth;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * Carries revocations to every replica's {@link ApiKeyCache}. {@link ApiKeyService#revoke}
 * sends {@code pg_notify('}{@value #CHANNEL}{@code ', <key id>)} in the revoking transaction, so
 * the notice goes out only if the revocation commits; each replica LISTENs on its own connection
 * (outside the pool: a LISTEN must stay on one session) and evicts the key, typically within
 * milliseconds. Whenever the listening session is lost, the whole cache is cleared and stays
 * bounded by its TTL until the listener is back (it clears once more after LISTEN, for the
 * notices sent while it was away): revocation is never later than {@code key-cache-ttl}.
 */
@Context
@Requires(property = "microseg.auth.revocation-listener", notEquals = "false", defaultValue = "true")
public class ApiKeyRevocations {
    /** LISTEN/NOTIFY channel; payload: the revoked key's id. */
    public static final String CHANNEL = "microseg_api_keys";
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyRevocations.class);
    /** How long one wait for notices blocks; also how soon a stop is noticed. */
    private static final int POLL_MILLIS = 500;
    /** Reconnect back-off bounds: retry soon after a blip, but do not hammer a database that is down. */
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final ApiKeyCache cache;
    private final String url;
    private final String user;
    private final String password;
    private volatile boolean running = true;
    private volatile boolean listening;
    private volatile Connection session;
    private Thread thread;

    public ApiKeyRevocations(ApiKeyCache cache, @Value("${datasources.default.url}") String url,
                             @Value("${datasources.default.username}") String user,
                             @Value("${datasources.default.password:}") String password) {
        this.cache = cache;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @PostConstruct
    void start() {
        thread = Thread.ofPlatform().daemon().name("api-key-revocations").start(this::run);
    }

    /** Whether the LISTEN session is up (revocations from other replicas arrive at once). */
    public boolean listening() {
        return listening;
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                session = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                cache.clear();
                listening = true;
                backoff = MIN_BACKOFF;
                LOG.info("api key revocation listener up channel={}", CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notices = pg.getNotifications(POLL_MILLIS);
                    if (notices != null) {
                        for (PGNotification n : notices) {
                            evict(n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("api key revocation listener lost; cache bounded by its ttl until it is back, retry_in_ms={}",
                            backoff.toMillis(), e);
                }
            } finally {
                listening = false;
                session = null;
                cache.clear();
            }
            if (running) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void evict(String payload) {
        try {
            cache.invalidate(UUID.fromString(payload));
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring malformed revocation notice payload={}", payload);
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        Connection c = session;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the revocation listener's session", e);
            }
        }
        if (thread != null) {
            thread.join(Duration.ofSeconds(5));
        }
    }
}
