package dev.microseg.api.web;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * The generated OpenAPI document names every public path, documents request bodies as exactly
 * the JSON the endpoints read and errors as problems; the docs UI loads from the jar.
 */
@ApiTest
@SuppressWarnings("unchecked")
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

    static Stream<Arguments> requestBodies() {
        List<String> group = List.of("name", "policy_mode", "criteria", "cidrs", "comment");
        List<String> rule = List.of("id", "from", "to", "ports", "applications", "action", "disabled", "comment");
        return Stream.of(
                argumentSet("create group", "/api/v1/group", "post", group),
                argumentSet("replace group", "/api/v1/group/{name}", "put", group),
                argumentSet("create rule", "/api/v1/policy", "post", rule),
                argumentSet("replace rule", "/api/v1/policy/{id}", "put", rule),
                argumentSet("create API key", "/api/v1/api-keys", "post", List.of("name", "role", "expires_at")));
    }

    /**
     * A request body is documented as JSON only (the server also reads bodies curl labels
     * form-urlencoded, but that is leniency, not the contract) and its schema has exactly the
     * fields the endpoint reads, as docs/api.md lists them.
     */
    @ParameterizedTest
    @MethodSource("requestBodies")
    void requestBodiesAreJsonWithExactlyTheDocumentedFields(String path, String method, List<String> fields) {
        Map<String, Object> doc = document();
        Map<String, Object> content = map(map(operation(doc, path, method), "requestBody"), "content");
        assertThat(content.keySet()).as("%s %s request body media types", method, path).containsExactly("application/json");
        Map<String, Object> schema = resolve(doc, map(map(content, "application/json"), "schema"));
        assertThat(map(schema, "properties").keySet()).as("%s %s body fields", method, path).containsExactlyInAnyOrderElementsOf(fields);
    }

    /** Every documented 4xx/5xx answer is a problem, as the server sends it. */
    @Test
    void errorResponsesAreDocumentedAsProblems() {
        Map<String, Object> doc = document();
        List<String> errors = new ArrayList<>();
        for (var path : map(doc, "paths").entrySet()) {
            for (var op : ((Map<String, Object>) path.getValue()).entrySet()) {
                for (var res : map((Map<String, Object>) op.getValue(), "responses").entrySet()) {
                    if (res.getKey().startsWith("4") || res.getKey().startsWith("5")) {
                        String where = op.getKey() + " " + path.getKey() + " " + res.getKey();
                        errors.add(where);
                        Map<String, Object> content = map((Map<String, Object>) res.getValue(), "content");
                        assertThat(content.keySet()).as(where).containsExactly("application/problem+json");
                        assertThat(map(content, "application/problem+json").get("schema")).as(where)
                                .isEqualTo(Map.of("$ref", "#/components/schemas/Problem"));
                    }
                }
            }
        }
        assertThat(errors).as("documented error responses").contains("post /api/v1/group 400", "post /api/v1/policy 400",
                "get /api/v1/group/{name} 404");
        assertThat(map(map(resolve(doc, Map.of("$ref", "#/components/schemas/Problem")), "properties"), "code_number")).isNotNull();
    }

    /**
     * No schema carries a property named after the schema itself: micronaut-openapi once added
     * one ({@code GroupRequest.group_request}) for records whose components use
     * {@code @JsonProperty}, a field no client sends and the server would refuse.
     */
    @Test
    void noSchemaHasAPropertyNamedAfterItself() {
        for (var s : map(document(), "components", "schemas").entrySet()) {
            Map<String, Object> properties = map((Map<String, Object>) s.getValue(), "properties");
            String self = s.getKey().toLowerCase(Locale.ROOT);
            for (String p : properties == null ? List.<String>of() : properties.keySet()) {
                assertThat(p.replace("_", "").toLowerCase(Locale.ROOT)).as("%s.%s", s.getKey(), p).isNotEqualTo(self);
            }
        }
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

    private Map<String, Object> document() {
        var r = http.get("/api/v1/openapi.yml", null);
        assertThat(r.status()).isEqualTo(200);
        // the generator writes YAML's "=" (the value key) unquoted in enums such as the criterion op
        SafeConstructor constructor = new SafeConstructor(new LoaderOptions()) {
            {
                yamlConstructors.put(new Tag("tag:yaml.org,2002:value"), yamlConstructors.get(Tag.STR));
            }
        };
        return new Yaml(constructor).load(r.body());
    }

    private static Map<String, Object> operation(Map<String, Object> doc, String path, String method) {
        Map<String, Object> op = map(doc, "paths", path, method);
        assertThat(op).as("%s %s", method, path).isNotNull();
        return op;
    }

    private static Map<String, Object> resolve(Map<String, Object> doc, Map<String, Object> schema) {
        Object ref = schema.get("$ref");
        if (ref == null) {
            return schema;
        }
        String name = ref.toString().substring("#/components/schemas/".length());
        return map(doc, "components", "schemas", name);
    }

    private static Map<String, Object> map(Map<String, Object> from, String... keys) {
        Map<String, Object> m = from;
        for (String k : keys) {
            if (m == null) {
                return null;
            }
            m = (Map<String, Object>) m.get(k);
        }
        return m;
    }
}
