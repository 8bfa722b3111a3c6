package dev.microseg.dp.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code microseg-dp} process ({@code dev.microseg.dp.Main}) started inside a network
 * namespace with {@code ip netns exec}, on this JVM's class path, for end-to-end tests and the
 * benchmark harness. Its output is kept ({@link #logs()}) so a failing test can show it.
 * {@link #start} returns once the dp logged {@code event=dp_ready}. {@link #close()} kills it if it
 * still runs.
 */
public final class DpProcess implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(60);

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private DpProcess(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon(true).name("dp-output-" + process.pid()).start(this::read);
    }

    /**
     * Starts {@code microseg-dp --ctrl-socket CTRL --report-socket REPORT FLAGS...} in {@code netns}
     * and waits for it to be ready.
     */
    public static DpProcess start(String netns, Path ctrl, Path report, String... flags) throws IOException {
        return start(netns, ctrl, report, TEST_JVM, flags);
    }

    /** JVM options for tests: a small heap and the serial collector keep several dps cheap. */
    public static final List<String> TEST_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC");

    /** As {@link #start(String, Path, Path, String...)} with these JVM options (empty: the JVM's defaults, as bin/microseg-dp). */
    public static DpProcess start(String netns, Path ctrl, Path report, List<String> jvmOptions, String... flags)
            throws IOException {
        DpProcess dp = launch(netns, ctrl, report, jvmOptions, flags);
        try {
            dp.awaitReady();
            return dp;
        } catch (IOException | RuntimeException e) {
            dp.close();
            throw e;
        }
    }

    /** Starts the process without waiting for it to be ready ({@link #awaitReady()}). */
    public static DpProcess launch(String netns, Path ctrl, Path report, List<String> jvmOptions, String... flags)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns,
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.microseg.dp.Main",
                "--ctrl-socket", ctrl.toString(), "--report-socket", report.toString()));
        cmd.addAll(List.of(flags));
        return new DpProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Waits until the dp logged {@code event=dp_ready}; throws with its output when it did not. */
    public void awaitReady() throws IOException {
        try {
            if (!awaitLog("event=dp_ready", READY)) {
                throw new IOException("microseg-dp did not become ready within " + READY.toSeconds() + " s"
                        + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")") + ":\n" + logs());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for microseg-dp", e);
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended; what it wrote is kept.
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until a line containing {@code fragment} was written (or the process ended). */
    public boolean awaitLog(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                if (lines.stream().anyMatch(l -> l.contains(fragment))) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    return false;
                }
                lines.wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        }
    }

    /** Lines written so far that contain {@code fragment}. */
    public List<String> lines(String fragment) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.contains(fragment)).toList();
        }
    }

    public String logs() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** SIGKILL, as a crash: nothing of the dp's shutdown runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit code, or -1 when the process did not end within {@code timeout}. */
    public int stop(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its output pipe, and the
        // dp's shutdown log would be lost.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        reader.join(2000);
        return process.exitValue();
    }

    /** Sends a signal by name (e.g. "USR1") with kill(1). */
    public void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
