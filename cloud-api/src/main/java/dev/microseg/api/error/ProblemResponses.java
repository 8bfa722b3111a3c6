package dev.microseg.api.error;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

import java.util.List;

/** Builds {@code application/problem+json} responses. */
public final class ProblemResponses {
    public static final MediaType PROBLEM_JSON = MediaType.of(Problem.MEDIA_TYPE);

    private ProblemResponses() {
    }

    public static MutableHttpResponse<Problem> of(ErrorCode code, String detail, List<FieldError> errors) {
        MutableHttpResponse<Problem> r = HttpResponse.<Problem>status(code.status())
                .body(Problem.of(code, detail, errors))
                .contentType(PROBLEM_JSON);
        if (code == ErrorCode.UNAUTHENTICATED) {
            r.header("WWW-Authenticate", "Bearer realm=\"microseg\"");
        }
        return r;
    }

    public static MutableHttpResponse<Problem> of(ApiException e) {
        return of(e.code(), e.getMessage(), e.errors());
    }
}
