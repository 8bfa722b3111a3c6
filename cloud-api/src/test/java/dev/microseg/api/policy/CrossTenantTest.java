package dev.microseg.api.policy;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Another tenant's objects are 404, exactly like absent ones, for every verb. */
@ApiTest
class CrossTenantTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;

    @Test
    void anotherTenantsObjectsAreIndistinguishableFromAbsent() {
        var a = tenants.create();
        var b = tenants.create();
        assertThat(http.post("/api/v1/group", a.admin(), "{\"name\":\"secret\"}").status()).isEqualTo(201);
        assertThat(http.post("/api/v1/policy", a.admin(), "{\"id\":5,\"from\":\"secret\",\"to\":\"secret\",\"action\":\"deny\"}").status()).isEqualTo(201);
        String keyId = http.get("/api/v1/api-keys", a.admin()).json().get("items").get(0).get("id").asText();

        var absent = http.get("/api/v1/group/never-existed", b.admin());
        assertThat(absent.status()).isEqualTo(404);
        assertThat(absent.json().get("code").asText()).isEqualTo("NOT_FOUND");
        // b's own groups, so that a rule PUT's body is valid for b: only the rule's owner differs
        assertThat(http.post("/api/v1/group", b.admin(), "{\"name\":\"mine\"}").status()).isEqualTo(201);
        for (var r : new Http.Res[] {
                http.get("/api/v1/group/secret", b.admin()),
                http.put("/api/v1/group/secret", b.admin(), "{\"policy_mode\":\"Protect\"}"),
                http.delete("/api/v1/group/secret", b.admin()),
                http.get("/api/v1/policy/5", b.admin()),
                http.put("/api/v1/policy/5", b.admin(), "{\"from\":\"x\",\"to\":\"x\",\"action\":\"allow\"}"),
                http.put("/api/v1/policy/5", b.admin(), "{\"from\":\"mine\",\"to\":\"mine\",\"action\":\"allow\"}"),
                http.delete("/api/v1/policy/5", b.admin()),
                http.get("/api/v1/api-keys/" + keyId, b.admin()),
                http.delete("/api/v1/api-keys/" + keyId, b.admin()),
                http.get("/api/v1/policy/revisions/2", b.admin()),
                http.post("/api/v1/policy/revisions/2/restore", b.admin(), null)}) {
            // exactly what an absent object gets: the rule is looked up before its groups are checked
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().get("code").asText()).as(r.toString()).isEqualTo("NOT_FOUND");
        }
        assertThat(http.get("/api/v1/policy/revisions/2", a.viewer()).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/groups", b.admin()).json().get("items").findValuesAsText("name")).containsExactly("mine");
        assertThat(http.get("/api/v1/policies", b.admin()).json().get("items").size()).isZero();
        assertThat(http.get("/api/v1/group/secret", a.viewer()).status()).isEqualTo(200);
        // b may create its own 'secret' and rule 5: names and ids are per tenant
        assertThat(http.post("/api/v1/group", b.admin(), "{\"name\":\"secret\"}").status()).isEqualTo(201);
        assertThat(http.post("/api/v1/policy", b.admin(), "{\"id\":5,\"from\":\"mine\",\"to\":\"secret\",\"action\":\"allow\"}").status())
                .isEqualTo(201);
    }
}
