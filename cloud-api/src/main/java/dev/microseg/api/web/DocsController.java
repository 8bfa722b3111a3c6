package dev.microseg.api.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI document generated at compile time by micronaut-openapi, and a browsable Swagger
 * UI whose scripts come from the micronaut-openapi jar (served under /api/v1/docs/res/), so it
 * works with no network access.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
public class DocsController {
    static final String SPEC = "META-INF/swagger/openapi.yml";
    private final byte[] spec;

    public DocsController() {
        try (InputStream in = DocsController.class.getClassLoader().getResourceAsStream(SPEC)) {
            if (in == null) {
                throw new IllegalStateException(SPEC + " missing: the build did not run micronaut-openapi");
            }
            spec = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(uri = "/api/v1/openapi.yml", produces = "application/yaml")
    public HttpResponse<String> spec() {
        return HttpResponse.ok(new String(spec, StandardCharsets.UTF_8)).contentType("application/yaml");
    }

    @Get(uri = "/api/v1/docs", produces = MediaType.TEXT_HTML)
    public HttpResponse<?> docs() {
        return HttpResponse.redirect(URI.create("/api/v1/docs/index.html"));
    }
}
