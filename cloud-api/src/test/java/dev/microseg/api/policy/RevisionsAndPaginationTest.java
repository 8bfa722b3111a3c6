package dev.microseg.api.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Revisions (list, state as of n, restore), policy_version bumps, and cursor pagination. */
@ApiTest
class RevisionsAndPaginationTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;

    @Test
    void revisionsReconstructPastStatesAndRestoreMakesOneNewRevision() {
        var t = tenants.create();
        String tok = t.admin();
        ok(http.post("/api/v1/group", tok, "{\"name\":\"web\",\"criteria\":[{\"key\":\"app\",\"op\":\"=\",\"value\":\"web\"}]}"));     // 1
        ok(http.post("/api/v1/group", tok, "{\"name\":\"db\",\"cidrs\":[\"10.9.0.0/16\"]}"));                                          // 2
        ok(http.post("/api/v1/policy", tok, "{\"id\":10,\"from\":\"web\",\"to\":\"db\",\"ports\":\"tcp/5432\",\"applications\":[\"postgres\"],\"action\":\"allow\"}")); // 3
        ok(http.put("/api/v1/group/web", tok, "{\"policy_mode\":\"Protect\",\"criteria\":[{\"key\":\"app\",\"op\":\"in\",\"value\":\"web, api\"}]}")); // 4
        ok(http.put("/api/v1/policy/10", tok, "{\"from\":\"web\",\"to\":\"db\",\"ports\":\"udp/53, tcp/5432\",\"action\":\"deny\"}")); // 5
        assertThat(http.delete("/api/v1/policy/10", tok).status()).isEqualTo(204);                                                    // 6
        assertThat(http.delete("/api/v1/group/db", tok).status()).isEqualTo(204);                                                     // 7
        // a PUT that changes nothing is not a revision
        ok(http.put("/api/v1/group/web", tok, "{\"policy_mode\":\"Protect\",\"criteria\":[{\"key\":\"app\",\"op\":\"in\",\"value\":\"web,api\"}]}"));

        var list = http.get("/api/v1/policy/revisions", t.viewer()).json();
        assertThat(list.get("items").findValuesAsText("n")).containsExactly("7", "6", "5", "4", "3", "2", "1");
        assertThat(list.get("items").get(0).get("summary").asText()).isEqualTo("delete group db");
        assertThat(list.get("items").get(0).get("actor").asText()).startsWith("apikey:");

        JsonNode at3 = http.get("/api/v1/policy/revisions/3", t.viewer()).json();
        assertThat(at3.get("revision").get("n").asLong()).isEqualTo(3);
        assertThat(names(at3.get("state").get("groups"))).containsExactly("db", "web");
        JsonNode web3 = at3.get("state").get("groups").get(1);
        assertThat(web3.get("policy_mode").asText()).isEqualTo("Monitor");
        assertThat(web3.get("criteria").get(0).get("value").asText()).isEqualTo("web");
        JsonNode rule3 = at3.get("state").get("rules").get(0);
        assertThat(rule3.get("ports").asText()).isEqualTo("tcp/5432");
        assertThat(rule3.get("applications").get(0).asText()).isEqualTo("PostgreSQL");

        JsonNode at5 = http.get("/api/v1/policy/revisions/5", t.viewer()).json();
        assertThat(at5.get("state").get("rules").get(0).get("ports").asText()).isEqualTo("tcp/5432,udp/53");
        assertThat(at5.get("state").get("rules").get(0).get("action").asText()).isEqualTo("deny");

        var restored = http.post("/api/v1/policy/revisions/3/restore", tok, null);
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
        assertThat(http.get("/api/v1/policy/revisions?limit=1", tok).json().get("items").get(0).get("n").asLong()).isEqualTo(8);
        assertThat(http.get("/api/v1/group/db", tok).json().get("cidrs").get(0).asText()).isEqualTo("10.9.0.0/16");
        assertThat(http.get("/api/v1/group/web", tok).json().get("policy_mode").asText()).isEqualTo("Monitor");
        var rule = http.get("/api/v1/policy/10", tok).json();
        assertThat(rule.get("ports").asText()).isEqualTo("tcp/5432");
        assertThat(rule.get("action").asText()).isEqualTo("allow");
        assertThat(http.get("/api/v1/stats", tok).json().get("policy_version").asLong()).isEqualTo(8);
        // the state as of the restore equals the state as of 3
        assertThat(http.get("/api/v1/policy/revisions/8", tok).json().get("state"))
                .isEqualTo(http.get("/api/v1/policy/revisions/3", tok).json().get("state"));
        // and the state as of 7 is still reconstructible after the restore
        assertThat(names(http.get("/api/v1/policy/revisions/7", tok).json().get("state").get("groups"))).containsExactly("web");

        // restoring a revision that does not exist is 404 and changes nothing (no revision 9)
        for (String n : new String[] {"9", "0", "-1", "4294967296"}) {
            var absent = http.post("/api/v1/policy/revisions/" + n + "/restore", tok, null);
            assertThat(absent.status()).as(n + ": " + absent).isEqualTo(404);
            assertThat(absent.contentType()).startsWith("application/problem+json");
            assertThat(absent.json().get("code").asText()).isEqualTo("NOT_FOUND");
            assertThat(absent.json().get("detail").asText()).contains("revision " + n);
        }
        assertThat(http.get("/api/v1/stats", tok).json().get("policy_version").asLong()).isEqualTo(8);
        assertThat(http.get("/api/v1/policy/revisions?limit=1", tok).json().get("items").get(0).get("n").asLong()).isEqualTo(8);
    }

    @Test
    void pagesAreStableWhileRowsAreInserted() {
        var t = tenants.create();
        for (int i = 0; i < 25; i++) {
            ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"g" + String.format("%02d", i * 2) + "\"}"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var page = http.get("/api/v1/groups?limit=10" + (cursor == null ? "" : "&cursor=" + cursor), t.viewer()).json();
            seen.addAll(names(page.get("items")));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            if (pages == 0) {
                // inserted before and after the cursor position while paging
                ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"g01\"}"));
                ok(http.post("/api/v1/group", t.editor(), "{\"name\":\"g47\"}"));
            }
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).doesNotHaveDuplicates();
        for (int i = 0; i < 25; i++) {
            assertThat(seen).contains("g" + String.format("%02d", i * 2));
        }
        assertThat(seen).contains("g47").doesNotContain("g01");
        assertThat(seen).isSorted();

        for (int i = 1; i <= 5; i++) {
            ok(http.post("/api/v1/policy", t.editor(), "{\"id\":" + i + ",\"from\":\"g00\",\"to\":\"g02\",\"action\":\"allow\"}"));
        }
        var p1 = http.get("/api/v1/policies?limit=2", t.viewer()).json();
        assertThat(p1.get("items").findValuesAsText("id")).containsExactly("1", "2");
        var p2 = http.get("/api/v1/policies?limit=2&cursor=" + p1.get("next_cursor").asText(), t.viewer()).json();
        assertThat(p2.get("items").findValuesAsText("id")).containsExactly("3", "4");
        var revs = http.get("/api/v1/policy/revisions?limit=3", t.viewer()).json();
        var revs2 = http.get("/api/v1/policy/revisions?limit=3&cursor=" + revs.get("next_cursor").asText(), t.viewer()).json();
        assertThat(revs2.get("items").get(0).get("n").asLong()).isEqualTo(revs.get("items").get(2).get("n").asLong() - 1);
    }

    private static List<String> names(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(n -> out.add(n.get("name").asText()));
        return out;
    }

    private static void ok(Http.Res r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 201);
    }
}
