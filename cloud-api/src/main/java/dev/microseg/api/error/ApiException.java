package dev.microseg.api.error;

import dev.microseg.model.InvalidFieldException;

import java.util.List;

/** A failure to report to the client as an RFC 9457 problem. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient List<FieldError> errors;

    public ApiException(ErrorCode code, String detail, List<FieldError> errors) {
        super(detail);
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public ApiException(ErrorCode code, String detail) {
        this(code, detail, List.of());
    }

    /** A problem naming one field. */
    public static ApiException field(ErrorCode code, String field, String reason) {
        return new ApiException(code, field + ": " + reason, List.of(new FieldError(field, reason)));
    }

    /** A domain validation failure, optionally nested under a parent path. */
    public static ApiException invalid(InvalidFieldException e) {
        return field(ErrorCode.INVALID_FIELD, e.field(), e.reason());
    }

    public static ApiException notFound(String what) {
        return new ApiException(ErrorCode.NOT_FOUND, what + " does not exist");
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
