package dev.microseg.api.flow;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Which tier of the edge rollup answers which part of a window. The per-minute tier
 * ({@code flow_edges}) defines the semantics: a window {@code [from, to)} covers the minute
 * buckets {@code b} with {@code truncate(from) <= b < to}, i.e. {@code [truncate(from),
 * ceil(to))} in whole minutes. Every UTC hour lying wholly inside that range is read from the
 * hourly tier ({@code flow_edges_hourly}), whose rows are the sums of their sixty minute rows;
 * only the ragged minutes before the first and after the last whole hour come from the minute
 * tier. A one-hour window that does not start on the hour has no whole hour and reads minutes
 * only; a day's window reads ≤ 118 minute buckets and 23 or 24 hour buckets instead of 1,440
 * minute buckets.
 *
 * @param minutesFrom start of the leading minute range (inclusive)
 * @param hoursFrom   end of the leading minute range = start of the hourly range
 * @param hoursTo     end of the hourly range = start of the trailing minute range
 * @param minutesTo   end of the trailing minute range (exclusive)
 */
public record EdgeTiers(Instant minutesFrom, Instant hoursFrom, Instant hoursTo, Instant minutesTo) {
    private static final Duration HOUR = Duration.ofHours(1);

    public EdgeTiers {
        if (minutesFrom.isAfter(hoursFrom) || hoursFrom.isAfter(hoursTo) || hoursTo.isAfter(minutesTo)) {
            throw new IllegalArgumentException("ranges out of order: " + minutesFrom + " " + hoursFrom + " " + hoursTo + " " + minutesTo);
        }
    }

    /** The plan for a window; with {@code hourly} false everything comes from the minute tier. */
    public static EdgeTiers plan(TimeWindow w, boolean hourly) {
        Instant start = w.from().truncatedTo(ChronoUnit.MINUTES);
        Instant end = ceil(w.to(), ChronoUnit.MINUTES);
        if (hourly) {
            Instant h0 = ceil(start, ChronoUnit.HOURS);
            Instant h1 = end.truncatedTo(ChronoUnit.HOURS);
            if (h0.plus(HOUR).compareTo(h1) <= 0) {
                return new EdgeTiers(start, h0, h1, end);
            }
        }
        return new EdgeTiers(start, end, end, end);
    }

    /** Whole hours read from the hourly tier. */
    public long hours() {
        return Duration.between(hoursFrom, hoursTo).toHours();
    }

    private static Instant ceil(Instant t, ChronoUnit unit) {
        Instant down = t.truncatedTo(unit);
        return down.equals(t) ? t : down.plus(unit.getDuration());
    }
}
