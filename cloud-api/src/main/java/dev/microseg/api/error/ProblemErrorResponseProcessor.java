package dev.microseg.api.error;

import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns every error the framework itself produces (no route: 404, wrong method: 405, wrong
 * content type: 415, body over the size limit: 413, unreadable request: 400, unhandled
 * exception: 500) into an RFC 9457 problem, so the API never answers with HTML or bare text.
 */
@Singleton
@Primary
@Replaces(ErrorResponseProcessor.class)
public final class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> base) {
        Throwable cause = context.getRootCause().orElse(null);
        if (cause instanceof ApiException e) {
            return copyHeaders(base, ProblemResponses.of(e));
        }
        ErrorCode code = ErrorCode.forStatus(base.code());
        List<FieldError> errors = new ArrayList<>();
        StringBuilder detail = new StringBuilder();
        for (Error e : context.getErrors()) {
            if (!detail.isEmpty()) {
                detail.append("; ");
            }
            detail.append(e.getMessage());
            e.getPath().ifPresent(p -> errors.add(new FieldError(p, e.getMessage())));
        }
        String text = switch (code) {
            case INTERNAL -> "internal error; the server logged the details";
            case NOT_FOUND -> "no such resource: " + context.getRequest().getPath();
            case METHOD_NOT_ALLOWED -> context.getRequest().getMethodName() + " is not allowed on " + context.getRequest().getPath();
            case UNSUPPORTED_MEDIA_TYPE -> "send the body as application/json";
            case PAYLOAD_TOO_LARGE -> detail.isEmpty() ? "request body too large" : detail.toString();
            default -> detail.isEmpty() ? code.title() : detail.toString();
        };
        return copyHeaders(base, ProblemResponses.of(code, text, errors));
    }

    private static MutableHttpResponse<Problem> copyHeaders(MutableHttpResponse<?> base, MutableHttpResponse<Problem> out) {
        base.getHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Allow")) {
                values.forEach(v -> out.header(name, v));
            }
        });
        return out;
    }
}
