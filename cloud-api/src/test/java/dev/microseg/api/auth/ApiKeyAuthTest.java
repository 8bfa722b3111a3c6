package dev.microseg.api.auth;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** API keys: creation shown once, listing, revocation, expiry, roles, 401/403 problems, usage. */
@ApiTest
class ApiKeyAuthTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;
    @Inject
    ApiKeyService keys;
    @Inject
    KeyUsageRecorder usage;

    @Test
    void createdKeyWorksIsListedWithoutSecretAndCanBeRevoked() {
        var t = tenants.create();
        var created = http.post("/api/v1/api-keys", t.admin(), "{\"name\":\"terraform\",\"role\":\"editor\",\"expires_at\":\"2099-01-01T00:00:00Z\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String token = created.json().get("token").asText();
        String id = created.json().get("id").asText();
        assertThat(token).startsWith("msk_");
        assertThat(created.json().get("role").asText()).isEqualTo("editor");
        assertThat(created.json().get("expires_at").asText()).isEqualTo("2099-01-01T00:00:00Z");

        assertThat(http.post("/api/v1/group", token, "{\"name\":\"g1\"}").status()).isEqualTo(201);

        var list = http.get("/api/v1/api-keys", t.admin());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(token.substring(4));
        assertThat(list.json().get("items").findValuesAsText("id")).contains(id);
        assertThat(http.get("/api/v1/api-keys/" + id, t.admin()).json().get("name").asText()).isEqualTo("terraform");

        assertThat(http.delete("/api/v1/api-keys/" + id, t.admin()).status()).isEqualTo(204);
        var after = http.get("/api/v1/groups", token);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.contentType()).startsWith("application/problem+json");
        assertThat(http.get("/api/v1/api-keys/" + id, t.admin()).json().get("revoked_at").isNull()).isFalse();
    }

    @Test
    void expiredKeyIsRejected() {
        var t = tenants.create();
        String expired = keys.create(t.id(), "test", "old", Role.ADMIN, Instant.now().minusSeconds(1)).token();
        assertThat(http.get("/api/v1/groups", expired).status()).isEqualTo(401);
        var past = http.post("/api/v1/api-keys", t.admin(), "{\"role\":\"viewer\",\"expires_at\":\"2001-01-01T00:00:00Z\"}");
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.json().get("errors").get(0).get("field").asText()).isEqualTo("expires_at");
    }

    @Test
    void badTokensGet401Problems() {
        var t = tenants.create();
        String other = tenants.create().admin();
        // a token whose tenant part is swapped for another tenant's: the lookup runs under that tenant and finds nothing
        byte[] raw = java.util.Base64.getUrlDecoder().decode(t.admin().substring(4));
        byte[] foreign = java.util.Base64.getUrlDecoder().decode(other.substring(4));
        System.arraycopy(foreign, 0, raw, 0, 16);
        String swapped = "msk_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        for (String bad : new String[] {null, "nonsense", "msk_AAAA", t.admin() + "x", t.admin().substring(0, 40) + "A".repeat(46), swapped}) {
            var r = http.get("/api/v1/groups", bad);
            assertThat(r.status()).as("token %s", bad).isEqualTo(401);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().get("code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(r.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
    }

    static Stream<Arguments> roleTable() {
        return Stream.of(
                arguments("viewer", "GET", "/api/v1/groups", null, 200),
                arguments("viewer", "POST", "/api/v1/group", "{\"name\":\"v\"}", 403),
                arguments("viewer", "GET", "/api/v1/api-keys", null, 403),
                // the role is checked before the object is looked up: 403 even where the object is absent
                arguments("viewer", "PUT", "/api/v1/group/v", "{\"policy_mode\":\"Protect\"}", 403),
                arguments("viewer", "DELETE", "/api/v1/group/v", null, 403),
                arguments("viewer", "PUT", "/api/v1/policy/1", "{\"from\":\"v\",\"to\":\"v\",\"action\":\"allow\"}", 403),
                arguments("viewer", "DELETE", "/api/v1/policy/1", null, 403),
                arguments("viewer", "DELETE", "/api/v1/api-keys/00000000-0000-0000-0000-000000000001", null, 403),
                arguments("viewer", "POST", "/api/v1/policy/revisions/1/restore", null, 403),
                arguments("editor", "POST", "/api/v1/group", "{\"name\":\"e\"}", 201),
                arguments("editor", "GET", "/api/v1/api-keys", null, 403),
                arguments("editor", "POST", "/api/v1/api-keys", "{\"role\":\"admin\"}", 403),
                arguments("editor", "POST", "/api/v1/policy/revisions/1/restore", null, 403),
                arguments("admin", "GET", "/api/v1/api-keys", null, 200),
                arguments("admin", "POST", "/api/v1/api-keys", "{\"role\":\"viewer\"}", 201));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {4}")
    @MethodSource("roleTable")
    void rolesNest(String role, String method, String path, String body, int status) {
        var t = tenants.create();
        String token = switch (role) {
            case "viewer" -> t.viewer();
            case "editor" -> t.editor();
            default -> t.admin();
        };
        var r = http.send(method, path, token, body == null ? null : "application/json", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        if (status == 403) {
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().get("code").asText()).isEqualTo("FORBIDDEN");
        }
    }

    @Test
    void usageIsRecordedInBatches() {
        var t = tenants.create();
        String token = keys.create(t.id(), "test", "counted", Role.VIEWER, null).token();
        String id = ApiKeyToken.parse(token).orElseThrow().keyId().toString();
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/api/v1/groups", token).status()).isEqualTo(200);
        }
        usage.flush();
        var key = http.get("/api/v1/api-keys/" + id, t.admin()).json();
        assertThat(key.get("use_count").asLong()).isEqualTo(3);
        assertThat(key.get("last_used_at").isNull()).isFalse();
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        assertThat(http.get("/health", null).status()).isEqualTo(200);
        var m = http.get("/metrics", null);
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.body()).contains("jvm_memory_used_bytes").contains("hikaricp_connections");
    }
}
