package dev.microseg.api.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * Prometheus text exposition at {@code /metrics}: HTTP server timers, the Hikari pool, JVM.
 * Unauthenticated, like {@code /health}; expose it only where the scraper can reach it.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
@Hidden
public class MetricsController {
    private final PrometheusMeterRegistry registry;

    public MetricsController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get(uri = "/metrics", produces = "text/plain; version=0.0.4; charset=utf-8")
    public HttpResponse<String> scrape() {
        return HttpResponse.ok(registry.scrape()).contentType("text/plain; version=0.0.4; charset=utf-8");
    }
}
