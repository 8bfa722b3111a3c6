package dev.microseg.api.devstack;

import dev.microseg.api.support.PostgresExtension;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local-stack bootstrap as {@code ./microseg up} uses it: a real server started twice on the
 * same database. The first start creates the tenant and writes the env file (0600) with a
 * working admin key; a restart keeps the key and the data; a broken key is replaced.
 */
@ExtendWith(PostgresExtension.class)
class DevBootstrapTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void envFileIsWrittenKeyWorksAndRestartKeepsData(@TempDir Path dir) throws Exception {
        Path env = dir.resolve("dev.env");
        String tenant = "dev-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> props = Map.of("microseg.dev.tenant", tenant, "microseg.dev.env-file", env.toString());

        String token;
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props, "test")) {
            Map<String, String> file = DevBootstrap.read(env);
            token = file.get("MICROSEG_TOKEN");
            assertThat(file.get("MICROSEG_API_URL")).isEqualTo("http://127.0.0.1:" + server.getPort());
            assertThat(token).startsWith("msk_");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
            assertThat(send(server, "POST", "/api/v1/group", token, "{\"name\": \"web-servers\", \"policy_mode\": \"Monitor\"}").statusCode()).isEqualTo(201);
            assertThat(send(server, "GET", "/api/v1/api-keys", token, null).statusCode()).isEqualTo(200);
        }
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props, "test")) {
            Map<String, String> file = DevBootstrap.read(env);
            assertThat(file.get("MICROSEG_TOKEN")).isEqualTo(token);
            var groups = send(server, "GET", "/api/v1/groups", token, null);
            assertThat(groups.statusCode()).isEqualTo(200);
            assertThat(groups.body()).contains("web-servers");
        }
        Files.writeString(env, "MICROSEG_API_URL=http://127.0.0.1:1\nMICROSEG_TOKEN=msk_broken\n");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props, "test")) {
            String fresh = DevBootstrap.read(env).get("MICROSEG_TOKEN");
            assertThat(fresh).startsWith("msk_").isNotEqualTo(token);
            var groups = send(server, "GET", "/api/v1/groups", fresh, null);
            assertThat(groups.body()).contains("web-servers");
            assertThat(DevBootstrap.read(env).get("MICROSEG_API_URL")).isEqualTo("http://127.0.0.1:" + server.getPort());
        }
    }

    private HttpResponse<String> send(EmbeddedServer server, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.getURL() + path)).header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
