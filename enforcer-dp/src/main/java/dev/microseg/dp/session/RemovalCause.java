package dev.microseg.dp.session;

/** Why a session left the table, as told to the {@link SessionListener}. */
public enum RemovalCause {
    /** Idle past its protocol/state timeout (found by a sweep or when its slot was needed). */
    EXPIRED,
    /** Pushed out to make room while the table was full. */
    EVICTED,
    /** A new connection reused the 5-tuple of a closed TCP session (port reuse). */
    REPLACED,
    /** Removed by the engine. */
    REMOVED
}
