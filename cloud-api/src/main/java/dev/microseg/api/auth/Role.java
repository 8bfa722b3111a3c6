package dev.microseg.api.auth;

import dev.microseg.model.InvalidFieldException;

import java.util.List;
import java.util.Locale;

/**
 * What a caller may do. Roles nest: an editor can do everything a viewer can, an admin
 * everything an editor can. Endpoints name the least role they need ({@link #VIEWER_ROLE} for
 * reads, {@link #EDITOR_ROLE} for group and policy changes, {@link #ADMIN_ROLE} for API keys and
 * restore), and an authentication carries its role plus every role below it.
 */
public enum Role {
    VIEWER, EDITOR, ADMIN;

    public static final String VIEWER_ROLE = "viewer";
    public static final String EDITOR_ROLE = "editor";
    public static final String ADMIN_ROLE = "admin";

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This role and every role it includes, as micronaut-security role names. */
    public List<String> granted() {
        return switch (this) {
            case VIEWER -> List.of(VIEWER_ROLE);
            case EDITOR -> List.of(EDITOR_ROLE, VIEWER_ROLE);
            case ADMIN -> List.of(ADMIN_ROLE, EDITOR_ROLE, VIEWER_ROLE);
        };
    }

    public static Role parse(String field, String s) {
        if (s != null) {
            for (Role r : values()) {
                if (r.token().equals(s.strip().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
        }
        throw new InvalidFieldException(field, "must be admin, editor or viewer" + (s == null ? "" : ", not '" + s + "'"));
    }
}
