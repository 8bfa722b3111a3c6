package dev.microseg.dp.ctrl;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Lets at most {@code perWindow} lines through per window and counts the rest, so a flood of bad
 * datagrams, or a failure that repeats every loop turn, cannot fill the disk. The first line
 * after a suppressed stretch says how many were suppressed. Thread-safe.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Runnable onSuppressed;
    private long windowStart;
    private int used;
    private long suppressed;

    /**
     * @param clock        nanoseconds ({@code System::nanoTime}; tests pass their own)
     * @param onSuppressed called for every line left out (a counter)
     */
    public RateLimitedLog(Logger log, int perWindow, long windowNanos, LongSupplier clock, Runnable onSuppressed) {
        if (perWindow < 1 || windowNanos < 1) {
            throw new IllegalArgumentException("perWindow and windowNanos must be positive");
        }
        this.log = log;
        this.perWindow = perWindow;
        this.windowNanos = windowNanos;
        this.clock = clock;
        this.onSuppressed = onSuppressed;
        this.windowStart = clock.getAsLong();
    }

    /** Logs {@code line} (already key=value formatted) at info level, unless over the budget. */
    public void info(String line) {
        log(Level.INFO, line, null);
    }

    /** Logs {@code line} (already key=value formatted) at warn level, unless over the budget. */
    public void warn(String line) {
        log(Level.WARN, line, null);
    }

    /** Logs {@code line} and its cause at error level, unless over the budget. */
    public void error(String line, Throwable cause) {
        log(Level.ERROR, line, cause);
    }

    private void log(Level level, String line, Throwable cause) {
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
        String text = pending == 0 ? line : line + " suppressed_before=" + pending;
        log.atLevel(level).setCause(cause).log(text);
    }
}
