package dev.microseg.dp.session;

/**
 * Told about every session that leaves the table, so the engine can report the connection's
 * last counters. Called with the segment's lock held: keep it short and do not call back into
 * the table for another session. The view is reused after the call returns.
 */
@FunctionalInterface
public interface SessionListener {
    SessionListener NONE = (session, cause) -> { };

    void removed(SessionView session, RemovalCause cause);
}
