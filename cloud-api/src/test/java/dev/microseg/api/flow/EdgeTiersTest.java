package dev.microseg.api.flow;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Which parts of a window each rollup tier answers: whole UTC hours from the hourly tier, the rest from minutes. */
class EdgeTiersTest {

    static Stream<Arguments> windows() {
        return Stream.of(
                // name, from, to, minutesFrom, hoursFrom, hoursTo, minutesTo
                arguments("one unaligned hour has no whole hour", "10:17:30", "11:17:30", "10:17", "11:18", "11:18", "11:18"),
                arguments("one aligned hour is one hour bucket", "10:00:00", "11:00:00", "10:00", "10:00", "11:00", "11:00"),
                arguments("to on a minute is exclusive", "10:00:00", "11:00:00.000000001", "10:00", "10:00", "11:00", "11:01"),
                arguments("ragged both ends", "09:59:59", "13:00:01", "09:59", "10:00", "13:00", "13:01"),
                arguments("start mid-minute rounds down", "10:00:40", "12:00:00", "10:00", "10:00", "12:00", "12:00"),
                arguments("a day from a quarter past", "2026-11-20T10:15:00", "11:15:00", "2026-11-20T10:15", "2026-11-20T11:00",
                        "11:00", "11:15"),
                arguments("under an hour", "10:05:00", "10:35:00", "10:05", "10:35", "10:35", "10:35"),
                arguments("two hours straddling one whole hour", "10:30:00", "12:30:00", "10:30", "11:00", "12:00", "12:30"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void plansTheTiers(String name, String from, String to, String mFrom, String hFrom, String hTo, String mTo) {
        EdgeTiers plan = EdgeTiers.plan(new TimeWindow(at(from), at(to)), true);
        assertThat(plan).isEqualTo(new EdgeTiers(at(mFrom), at(hFrom), at(hTo), at(mTo)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void withoutTheHourlyTierEverythingIsMinutes(String name, String from, String to, String mFrom, String hFrom, String hTo, String mTo) {
        EdgeTiers plan = EdgeTiers.plan(new TimeWindow(at(from), at(to)), false);
        assertThat(plan.minutesFrom()).isEqualTo(at(mFrom));
        assertThat(plan.minutesTo()).isEqualTo(at(mTo));
        assertThat(plan.hours()).isZero();
        assertThat(plan.hoursFrom()).isEqualTo(plan.minutesTo());
    }

    /** {@code HH:MM[:SS[.n]]} on 2026-11-21 (UTC), or a full local date-time. */
    private static Instant at(String s) {
        String full = s.contains("T") ? s : "2026-11-21T" + s;
        return Instant.parse(full.length() == 16 ? full + ":00Z" : full + "Z");
    }
}
