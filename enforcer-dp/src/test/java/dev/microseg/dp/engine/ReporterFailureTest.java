package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackEntry;
import dev.microseg.dp.conntrack.ConntrackTuple;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reporter whose every turn fails keeps running, counts each failure and logs only the first
 * few per window ({@link Reporter#FAILURE_LOGS_PER_WINDOW}); the rest are counted as suppressed.
 */
class ReporterFailureTest {
    private static Engine engine() {
        return new Engine(EngineConfig.of(true), new KernelRules() {
            @Override
            public void setWorkloads(Collection<InetAddress> addresses) {
            }

            @Override
            public void setFailOpen(boolean failOpen) {
            }
        }, AppIdentifier.NONE);
    }

    /** A conntrack port whose event poll fails: with a bug ({@code bug}) or an I/O error. */
    private static ConntrackPort failing(boolean bug) {
        return new ConntrackPort() {
            @Override
            public List<ConntrackEntry> dumpByMark(int mark, int mask) {
                return List.of();
            }

            @Override
            public boolean setMark(ConntrackTuple tuple, int mark, int mask) {
                return false;
            }

            @Override
            public int pollDestroyed(Consumer<ConntrackEntry> c) throws IOException {
                if (bug) {
                    throw new IllegalStateException("a bug in the event path");
                }
                throw new IOException("receiving conntrack events: EBADF");
            }

            @Override
            public long eventsLost() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aTurnThatThrowsIsCountedAndLoggedRateLimited() {
        Engine e = engine();
        Reporter r = e.createReporter(failing(true));
        int turns = 200;
        for (int i = 0; i < turns; i++) {
            assertThat(r.turn()).isFalse();
        }
        assertThat(e.counters()).containsEntry("report.step_failures", (long) turns)
                .containsEntry("report.log_suppressed", (long) turns - Reporter.FAILURE_LOGS_PER_WINDOW);
    }

    @Test
    void aConntrackThatKeepsFailingIsCountedAndLoggedRateLimited() {
        Engine e = engine();
        Reporter r = e.createReporter(failing(false));
        int turns = 8;
        for (int i = 0; i < turns; i++) {
            assertThat(r.turn()).as("an I/O error is handled within the turn").isTrue();
        }
        assertThat(e.counters()).containsEntry("ct.errors", (long) turns)
                .containsEntry("report.log_suppressed", (long) turns - Reporter.FAILURE_LOGS_PER_WINDOW);
    }
}
