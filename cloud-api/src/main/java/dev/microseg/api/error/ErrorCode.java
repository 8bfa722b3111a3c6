package dev.microseg.api.error;

import io.micronaut.http.HttpStatus;

import java.util.Locale;

/**
 * Every failure the API reports, with a stable number that is never reused or renumbered (new
 * failures take new numbers), the HTTP status, the matching gRPC status name for the node
 * channel, and whether retrying the same request can help. Modelled on Kafka's
 * {@code common/protocol/Errors.java}.
 */
public enum ErrorCode {
    MALFORMED_JSON(1, HttpStatus.BAD_REQUEST, "INVALID_ARGUMENT", false, "Malformed JSON"),
    UNKNOWN_FIELD(2, HttpStatus.BAD_REQUEST, "INVALID_ARGUMENT", false, "Unknown field"),
    MISSING_FIELD(3, HttpStatus.BAD_REQUEST, "INVALID_ARGUMENT", false, "Missing field"),
    WRONG_TYPE(4, HttpStatus.BAD_REQUEST, "INVALID_ARGUMENT", false, "Wrong type"),
    INVALID_FIELD(5, HttpStatus.BAD_REQUEST, "INVALID_ARGUMENT", false, "Invalid field"),
    UNKNOWN_GROUP(6, HttpStatus.BAD_REQUEST, "FAILED_PRECONDITION", false, "Unknown group"),
    ALREADY_EXISTS(7, HttpStatus.CONFLICT, "ALREADY_EXISTS", false, "Already exists"),
    GROUP_IN_USE(8, HttpStatus.CONFLICT, "FAILED_PRECONDITION", false, "Group in use"),
    NOT_FOUND(9, HttpStatus.NOT_FOUND, "NOT_FOUND", false, "Not found"),
    UNAUTHENTICATED(10, HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", false, "Unauthenticated"),
    FORBIDDEN(11, HttpStatus.FORBIDDEN, "PERMISSION_DENIED", false, "Forbidden"),
    METHOD_NOT_ALLOWED(12, HttpStatus.METHOD_NOT_ALLOWED, "UNIMPLEMENTED", false, "Method not allowed"),
    UNSUPPORTED_MEDIA_TYPE(13, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "INVALID_ARGUMENT", false, "Unsupported media type"),
    PAYLOAD_TOO_LARGE(14, HttpStatus.REQUEST_ENTITY_TOO_LARGE, "RESOURCE_EXHAUSTED", false, "Payload too large"),
    INVALID_QUERY(15, HttpStatus.BAD_REQUEST, "INVALID_ARGUMENT", false, "Invalid query parameter"),
    NOT_ACCEPTABLE(16, HttpStatus.NOT_ACCEPTABLE, "INVALID_ARGUMENT", false, "Not acceptable"),
    BAD_REQUEST(17, HttpStatus.BAD_REQUEST, "INVALID_ARGUMENT", false, "Bad request"),
    CONFLICT(18, HttpStatus.CONFLICT, "ABORTED", true, "Conflict"),
    UNAVAILABLE(19, HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", true, "Service unavailable"),
    INTERNAL(20, HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL", true, "Internal error"),
    REVISION_TOO_OLD(21, HttpStatus.BAD_REQUEST, "FAILED_PRECONDITION", false, "Revision too old");

    private final int number;
    private final HttpStatus status;
    private final String grpcStatus;
    private final boolean retryable;
    private final String title;

    ErrorCode(int number, HttpStatus status, String grpcStatus, boolean retryable, String title) {
        this.number = number;
        this.status = status;
        this.grpcStatus = grpcStatus;
        this.retryable = retryable;
        this.title = title;
    }

    public int number() {
        return number;
    }

    public HttpStatus status() {
        return status;
    }

    /** Name of the {@code io.grpc.Status.Code} the node channel answers with. */
    public String grpcStatus() {
        return grpcStatus;
    }

    public boolean retryable() {
        return retryable;
    }

    public String title() {
        return title;
    }

    /** The problem {@code type} URI: {@code urn:microseg:problem:unknown-group}. */
    public String type() {
        return "urn:microseg:problem:" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The code used when only an HTTP status is known (errors raised by the framework). */
    public static ErrorCode forStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 503 -> UNAVAILABLE;
            default -> status >= 500 ? INTERNAL : BAD_REQUEST;
        };
    }
}
