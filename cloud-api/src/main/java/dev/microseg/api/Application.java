package dev.microseg.api;

import dev.microseg.api.db.DatabaseSetup;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of the {@code microseg-api} process. Before Micronaut starts, the schema is
 * migrated and the application's database role prepared with the admin credentials
 * ({@link DatabaseSetup}); the HTTP server then runs every request as that role.
 */
@OpenAPIDefinition(
        info = @Info(title = "microseg API", version = "v1",
                description = "Public REST API of microseg: groups, network policies, policy revisions, API keys, "
                        + "and the read models (workloads, nodes, connections, topology graph, stats). "
                        + "Errors are RFC 9457 application/problem+json."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "an API key (msk_...) from POST /api/v1/api-keys or .microseg/dev.env")
public final class Application {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {
    }

    public static void main(String[] args) {
        Map<String, Object> props;
        try {
            props = prepareDatabase(System.getenv());
        } catch (RuntimeException e) {
            LOG.error("start-up failed: {}", e.getMessage(), e);
            System.exit(2);
            return;
        }
        try {
            Micronaut.build(args).mainClass(Application.class).properties(props).start();
        } catch (RuntimeException e) {
            LOG.error("start-up failed: {}", e.getMessage(), e);
            System.exit(1);
        }
    }

    /**
     * Runs migrations and role set-up from the MICROSEG_DB_* variables and returns the
     * datasource properties of the application role.
     */
    static Map<String, Object> prepareDatabase(Map<String, String> env) {
        String url = require(env, "MICROSEG_DB_URL");
        String appUser = env.getOrDefault("MICROSEG_DB_USER", "microseg_app");
        String appPassword = env.get("MICROSEG_DB_PASSWORD");
        if (appPassword == null || appPassword.isEmpty()) {
            appPassword = generatedPassword(env);
        }
        DatabaseSetup.prepare(new DatabaseSetup.Settings(url, require(env, "MICROSEG_DB_ADMIN_USER"),
                env.getOrDefault("MICROSEG_DB_ADMIN_PASSWORD", ""), appUser, appPassword));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("datasources.default.url", url);
        props.put("datasources.default.username", appUser);
        props.put("datasources.default.password", appPassword);
        return props;
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set (./microseg up sets it for the local stack)");
        }
        return v;
    }

    /** Development only: a password for the app role kept in $MICROSEG_STATE/db-app-password. */
    private static String generatedPassword(Map<String, String> env) {
        String state = env.get("MICROSEG_STATE");
        if (state == null || state.isBlank()) {
            throw new IllegalStateException("MICROSEG_DB_PASSWORD is not set (and no MICROSEG_STATE to keep a generated one in)");
        }
        Path file = Path.of(state, "db-app-password");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            byte[] raw = new byte[24];
            new SecureRandom().nextBytes(raw);
            String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Files.createDirectories(file.getParent());
            Files.writeString(file, pw + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return pw;
        } catch (IOException e) {
            throw new IllegalStateException("keeping the generated database password in " + file + ": " + e.getMessage(), e);
        }
    }
}
