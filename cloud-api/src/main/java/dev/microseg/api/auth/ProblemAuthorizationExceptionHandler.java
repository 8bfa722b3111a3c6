package dev.microseg.api.auth;

import dev.microseg.api.error.ErrorCode;
import dev.microseg.api.error.Problem;
import dev.microseg.api.error.ProblemResponses;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import jakarta.inject.Singleton;

import java.util.List;

/** 401 (no or bad token) and 403 (role too low) as problems instead of bare statuses. */
@Singleton
@Produces(Problem.MEDIA_TYPE)
@Replaces(DefaultAuthorizationExceptionHandler.class)
public class ProblemAuthorizationExceptionHandler implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {
    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException e) {
        if (e.isForbidden()) {
            return ProblemResponses.of(ErrorCode.FORBIDDEN,
                    "your API key's role does not allow " + request.getMethodName() + " " + request.getPath(), List.of());
        }
        boolean sent = request.getHeaders().getAuthorization().isPresent();
        return ProblemResponses.of(ErrorCode.UNAUTHENTICATED, sent
                ? "the bearer token is not valid (unknown, revoked or expired key)"
                : "send an API key as 'Authorization: Bearer <token>'", List.of());
    }
}
