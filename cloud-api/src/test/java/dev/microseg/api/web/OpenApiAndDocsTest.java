package dev.microseg.api.web;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated OpenAPI document names every public path, and the docs UI loads from the jar. */
@ApiTest
class OpenApiAndDocsTest {
    @Inject
    Http http;

    @Test
    void openApiDocumentCoversTheApi() {
        var r = http.get("/api/v1/openapi.yml", null);
        assertThat(r.status()).isEqualTo(200);
        for (String path : List.of("/api/v1/workloads:", "/api/v1/groups:", "/api/v1/group:", "/api/v1/group/{name}:",
                "/api/v1/policies:", "/api/v1/policy:", "/api/v1/policy/{id}:", "/api/v1/graph:", "/api/v1/stats:",
                "/api/v1/nodes:", "/api/v1/connections:", "/api/v1/api-keys:", "/api/v1/api-keys/{id}:",
                "/api/v1/policy/revisions:", "/api/v1/policy/revisions/{n}:", "/api/v1/policy/revisions/{n}/restore:")) {
            assertThat(r.body()).as(path).contains("  " + path + "\n");
        }
        assertThat(r.body()).contains("policy_mode:").contains("application/problem+json").contains("next_cursor");
        // the graph is streamed, not returned as a record: its documented schema must still be the Graph record's
        assertThat(r.body()).contains("$ref: \"#/components/schemas/Graph\"").contains("max_edges:").contains("total_edges:");
    }

    @Test
    void docsUiIsServedWithItsScripts() {
        var index = http.get("/api/v1/docs/index.html", null);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).contains("/api/v1/openapi.yml").contains("/api/v1/docs/res/swagger-ui-bundle.js")
                .doesNotContain("https://");
        assertThat(http.get("/api/v1/docs/res/swagger-ui-bundle.js", null).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/docs", null).status()).isEqualTo(301);
    }
}
