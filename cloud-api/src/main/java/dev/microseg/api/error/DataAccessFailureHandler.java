package dev.microseg.api.error;

import dev.microseg.api.db.DataAccessFailure;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Database failures no store turned into a domain answer: serialization failures and
 * deadlocks are retryable conflicts, lost connections are 503, anything else is a logged 500.
 */
@Singleton
@Produces(Problem.MEDIA_TYPE)
public final class DataAccessFailureHandler implements ExceptionHandler<DataAccessFailure, HttpResponse<Problem>> {
    private static final Logger LOG = LoggerFactory.getLogger(DataAccessFailureHandler.class);

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, DataAccessFailure e) {
        String state = e.sqlState() == null ? "" : e.sqlState();
        if (state.equals("40001") || state.equals("40P01")) {
            return ProblemResponses.of(ErrorCode.CONFLICT, "a concurrent change got in the way; retry the request", List.of());
        }
        if (state.startsWith("08")) {
            LOG.warn("database unavailable method={} path={} sqlstate={}", request.getMethodName(), request.getPath(), state);
            return ProblemResponses.of(ErrorCode.UNAVAILABLE, "the database is unavailable; retry later", List.of());
        }
        LOG.error("database error method={} path={} sqlstate={}", request.getMethodName(), request.getPath(), state, e);
        return ProblemResponses.of(ErrorCode.INTERNAL, "internal error; the server logged the details", List.of());
    }
}
