package dev.microseg.dp;

import dev.microseg.dp.ctrl.StatusCommand;
import dev.microseg.dp.engine.Dataplane;
import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.SocketPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Entry point of the {@code microseg-dp} process (docs/dp.md): runs the data plane until SIGTERM
 * or SIGINT, prints its counters on SIGUSR1; {@code microseg-dp status} asks a running one for
 * its counters.
 *
 * <pre>
 * microseg-dp --ctrl-socket PATH --report-socket PATH --queues N --fail-open|--fail-closed
 *             [--netns NAME] [--no-offload] [--no-kernel-allow-cache] [--max-sessions N] [--queue-cpu-fanout]
 * microseg-dp status [--socket PATH]
 * </pre>
 */
@Command(name = "microseg-dp", mixinStandardHelpOptions = true, subcommands = StatusCommand.class,
        description = "The microseg data plane: NFQUEUE interception, sessions, policy, verdicts, reports.")
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Exit code when the dp could not start. */
    static final int EXIT_START_FAILED = 1;
    /** Exit code when a running dp stopped because a part of it failed ({@code Dataplane#failure()}). */
    static final int EXIT_FAILED = 3;

    @Option(names = "--ctrl-socket", defaultValue = SocketPaths.DP_CONTROL,
            description = "control socket the dp binds (default: ${DEFAULT-VALUE})")
    Path ctrlSocket;

    @Option(names = "--report-socket", defaultValue = SocketPaths.AGENT_REPORTS,
            description = "the agent's socket reports are sent to (default: ${DEFAULT-VALUE})")
    Path reportSocket;

    @Option(names = "--queues", defaultValue = "1", description = "NFQUEUE queues, one thread each (default: ${DEFAULT-VALUE})")
    int queues;

    @Option(names = "--first-queue", defaultValue = "0", description = "first queue number (default: ${DEFAULT-VALUE})")
    int firstQueue;

    /** Required to run the dp, so optional for picocli: {@code status} must not need it. */
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    FailMode failMode;

    static final class FailMode {
        @Option(names = "--fail-open", required = true,
                description = "traffic passes when the dp is not running (--queue-bypass) or cannot decide")
        boolean open;

        @Option(names = "--fail-closed", required = true,
                description = "traffic to workloads is dropped when the dp is not running or cannot decide")
        boolean closed;
    }

    @Option(names = "--netns", description = "work in this named network namespace (/run/netns/NAME)")
    String netns;

    @Option(names = "--no-offload", description = "keep every packet in user space (benchmarks; DPI)")
    boolean noOffload;

    @Option(names = "--no-kernel-allow-cache",
            description = "send every new connection to the queue, even one matching an earlier allow (see docs/dp.md)")
    boolean noKernelAllowCache;

    @Option(names = "--max-sessions", defaultValue = "262144",
            description = "session table capacity until the agent's ctrl_sys_conf (default: ${DEFAULT-VALUE})")
    int maxSessions;

    @Option(names = "--queue-cpu-fanout", description = "spread packets over the queues by CPU instead of by flow hash")
    boolean cpuFanout;

    @Option(names = "--copy-range", defaultValue = "256", description = "bytes of each packet copied to user space (default: ${DEFAULT-VALUE})")
    int copyRange;

    @Option(names = "--chain", defaultValue = InterceptConfig.DEFAULT_CHAIN,
            description = "name of the dp's iptables chain (default: ${DEFAULT-VALUE})")
    String chain;

    @Override
    public Integer call() {
        if (failMode == null) {
            System.err.println("microseg-dp: say what happens to traffic when the dp is down: --fail-open or --fail-closed");
            return 2;
        }
        if (maxSessions < CtrlSysConf.MIN_SESSIONS || maxSessions > CtrlSysConf.MAX_SESSIONS) {
            System.err.println("microseg-dp: --max-sessions must be " + CtrlSysConf.MIN_SESSIONS + ".."
                    + CtrlSysConf.MAX_SESSIONS + ", was " + maxSessions);
            return 2;
        }
        Dataplane.Options options;
        try {
            options = new Dataplane.Options(ctrlSocket, reportSocket, firstQueue, queues, failMode.open,
                    Optional.ofNullable(netns), !noOffload, maxSessions, cpuFanout, copyRange, chain, !noKernelAllowCache);
        } catch (IllegalArgumentException e) {
            System.err.println("microseg-dp: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        // Every handler before start-up: a signal the JVM has no handler for ends the process (SIGUSR1's
        // default action), and start-up takes a while (iptables, queues).
        AtomicReference<Dataplane> running = new AtomicReference<>();
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("USR1"), s -> {
            Dataplane d = running.get();
            if (d == null) {
                printStarting(System.out);
            } else {
                printCounters(d.counters(), System.out);
            }
        });
        LOG.atInfo().addKeyValue("pid", ProcessHandle.current().pid()).log("event=dp_starting");
        Dataplane dp;
        try {
            dp = Dataplane.start(options);
        } catch (IOException | RuntimeException e) {
            LOG.atError().setCause(e).addKeyValue("reason", e.getMessage()).log("event=dp_start_failed");
            return EXIT_START_FAILED;
        }
        running.set(dp);
        dp.failure().thenRun(stop::countDown);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String failed = dp.failure().getNow(null);
        if (failed != null) {
            LOG.atError().addKeyValue("reason", failed).log("event=dp_stopping");
            dp.closeAfterFailure();
            return EXIT_FAILED;
        }
        LOG.info("event=dp_stopping reason=signal");
        dp.close();
        return 0;
    }

    /** What SIGUSR1 prints while the dp is still starting: no counters exist yet. */
    static void printStarting(PrintStream out) {
        out.print("microseg-dp counters: none yet, the dp is starting\n");
        out.flush();
    }

    /** One {@code name value} line per counter, as {@code microseg-dp status} prints them. */
    static void printCounters(Map<String, Long> counters, PrintStream out) {
        int width = counters.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder b = new StringBuilder("microseg-dp counters\n");
        counters.forEach((k, v) -> b.append(String.format("%-" + width + "s %d%n", k, v)));
        out.print(b);
        out.flush();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
