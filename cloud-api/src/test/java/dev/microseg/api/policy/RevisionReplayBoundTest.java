package dev.microseg.api.policy;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import io.micronaut.context.annotation.Property;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rebuilding a past state undoes at most {@code microseg.policy.max-replayed-revisions} later
 * revisions (here 3, in production {@link RevisionService#MAX_REPLAYED_REVISIONS}); an older
 * revision is refused with a problem that says why and which revisions still work, and a
 * refused restore changes nothing.
 */
@ApiTest
@Property(name = "microseg.policy.max-replayed-revisions", value = "" + RevisionReplayBoundTest.BOUND)
class RevisionReplayBoundTest {
    static final int BOUND = 3;
    static final int REVISIONS = 6;

    @Inject
    Http http;
    @Inject
    Tenants tenants;

    @Test
    void revisionsPastTheBoundAreRefusedClearly() {
        var t = tenants.create();
        for (int i = 1; i <= REVISIONS; i++) {
            assertThat(http.post("/api/v1/group", t.admin(), "{\"name\":\"g" + i + "\"}").status()).isEqualTo(201);
        }
        int oldestServed = REVISIONS - BOUND;
        var served = http.get("/api/v1/policy/revisions/" + oldestServed, t.viewer());
        assertThat(served.status()).as(served.toString()).isEqualTo(200);
        assertThat(served.json().get("state").get("groups").findValuesAsText("name")).containsExactly("g1", "g2", "g3");

        var tooOld = http.get("/api/v1/policy/revisions/" + (oldestServed - 1), t.viewer());
        assertThat(tooOld.status()).as(tooOld.toString()).isEqualTo(400);
        assertThat(tooOld.contentType()).startsWith("application/problem+json");
        assertThat(tooOld.json().get("code").asText()).isEqualTo("REVISION_TOO_OLD");
        assertThat(tooOld.json().get("detail").asText()).contains("more than " + BOUND + " revisions behind")
                .contains("microseg.policy.max-replayed-revisions");
        assertThat(tooOld.json().get("errors").get(0).get("field").asText()).isEqualTo("n");
        assertThat(tooOld.json().get("errors").get(0).get("reason").asText()).isEqualTo("at least " + oldestServed);

        var refused = http.post("/api/v1/policy/revisions/1/restore", t.admin(), null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("REVISION_TOO_OLD");
        assertThat(http.get("/api/v1/stats", t.viewer()).json().get("policy_version").asLong()).isEqualTo(REVISIONS);
        assertThat(http.get("/api/v1/groups", t.viewer()).json().get("items").size()).isEqualTo(REVISIONS);

        var restored = http.post("/api/v1/policy/revisions/" + oldestServed + "/restore", t.admin(), null);
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
        assertThat(http.get("/api/v1/groups", t.viewer()).json().get("items").findValuesAsText("name")).containsExactly("g1", "g2", "g3");
    }
}
