package dev.microseg.api.web;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.annotation.PreMatching;

/**
 * Reads a body that {@code curl -d '{...}'} labels {@code application/x-www-form-urlencoded}
 * (curl's default when no {@code Content-Type} is given) as the JSON it is, by relabelling it
 * {@code application/json} before the route is matched. The endpoints themselves consume only
 * {@code application/json}, so that is all the OpenAPI document promises; this is leniency for
 * people typing the examples, not a second format: nothing here parses form fields, and a body
 * that is not JSON gets the usual {@code MALFORMED_JSON} problem.
 */
@ServerFilter("/api/v1/**")
public class FormLabelledJson {

    @PreMatching
    @RequestFilter
    public void relabel(MutableHttpRequest<?> request) {
        HttpMethod m = request.getMethod();
        if ((m == HttpMethod.POST || m == HttpMethod.PUT)
                && request.getContentType().filter(t -> t.matches(MediaType.APPLICATION_FORM_URLENCODED_TYPE)).isPresent()) {
            request.contentType(MediaType.APPLICATION_JSON_TYPE);
        }
    }
}
