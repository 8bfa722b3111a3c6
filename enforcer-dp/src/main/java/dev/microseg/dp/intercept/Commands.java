package dev.microseg.dp.intercept;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command (iptables-restore, nft, ip) with optional standard input, a time
 * limit and captured output. A command that outlives its limit is killed (by its own process
 * handle) and reported.
 */
public final class Commands {
    /** Long enough for an iptables-restore of thousands of rules; a hung tool must not hang the dp. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Commands() {
    }

    /** Exit status and output of a finished command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** stderr, else stdout, trimmed: what to show a person. */
        public String message() {
            String e = stderr.strip();
            return e.isEmpty() ? stdout.strip() : e;
        }
    }

    public static Result run(List<String> command, String stdin, Duration timeout) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new IOException("starting " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command may exit without reading its input; its exit code tells what happened.
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(List.copyOf(command), p.exitValue(), text(out), text(err));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Runs and fails unless the exit code is 0; the error names {@code step} and the tool's output. */
    public static Result check(String step, List<String> command, String stdin) throws IOException {
        Result r = run(command, stdin, DEFAULT_TIMEOUT);
        if (!r.ok()) {
            throw new IOException(step + ": " + String.join(" ", command) + " exited with " + r.exitCode() + ": "
                    + r.message());
        }
        return r;
    }

    /** {@code prefix} followed by {@code args}. */
    public static List<String> with(List<String> prefix, String... args) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(args));
        return all;
    }

    private static CompletableFuture<byte[]> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                s.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
    }

    private static String text(CompletableFuture<byte[]> f) {
        try {
            return new String(f.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }
}
