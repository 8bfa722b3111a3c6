package dev.microseg.api.support;

import dev.microseg.api.db.DatabaseSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One PostgreSQL per test JVM: a Testcontainers container when a Docker daemon is reachable,
 * otherwise zonky's embedded PostgreSQL (real binaries from Maven Central). Either way the same
 * Flyway migrations and application-role set-up run once, and the Micronaut contexts of all
 * test classes connect as the application role through system properties.
 */
public final class TestDatabase {
    public static final String APP_USER = "microseg_app";
    public static final String APP_PASSWORD = "test-app-password";

    private static volatile TestDatabase instance;

    private final String url;
    private final String adminUser;
    private final String adminPassword;
    private final String kind;

    private TestDatabase(String url, String adminUser, String adminPassword, String kind) {
        this.url = url;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.kind = kind;
    }

    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = start();
            DatabaseSetup.prepare(new DatabaseSetup.Settings(instance.url, instance.adminUser, instance.adminPassword,
                    APP_USER, APP_PASSWORD));
            System.setProperty("datasources.default.url", instance.url);
            System.setProperty("datasources.default.username", APP_USER);
            System.setProperty("datasources.default.password", APP_PASSWORD);
            System.out.println("test database: " + instance.kind + " " + instance.url);
        }
        return instance;
    }

    private static TestDatabase start() {
        if (dockerAvailable()) {
            PostgreSQLContainer pg = new PostgreSQLContainer("postgres:17-alpine");
            pg.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
            return new TestDatabase(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword(), "testcontainers");
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    // the JVM is exiting; nothing more to do
                }
            }));
            // zonky appends ?user=postgres, and URL parameters override the pool's credentials in pgjdbc:
            // strip it, or every test would run as the superuser and row-level security would not apply.
            String url = pg.getJdbcUrl("postgres", "postgres").replaceAll("\\?.*$", "");
            return new TestDatabase(url, "postgres", "postgres", "embedded");
        } catch (IOException e) {
            throw new UncheckedIOException("starting embedded PostgreSQL", e);
        }
    }

    private static boolean dockerAvailable() {
        if ("embedded".equals(System.getProperty("microseg.test.db"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    public String url() {
        return url;
    }

    public String adminUser() {
        return adminUser;
    }

    public String adminPassword() {
        return adminPassword;
    }

    public String kind() {
        return kind;
    }
}
