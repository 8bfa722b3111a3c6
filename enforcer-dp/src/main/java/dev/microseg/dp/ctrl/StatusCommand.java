package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.ReportDecodeException;
import dev.microseg.dp.protocol.SocketPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code microseg-dp status}: asks a running dp for its counters ({@code ctrl_stats}) and prints one
 * {@code name value} line each. A subcommand for the dp's picocli entry point; exit code 0 when the dp
 * answered, 1 when it did not.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print the counters of the microseg-dp listening on the control socket.")
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", defaultValue = SocketPaths.DP_CONTROL, description = "dp control socket (default: ${DEFAULT-VALUE})")
    Path socket;

    @Option(names = "--timeout-ms", defaultValue = "2000", description = "how long to wait for the answer (default: ${DEFAULT-VALUE})")
    long timeoutMillis;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Long> counters;
        try {
            counters = ControlClient.queryStats(socket, Duration.ofMillis(timeoutMillis));
        } catch (IOException | TimeoutException | ReportDecodeException e) {
            err.println("microseg-dp status: no counters from the dp at " + socket + ": " + e.getMessage()
                    + " (is microseg-dp running, and are you root?)");
            err.flush();
            return 1;
        }
        int width = counters.keySet().stream().mapToInt(String::length).max().orElse(0);
        counters.forEach((name, value) -> out.printf("%-" + width + "s %d%n", name, value));
        out.flush();
        return 0;
    }
}
