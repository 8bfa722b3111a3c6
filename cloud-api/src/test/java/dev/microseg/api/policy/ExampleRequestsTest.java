package dev.microseg.api.policy;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The two example requests, byte for byte, with only the Authorization header added. */
@ApiTest
class ExampleRequestsTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;

    @Test
    void theTwoExampleRequestsBehaveAsSpecified() {
        var t = tenants.create();
        var group = http.post("/api/v1/group", t.admin(), "{\"name\": \"web-servers\", \"policy_mode\": \"Monitor\"}");
        assertThat(group.status()).as(group.toString()).isEqualTo(201);
        assertThat(group.json().get("name").asText()).isEqualTo("web-servers");
        assertThat(group.json().get("policy_mode").asText()).isEqualTo("Monitor");
        assertThat(group.json().get("kind").asText()).isEqualTo("selector");
        assertThat(group.json().get("created_at").asText()).isNotEmpty();

        String rule = "{\"id\": 1001, \"from\": \"web-servers\", \"to\": \"db-servers\", \"ports\": \"tcp/3306\", \"action\": \"allow\"}";
        var missing = http.post("/api/v1/policy", t.admin(), rule);
        assertThat(missing.status()).as(missing.toString()).isEqualTo(400);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.json().get("code").asText()).isEqualTo("UNKNOWN_GROUP");
        assertThat(missing.json().get("detail").asText()).contains("db-servers");
        assertThat(missing.json().get("errors").get(0).get("field").asText()).isEqualTo("to");
        assertThat(missing.json().get("errors").get(0).get("reason").asText()).contains("db-servers");

        assertThat(http.post("/api/v1/group", t.admin(), "{\"name\": \"db-servers\"}").status()).isEqualTo(201);
        var created = http.post("/api/v1/policy", t.admin(), rule);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("id").asLong()).isEqualTo(1001);
        assertThat(created.json().get("ports").asText()).isEqualTo("tcp/3306");
        assertThat(created.json().get("applications").size()).isZero();
        assertThat(created.json().get("disabled").asBoolean()).isFalse();

        var fetched = http.get("/api/v1/policy/1001", t.viewer());
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("to").asText()).isEqualTo("db-servers");
    }

    /**
     * {@code curl -X POST -H 'Authorization: …' -d '{…}' URL} — the example typed as written —
     * labels the body {@code application/x-www-form-urlencoded}; clients that send no type at all
     * exist too. Both carry JSON and must be read as JSON; a type that cannot be JSON stays 415.
     */
    @ParameterizedTest(name = "[{index}] Content-Type {0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "application/x-www-form-urlencoded, 201",
            "none, 201",
            "text/xml, 415",
    })
    void bodiesAreReadAsJsonWhateverContentTypeCurlDefaultsTo(String contentType, int expected) {
        var t = tenants.create();
        var res = http.send("POST", "/api/v1/group", t.admin(), contentType, "{\"name\": \"web-servers\", \"policy_mode\": \"Monitor\"}");
        assertThat(res.status()).as(res.toString()).isEqualTo(expected);
        assertThat(res.contentType()).startsWith(expected == 201 ? "application/json" : "application/problem+json");
    }

    /** The same leniency for every endpoint that reads a body, PUTs included; a form body that is not JSON is malformed JSON. */
    @Test
    void everyBodyEndpointReadsCurlsDefaultLabelAsJson() {
        var t = tenants.create();
        String form = "application/x-www-form-urlencoded";
        assertThat(http.send("POST", "/api/v1/group", t.admin(), form, "{\"name\": \"web\"}").status()).isEqualTo(201);
        var put = http.send("PUT", "/api/v1/group/web", t.admin(), form, "{\"policy_mode\": \"Protect\"}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.json().get("policy_mode").asText()).isEqualTo("Protect");
        assertThat(http.send("POST", "/api/v1/policy", t.admin(), form, "{\"id\": 1, \"from\": \"web\", \"to\": \"web\", \"action\": \"allow\"}")
                .status()).isEqualTo(201);
        var rule = http.send("PUT", "/api/v1/policy/1", t.admin(), form, "{\"from\": \"web\", \"to\": \"web\", \"action\": \"deny\"}");
        assertThat(rule.status()).as(rule.toString()).isEqualTo(200);
        assertThat(rule.json().get("action").asText()).isEqualTo("deny");
        assertThat(http.send("POST", "/api/v1/api-keys", t.admin(), form, "{\"role\": \"viewer\"}").status()).isEqualTo(201);
        var fields = http.send("POST", "/api/v1/group", t.admin(), form, "name=web2&policy_mode=Monitor");
        assertThat(fields.status()).as(fields.toString()).isEqualTo(400);
        assertThat(fields.json().get("code").asText()).isEqualTo("MALFORMED_JSON");
    }
}
