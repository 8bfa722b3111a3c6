package dev.microseg.dp.session;

/**
 * A snapshot of the table's counters (summed over segments).
 *
 * @param inserts sessions created
 * @param lookups calls of {@code track}/{@code get}
 * @param hits lookups that found a live session
 * @param expirations sessions removed because they were idle past their timeout
 * @param evictions live sessions pushed out because the table was full
 * @param failures packets for which no session was created (a lone RST)
 */
public record SessionCounters(long inserts, long lookups, long hits, long expirations, long evictions,
                              long failures) {
}
