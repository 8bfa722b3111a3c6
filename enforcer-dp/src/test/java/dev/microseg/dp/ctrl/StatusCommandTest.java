package dev.microseg.dp.ctrl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code microseg-dp status} against a real control socket, and against none. */
class StatusCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        return new CommandLine(new StatusCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void printsTheDpCounters() throws Exception {
        Path sock = dir.resolve("dp.sock");
        try (ControlServer server = ControlServer.start(ControlServerConfig.of(sock, dir.resolve("agent.sock")), new RecordingHandler())) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(run(out, err, "--socket", sock.toString())).isZero();
            assertThat(out.toString()).containsPattern("(?m)^ctrl\\.rx_datagrams +1$").containsPattern("(?m)^engine\\.applied +0$");
            assertThat(err.toString()).isEmpty();
        }
    }

    @Test
    void failsClearlyWithoutADp() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "--socket", dir.resolve("none.sock").toString(), "--timeout-ms", "200")).isEqualTo(1);
        assertThat(err.toString()).startsWith("microseg-dp status: no counters from the dp at " + dir.resolve("none.sock"));
        assertThat(out.toString()).isEmpty();
    }
}
