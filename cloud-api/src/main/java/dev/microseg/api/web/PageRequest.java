package dev.microseg.api.web;

import dev.microseg.api.error.ApiException;
import dev.microseg.api.error.ErrorCode;

/** {@code limit} and decoded {@code cursor} of a list request. */
public record PageRequest(int limit, String after) {
    public static final int DEFAULT_LIMIT = 100;
    /** Bound on one page; bigger pages cost the server memory without helping any client. */
    public static final int MAX_LIMIT = 1000;

    public static PageRequest of(Integer limit, String cursor) {
        int l = limit == null ? DEFAULT_LIMIT : limit;
        if (l < 1 || l > MAX_LIMIT) {
            throw ApiException.field(ErrorCode.INVALID_QUERY, "limit", "must be between 1 and " + MAX_LIMIT);
        }
        return new PageRequest(l, Cursor.decode(cursor));
    }

    /** Rows to fetch: one more than the page, to learn whether a next page exists. */
    public int fetch() {
        return limit + 1;
    }
}
