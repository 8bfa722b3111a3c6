package dev.microseg.dp.session;

/**
 * Called for each live session by {@link SessionTable#forEach}, with that session's segment
 * locked: it may call the table's setters ({@code decide}, {@code setApplication}, ...) with
 * {@link SessionView#key()}, which do not move entries, but must not remove sessions.
 */
@FunctionalInterface
public interface SessionVisitor {
    void visit(SessionView session);
}
