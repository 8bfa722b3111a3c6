package dev.microseg.api.web;

import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque keyset cursors: base64url of {@code v1:} plus the sort key of the last item seen. A
 * keyset (rather than an offset) keeps pages stable when rows are inserted meanwhile: nothing
 * already listed repeats, nothing that existed is skipped.
 */
public final class Cursor {
    private static final String VERSION = "v1:";

    private Cursor() {
    }

    public static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + key).getBytes(StandardCharsets.UTF_8));
    }

    /** The key inside a cursor, or null when no cursor was given. */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (s.startsWith(VERSION)) {
                return s.substring(VERSION.length());
            }
        } catch (IllegalArgumentException e) {
            // fall through to the problem below
        }
        throw ApiException.field(ErrorCode.INVALID_QUERY, "cursor", "not a cursor this API returned; pass next_cursor back unchanged");
    }
}
