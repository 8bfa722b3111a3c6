package dev.microseg.dp.testing;

import java.time.Duration;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Waiting on a condition with a deadline (never a bare sleep as synchronisation). */
public final class Await {
    private static final long POLL_NANOS = 5_000_000;

    private Await() {
    }

    /** Polls {@code value} until {@code done} holds or {@code timeout} passes; returns the last value. */
    public static long until(LongSupplier value, LongPredicate done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long v = value.getAsLong();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(Duration.ofNanos(POLL_NANOS));
            v = value.getAsLong();
        }
        return v;
    }

    /** Polls until {@code condition} is true; returns whether it became true before the deadline. */
    public static boolean condition(Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(Duration.ofNanos(POLL_NANOS));
        }
        return true;
    }
}
