package dev.microseg.dp.ctrl;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Lets at most {@code perWindow} lines through per window and counts the rest, so a flood of bad
 * datagrams cannot fill the disk. The first line after a suppressed stretch says how many were
 * suppressed. Thread-safe.
 */
final class RateLimitedLog {
    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Runnable onSuppressed;
    private long windowStart;
    private int used;
    private long suppressed;

    RateLimitedLog(Logger log, int perWindow, long windowNanos, LongSupplier clock, Runnable onSuppressed) {
        this.log = log;
        this.perWindow = perWindow;
        this.windowNanos = windowNanos;
        this.clock = clock;
        this.onSuppressed = onSuppressed;
        this.windowStart = clock.getAsLong();
    }

    /** Logs {@code line} (already key=value formatted) at warn level, unless over the budget. */
    void warn(String line) {
        long pending;
        synchronized (this) {
            long now = clock.getAsLong();
            if (now - windowStart >= windowNanos) {
                windowStart = now;
                used = 0;
            }
            if (used >= perWindow) {
                suppressed++;
                onSuppressed.run();
                return;
            }
            used++;
            pending = suppressed;
            suppressed = 0;
        }
        log.warn(pending == 0 ? line : line + " suppressed_before=" + pending);
    }
}
