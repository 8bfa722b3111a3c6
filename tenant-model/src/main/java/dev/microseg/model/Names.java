package dev.microseg.model;

import java.util.regex.Pattern;

/** Shared rules for names people give to objects (groups, tenants, nodes). */
public final class Names {
    /** Long enough for Kubernetes-style names (253, RFC 1123 subdomain) and short enough to index. */
    public static final int MAX_NAME_LENGTH = 253;
    /** Comments are free text shown in the console; bounded so a body cannot bloat a row. */
    public static final int MAX_COMMENT_LENGTH = 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._:-]*[A-Za-z0-9])?");

    private Names() {
    }

    /** Checks an object name: letters, digits, {@code . _ : -}, starting and ending alphanumeric. */
    public static String requireName(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, "must not be empty");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new InvalidFieldException(field, "must be at most " + MAX_NAME_LENGTH + " characters");
        }
        if (!NAME.matcher(value).matches()) {
            throw new InvalidFieldException(field,
                    "'" + value + "' may contain only letters, digits, '.', '_', ':' and '-', and must start and end with a letter or digit");
        }
        return value;
    }

    /** Normalises an optional comment: null becomes empty; longer than the bound is rejected. */
    public static String comment(String field, String value) {
        if (value == null) {
            return "";
        }
        if (value.length() > MAX_COMMENT_LENGTH) {
            throw new InvalidFieldException(field, "must be at most " + MAX_COMMENT_LENGTH + " characters");
        }
        return value;
    }
}
