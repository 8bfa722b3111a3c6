package dev.microseg.model.flow;

import java.util.Locale;

/** What the data plane did with a connection. */
public enum Verdict {
    /** A rule allowed it. */
    ALLOWED,
    /** No rule allowed it (or a deny rule matched) and the workload is in Monitor: passed, reported. */
    VIOLATION,
    /** No rule allowed it (or a deny rule matched) and the workload is in Protect: dropped. */
    DENIED;

    /** API spelling: {@code allowed}, {@code violation}, {@code denied}. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Verdict parse(String s) {
        for (Verdict v : values()) {
            if (v.token().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return v;
            }
        }
        throw new dev.microseg.model.InvalidFieldException("verdict",
                "must be 'allowed', 'violation' or 'denied'" + (s == null ? "" : ", not '" + s + "'"));
    }
}
