package dev.microseg.api.devstack;

import dev.microseg.api.auth.ApiKeyService;
import dev.microseg.api.auth.ApiKeyToken;
import dev.microseg.api.auth.Role;
import dev.microseg.api.tenant.TenantService;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Local-stack bootstrap ({@code MICROSEG_DEV_TENANT}, {@code MICROSEG_DEV_ENV_FILE}): once the
 * server listens, make sure the dev tenant exists and that the env file holds a working admin
 * key of it. A file whose key still validates is left alone, so restarts keep the same token;
 * otherwise a new key is created and the file rewritten atomically with mode 0600.
 */
@Singleton
@Requires(property = "microseg.dev.tenant", pattern = ".+")
@Requires(property = "microseg.dev.env-file", pattern = ".+")
public class DevBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(DevBootstrap.class);

    private final TenantService tenants;
    private final ApiKeyService keys;
    private final String tenantName;
    private final Path envFile;
    private final String publicUrl;

    public DevBootstrap(TenantService tenants, ApiKeyService keys,
                        @Value("${microseg.dev.tenant}") String tenantName,
                        @Value("${microseg.dev.env-file}") String envFile,
                        @Value("${microseg.dev.public-url:}") String publicUrl) {
        this.tenants = tenants;
        this.keys = keys;
        this.tenantName = tenantName;
        this.envFile = Path.of(envFile);
        this.publicUrl = publicUrl;
    }

    @EventListener
    public void onStartup(ServerStartupEvent event) {
        String url = publicUrl.isBlank() ? "http://127.0.0.1:" + event.getSource().getPort() : publicUrl;
        run(url);
    }

    /** Ensures tenant and env file; returns the token the file holds afterwards. */
    public String run(String url) {
        UUID tenant = tenants.findId(tenantName).orElseGet(() -> {
            UUID id = tenants.create(tenantName).id();
            LOG.info("dev bootstrap created tenant name={} id={}", tenantName, id);
            return id;
        });
        Map<String, String> existing = read(envFile);
        String token = existing.get("MICROSEG_TOKEN");
        if (token != null && valid(tenant, token) && url.equals(existing.get("MICROSEG_API_URL"))) {
            LOG.info("dev bootstrap kept the admin key in {}", envFile);
            return token;
        }
        if (token == null || !valid(tenant, token)) {
            token = keys.create(tenant, "dev-bootstrap", "dev-admin", Role.ADMIN, null).token();
            LOG.info("dev bootstrap created an admin API key for tenant {} in {}", tenantName, envFile);
        }
        write(envFile, "MICROSEG_API_URL=" + url + "\nMICROSEG_TOKEN=" + token + "\n");
        return token;
    }

    private boolean valid(UUID tenant, String token) {
        Optional<ApiKeyToken> t = ApiKeyToken.parse(token);
        if (t.isEmpty() || !t.get().tenant().equals(tenant)) {
            return false;
        }
        return keys.lookup(tenant, t.get().keyId())
                .filter(k -> t.get().matches(k.secretHash()) && k.usableAt(Instant.now()))
                .isPresent();
    }

    static Map<String, String> read(Path file) {
        Map<String, String> out = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            LOG.warn("dev bootstrap could not read {}: {}", file, e.getMessage());
        }
        return out;
    }

    private static void write(Path file, String content) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".dev.env", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
