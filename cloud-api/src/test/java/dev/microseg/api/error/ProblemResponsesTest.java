package dev.microseg.api.error;

import dev.microseg.api.support.ApiTest;
import dev.microseg.api.support.Http;
import dev.microseg.api.support.Tenants;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every kind of bad request gets an RFC 9457 problem with the stable code and the offending
 * field. One table: method, path, content type, body, expected status, code, field.
 */
@ApiTest
class ProblemResponsesTest {
    @Inject
    Http http;
    @Inject
    Tenants tenants;

    Tenants.TestTenant t;

    @BeforeEach
    void tenant() {
        t = tenants.create();
        assertThat(http.post("/api/v1/group", t.editor(), "{\"name\":\"web\"}").status()).isEqualTo(201);
        assertThat(http.post("/api/v1/group", t.editor(), "{\"name\":\"db\",\"criteria\":[{\"key\":\"app\",\"op\":\"=\",\"value\":\"db\"}]}").status()).isEqualTo(201);
        assertThat(http.post("/api/v1/policy", t.editor(), "{\"id\":7,\"from\":\"web\",\"to\":\"db\",\"action\":\"allow\"}").status()).isEqualTo(201);
    }

    static Stream<Arguments> cases() {
        String json = "application/json";
        return Stream.of(
                arguments("malformed JSON", "POST", "/api/v1/group", json, "{\"name\": \"x\",\n \"policy_mode\": }", 400, "MALFORMED_JSON", "$"),
                arguments("empty body", "POST", "/api/v1/group", json, "", 400, "MALFORMED_JSON", "$"),
                arguments("body not an object", "POST", "/api/v1/group", json, "[1,2]", 400, "WRONG_TYPE", "$"),
                arguments("unknown field", "POST", "/api/v1/group", json, "{\"name\":\"x\",\"colour\":\"red\"}", 400, "UNKNOWN_FIELD", "colour"),
                arguments("unknown nested field", "POST", "/api/v1/group", json,
                        "{\"name\":\"x\",\"criteria\":[{\"key\":\"a\",\"op\":\"=\",\"value\":\"b\",\"x\":1}]}", 400, "UNKNOWN_FIELD", "criteria[0].x"),
                arguments("missing group name", "POST", "/api/v1/group", json, "{\"policy_mode\":\"Monitor\"}", 400, "MISSING_FIELD", "name"),
                arguments("name of wrong type", "POST", "/api/v1/group", json, "{\"name\":5}", 400, "WRONG_TYPE", "name"),
                arguments("bad policy mode", "POST", "/api/v1/group", json, "{\"name\":\"x\",\"policy_mode\":\"Block\"}", 400, "INVALID_FIELD", "policy_mode"),
                arguments("bad group name", "POST", "/api/v1/group", json, "{\"name\":\"-bad name\"}", 400, "INVALID_FIELD", "name"),
                arguments("bad selector value", "POST", "/api/v1/group", json,
                        "{\"name\":\"x\",\"criteria\":[{\"key\":\"a\",\"op\":\"=\",\"value\":\"b\"},{\"key\":\"env\",\"op\":\"in\",\"value\":\"prod,bad value\"}]}",
                        400, "INVALID_FIELD", "criteria[1].value"),
                arguments("bad selector op", "POST", "/api/v1/group", json,
                        "{\"name\":\"x\",\"criteria\":[{\"key\":\"a\",\"op\":\"~\",\"value\":\"b\"}]}", 400, "INVALID_FIELD", "criteria[0].op"),
                arguments("exists with value", "POST", "/api/v1/group", json,
                        "{\"name\":\"x\",\"criteria\":[{\"key\":\"a\",\"op\":\"exists\",\"value\":\"b\"}]}", 400, "INVALID_FIELD", "criteria[0].value"),
                arguments("bad CIDR", "POST", "/api/v1/group", json, "{\"name\":\"x\",\"cidrs\":[\"10.0.0.0/8\",\"10.1.2.3/16\"]}", 400, "INVALID_FIELD", "cidrs[1]"),
                arguments("criteria and cidrs", "POST", "/api/v1/group", json,
                        "{\"name\":\"x\",\"cidrs\":[\"10.0.0.0/8\"],\"criteria\":[]}", 400, "INVALID_FIELD", "cidrs"),
                arguments("duplicate group", "POST", "/api/v1/group", json, "{\"name\":\"web\"}", 409, "ALREADY_EXISTS", "name"),
                arguments("group in use", "DELETE", "/api/v1/group/db", null, null, 409, "GROUP_IN_USE", "name"),
                arguments("rename in PUT", "PUT", "/api/v1/group/web", json, "{\"name\":\"other\"}", 400, "INVALID_FIELD", "name"),
                arguments("missing rule id", "POST", "/api/v1/policy", json, "{\"from\":\"web\",\"to\":\"db\",\"action\":\"allow\"}", 400, "MISSING_FIELD", "id"),
                arguments("missing action", "POST", "/api/v1/policy", json, "{\"id\":8,\"from\":\"web\",\"to\":\"db\"}", 400, "MISSING_FIELD", "action"),
                arguments("id as string", "POST", "/api/v1/policy", json, "{\"id\":\"8\",\"from\":\"web\",\"to\":\"db\",\"action\":\"allow\"}", 400, "WRONG_TYPE", "id"),
                arguments("disabled as number", "POST", "/api/v1/policy", json, "{\"id\":8,\"from\":\"web\",\"to\":\"db\",\"action\":\"allow\",\"disabled\":1}", 400, "WRONG_TYPE", "disabled"),
                arguments("id out of range", "POST", "/api/v1/policy", json, "{\"id\":0,\"from\":\"web\",\"to\":\"db\",\"action\":\"allow\"}", 400, "INVALID_FIELD", "id"),
                arguments("bad port spec", "POST", "/api/v1/policy", json, "{\"id\":8,\"from\":\"web\",\"to\":\"db\",\"ports\":\"tcp/99999\",\"action\":\"allow\"}", 400, "INVALID_FIELD", "ports"),
                arguments("unknown application", "POST", "/api/v1/policy", json,
                        "{\"id\":8,\"from\":\"web\",\"to\":\"db\",\"applications\":[\"HTTP\",\"HTTP\",\"Gopher\"],\"action\":\"allow\"}", 400, "INVALID_FIELD", "applications[2]"),
                arguments("bad action", "POST", "/api/v1/policy", json, "{\"id\":8,\"from\":\"web\",\"to\":\"db\",\"action\":\"permit\"}", 400, "INVALID_FIELD", "action"),
                arguments("unknown from group", "POST", "/api/v1/policy", json, "{\"id\":8,\"from\":\"nope\",\"to\":\"db\",\"action\":\"allow\"}", 400, "UNKNOWN_GROUP", "from"),
                arguments("duplicate rule id", "POST", "/api/v1/policy", json, "{\"id\":7,\"from\":\"web\",\"to\":\"db\",\"action\":\"deny\"}", 409, "ALREADY_EXISTS", "id"),
                arguments("absent group", "GET", "/api/v1/group/nope", null, null, 404, "NOT_FOUND", null),
                arguments("absent rule", "GET", "/api/v1/policy/99", null, null, 404, "NOT_FOUND", null),
                arguments("absent revision", "GET", "/api/v1/policy/revisions/9999", null, null, 404, "NOT_FOUND", null),
                arguments("no such path", "GET", "/api/v1/nothing-here", null, null, 404, "NOT_FOUND", null),
                arguments("wrong method", "PATCH", "/api/v1/groups", json, "{}", 405, "METHOD_NOT_ALLOWED", null),
                arguments("wrong content type", "POST", "/api/v1/group", "text/plain", "name=x", 415, "UNSUPPORTED_MEDIA_TYPE", null),
                arguments("oversized body", "POST", "/api/v1/group", json,
                        "{\"name\":\"x\",\"comment\":\"" + "a".repeat(300_000) + "\"}", 413, "PAYLOAD_TOO_LARGE", null),
                arguments("limit too big", "GET", "/api/v1/groups?limit=1001", null, null, 400, "INVALID_QUERY", "limit"),
                arguments("garbage cursor", "GET", "/api/v1/groups?cursor=%21%21", null, null, 400, "INVALID_QUERY", "cursor"),
                arguments("bad verdict filter", "GET", "/api/v1/connections?verdict=maybe", null, null, 400, "INVALID_QUERY", "verdict"),
                arguments("bad time", "GET", "/api/v1/graph?from=yesterday", null, null, 400, "INVALID_QUERY", "from"),
                arguments("graph of an unknown group", "GET", "/api/v1/graph?group=nope", null, null, 400, "INVALID_QUERY", "group"),
                arguments("max_edges 0", "GET", "/api/v1/graph?max_edges=0", null, null, 400, "INVALID_QUERY", "max_edges"),
                arguments("max_edges over the bound", "GET", "/api/v1/graph?max_edges=50001", null, null, 400, "INVALID_QUERY", "max_edges"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badRequestsGetProblems(String name, String method, String path, String contentType, String body,
                                int status, String code, String field) {
        Http.Res r = http.send(method, path, t.admin(), contentType, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        var p = r.json();
        assertThat(p.get("code").asText()).isEqualTo(code);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("type").asText()).startsWith("urn:microseg:problem:");
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).isNotBlank();
        assertThat(p.get("code_number").asInt()).isEqualTo(ErrorCode.valueOf(code).number());
        if (field != null) {
            assertThat(p.get("errors").findValuesAsText("field")).as(r.toString()).contains(field);
        }
    }

    @org.junit.jupiter.api.Test
    void malformedJsonSaysWhere() {
        var r = http.post("/api/v1/group", t.admin(), "{\"name\": \"x\",\n \"policy_mode\": }");
        assertThat(r.json().get("detail").asText()).contains("line 2");
    }

    @org.junit.jupiter.api.Test
    void groupInUseNamesTheRules() {
        assertThat(http.post("/api/v1/policy", t.editor(), "{\"id\":3,\"from\":\"db\",\"to\":\"web\",\"action\":\"deny\"}").status()).isEqualTo(201);
        var r = http.delete("/api/v1/group/db", t.editor());
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("detail").asText()).contains("3, 7");
    }

    @org.junit.jupiter.api.Test
    void unknownGroupsAreNamedOnceEach() {
        var both = http.post("/api/v1/policy", t.editor(), "{\"id\":9,\"from\":\"ghost-a\",\"to\":\"ghost-b\",\"action\":\"allow\"}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().get("detail").asText()).isEqualTo(
                "unknown groups 'ghost-a', 'ghost-b'; create them first with POST /api/v1/group");
        var same = http.post("/api/v1/policy", t.editor(), "{\"id\":9,\"from\":\"ghost\",\"to\":\"ghost\",\"action\":\"allow\"}");
        assertThat(same.json().get("detail").asText()).isEqualTo("unknown group 'ghost'; create it first with POST /api/v1/group");
        assertThat(same.json().get("errors")).extracting(e -> e.get("field").asText()).containsExactly("from", "to");
    }
}
