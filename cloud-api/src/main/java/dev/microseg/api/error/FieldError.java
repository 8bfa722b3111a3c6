package dev.microseg.api.error;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One offending field of a request: a path into the body ({@code ports},
 * {@code criteria[1].value}) or a query parameter name, and why it was rejected.
 */
@Serdeable
public record FieldError(String field, String reason) {
}
