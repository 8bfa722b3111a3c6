package dev.microseg.dp.session;

/** What {@link SessionTable#track} did with the packet. */
public enum TrackOutcome {
    /** A new session was created (also when an expired one with the same tuple was replaced). */
    CREATED,
    /** An existing session was found and updated. */
    EXISTING,
    /** A SYN reused the tuple of a closed TCP session: the old one ended, a new one began. */
    REOPENED,
    /** No session exists and this packet does not start one (a lone TCP RST). */
    NOT_CREATED
}
