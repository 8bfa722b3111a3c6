package dev.microseg.dp.session;

/** The engine's decision state for a session; stored in 3 bits of the session's meta word. */
public enum Verdict {
    /** No decision yet: the classifier has not run for this session. */
    UNDECIDED,
    /** A rule (or the default action) allows the connection. */
    ALLOWED,
    /** A rule (or the default action) denies the connection: packets are dropped. */
    DENIED,
    /** Monitor mode: what Protect would deny passes and is reported as a violation. */
    VIOLATION,
    /** The best rule depends on the application; DPI is still inspecting. */
    PENDING_APPLICATION;

    private static final Verdict[] VALUES = values();

    static Verdict of(int ordinal) {
        return VALUES[ordinal];
    }
}
