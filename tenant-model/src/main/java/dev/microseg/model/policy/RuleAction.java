package dev.microseg.model.policy;

import dev.microseg.model.InvalidFieldException;

import java.util.Locale;

/** What a rule does with the traffic it matches. */
public enum RuleAction {
    ALLOW,
    DENY;

    /** The word used in the API: {@code allow} or {@code deny}. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RuleAction parse(String field, String value) {
        if (value != null) {
            for (RuleAction a : values()) {
                if (a.token().equalsIgnoreCase(value.strip())) {
                    return a;
                }
            }
        }
        throw new InvalidFieldException(field, "must be 'allow' or 'deny'" + (value == null ? "" : ", not '" + value + "'"));
    }
}
