package dev.microseg.api.error;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Error codes are a public contract: numbers are unique and never change. */
class ErrorCodeTest {
    @Test
    void numbersArePinnedAndUnique() {
        Map<String, Integer> pinned = new LinkedHashMap<>();
        String[] names = {"MALFORMED_JSON", "UNKNOWN_FIELD", "MISSING_FIELD", "WRONG_TYPE", "INVALID_FIELD", "UNKNOWN_GROUP",
            "ALREADY_EXISTS", "GROUP_IN_USE", "NOT_FOUND", "UNAUTHENTICATED", "FORBIDDEN", "METHOD_NOT_ALLOWED",
            "UNSUPPORTED_MEDIA_TYPE", "PAYLOAD_TOO_LARGE", "INVALID_QUERY", "NOT_ACCEPTABLE", "BAD_REQUEST", "CONFLICT",
            "UNAVAILABLE", "INTERNAL", "REVISION_TOO_OLD"};
        for (int i = 0; i < names.length; i++) {
            pinned.put(names[i], i + 1);
        }
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(pinned.get(c.name())).as("new codes take new numbers; %s", c).isEqualTo(c.number());
        }
        assertThat(Arrays.stream(ErrorCode.values()).mapToInt(ErrorCode::number).distinct().count()).isEqualTo(ErrorCode.values().length);
        assertThat(ErrorCode.CONFLICT.retryable()).isTrue();
        assertThat(ErrorCode.UNKNOWN_GROUP.retryable()).isFalse();
        assertThat(ErrorCode.UNKNOWN_GROUP.type()).isEqualTo("urn:microseg:problem:unknown-group");
    }
}
