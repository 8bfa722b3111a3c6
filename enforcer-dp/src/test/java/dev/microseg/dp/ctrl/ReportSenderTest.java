package dev.microseg.dp.ctrl;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.microseg.dp.protocol.ConnectionReport;
import dev.microseg.dp.protocol.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report stream's logging against a real agent socket that is absent or keeps going away: a
 * budget of lines per window, the rest counted; no reconnection per report after a failed write.
 */
class ReportSenderTest {
    private static final long RECONNECT = Duration.ofSeconds(1).toNanos();
    private static final long WINDOW = Duration.ofSeconds(60).toNanos();
    private static final int BUDGET = 3;

    @TempDir
    Path dir;
    private final ControlCounters counters = new ControlCounters();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private long clock;
    private ReportSender sender;

    @BeforeEach
    void start() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(ReportSender.class)).addAppender(logs);
        sender = new ReportSender(dir.resolve("agent.sock"), counters, RECONNECT, () -> clock, BUDGET, WINDOW);
    }

    @AfterEach
    void stop() {
        sender.close();
        ((Logger) LoggerFactory.getLogger(ReportSender.class)).detachAppender(logs);
    }

    private AFUNIXDatagramChannel bindAgent() throws Exception {
        Files.deleteIfExists(dir.resolve("agent.sock"));
        AFUNIXDatagramChannel a = AFUNIXDatagramChannel.open();
        a.bind(AFUNIXSocketAddress.of(dir.resolve("agent.sock")));
        return a;
    }

    @Test
    void anAbsentAgentIsLoggedOnceHoweverManyReportsAreDropped() {
        ConnectionReport r = new ConnectionReport(Samples.connections(1));
        for (int i = 0; i < 1000; i++) {
            assertThat(sender.send(r)).isFalse();
            clock += RECONNECT;
        }
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("event=report_socket_absent");
        assertThat(counters.get(ControlCounters.Name.REPORTS_DROPPED)).isEqualTo(1000);
    }

    @Test
    void anAgentThatKeepsGoingAwayFillsOnlyTheLogBudget() throws Exception {
        ConnectionReport r = new ConnectionReport(Samples.connections(1));
        int cycles = 50;
        for (int i = 0; i < cycles; i++) {
            try (AFUNIXDatagramChannel agent = bindAgent()) {
                assertThat(sender.send(r)).as("cycle %d: the agent is there", i).isTrue();
            }
            assertThat(sender.send(r)).as("cycle %d: the agent went away", i).isFalse();
            assertThat(sender.send(r)).as("no reconnection within the interval").isFalse();
            clock += RECONNECT;
        }
        assertThat(logs.list).hasSize(BUDGET);
        assertThat(counters.get(ControlCounters.Name.LOG_SUPPRESSED)).isEqualTo(2L * cycles - BUDGET);
        assertThat(counters.get(ControlCounters.Name.REPORTS_SENT)).isEqualTo(cycles);

        clock += WINDOW;
        try (AFUNIXDatagramChannel agent = bindAgent()) {
            sender.send(r);
        }
        sender.send(r);
        assertThat(logs.list.get(BUDGET).getFormattedMessage()).as("the next window says how many were left out")
                .contains("suppressed_before=" + (2L * cycles - BUDGET));
    }
}
