package dev.microseg.bench.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How the machine's CPU was shared during a benchmark phase: the cloud-api process, its
 * PostgreSQL (the postmaster and its backends), wrk, and everything else — other engineers'
 * builds on a shared two-core machine. Read from {@code /proc/<pid>/stat} (utime + stime, in
 * clock ticks of 1/100 s, proc(5)) at the start and the end of the phase, so a latency figure can
 * be printed next to how much of the machine the benchmark actually had. Per-process time misses
 * interrupt work (softirq time is charged to whoever was interrupted, e.g. another benchmark's
 * packets), so the machine-wide split from {@code /proc/stat} and the CPU pressure stall
 * ({@code /proc/pressure/cpu} "some": the share of time at least one runnable task waited for a
 * CPU, PSI, Documentation/accounting/psi.rst) are printed too.
 */
final class CpuShare {
    /** USER_HZ on Linux x86-64, the unit of utime/stime in /proc/[pid]/stat (proc(5)). */
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuShare() {
    }

    private record Proc(long ppid, String comm, long ticks) {
    }

    /**
     * Measures {@code phase} starting {@code settle} after {@code trigger} is created (its
     * modification time), so that this JVM's own start-up, slow on a loaded machine, does not
     * shift the window: start it before the phase, create the file when the phase begins.
     */
    static String measure(Path trigger, Duration settle, Duration phase, long apiPid, long postmasterPid)
            throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
        while (!Files.exists(trigger)) {
            if (System.currentTimeMillis() > deadline) {
                return "cpu: trigger " + trigger + " never appeared";
            }
            Thread.sleep(50);
        }
        long start = Files.getLastModifiedTime(trigger).toMillis() + settle.toMillis();
        long wait = start - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        return measure(phase, apiPid, postmasterPid);
    }

    static String measure(Duration phase, long apiPid, long postmasterPid) throws IOException, InterruptedException {
        Map<Long, Proc> before = snapshot();
        long[] statBefore = machine();
        long stallBefore = stallMicros();
        long t0 = System.nanoTime();
        Thread.sleep(phase);
        Map<Long, Proc> after = snapshot();
        long[] statAfter = machine();
        long stallAfter = stallMicros();
        double seconds = (System.nanoTime() - t0) / 1e9;
        // /proc/stat "cpu" line: user nice system idle iowait irq softirq steal (ticks, all CPUs)
        long[] d = new long[statAfter.length];
        long all = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] = statAfter[i] - statBefore[i];
            all += d[i];
        }
        long busyTicks = all - d[3] - d[4];
        Map<String, Long> ticks = new HashMap<>();
        after.forEach((pid, p) -> {
            Proc b = before.get(pid);
            long used = p.ticks() - (b == null ? 0 : b.ticks());
            String who = pid == apiPid ? "api" : pid == postmasterPid || p.ppid() == postmasterPid ? "postgres"
                    : p.comm().equals("wrk") ? "wrk" : null;
            if (who != null) {
                ticks.merge(who, used, Long::sum);
            }
        });
        // everything else the machine did, including processes that ended within the window and
        // interrupt work charged to nobody in particular
        ticks.put("other", Math.max(0, busyTicks - ticks.values().stream().mapToLong(Long::longValue).sum()));
        StringBuilder sb = new StringBuilder("cpu over ").append(Math.round(seconds)).append(" s, % of one core (2 cores = 200):");
        for (String who : new String[] {"api", "postgres", "wrk", "other"}) {
            sb.append(' ').append(who).append('=').append(Math.round(100 * ticks.getOrDefault(who, 0L) / TICKS_PER_SECOND / seconds));
        }
        double busy = all == 0 ? 0 : 100.0 * (all - d[3] - d[4]) / all;
        sb.append(String.format("; machine busy %.0f%% (softirq %.0f%%, steal %.0f%%)", busy,
                all == 0 ? 0 : 100.0 * d[6] / all, all == 0 ? 0 : 100.0 * d[7] / all));
        if (stallBefore >= 0 && stallAfter >= 0) {
            sb.append(String.format(", cpu pressure %.0f%%", 100.0 * (stallAfter - stallBefore) / (seconds * 1e6)));
        }
        String[] load = Files.readString(Path.of("/proc/loadavg")).split(" ", 4);
        return sb.append("; load average ").append(load[0]).append(' ').append(load[1]).toString();
    }

    /** The first eight counters of the "cpu" line of /proc/stat (proc(5)). */
    private static long[] machine() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long[] out = new long[8];
        for (int i = 0; i < out.length; i++) {
            out[i] = Long.parseLong(f[i + 1]);
        }
        return out;
    }

    /** "some ... total=" of /proc/pressure/cpu in microseconds, or -1 where PSI is not available. */
    private static long stallMicros() {
        try {
            String some = Files.readAllLines(Path.of("/proc/pressure/cpu")).getFirst();
            return Long.parseLong(some.substring(some.indexOf("total=") + 6).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Map<Long, Proc> snapshot() throws IOException {
        Map<Long, Proc> out = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] f = stat.substring(close + 2).split(" ");
                    // after "pid (comm) ": state ppid ... utime is field 14, stime 15 of the whole line
                    out.put(Long.parseLong(p.getFileName().toString()), new Proc(Long.parseLong(f[1]), stat.substring(open + 1, close),
                            Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException | RuntimeException e) {
                    // the process ended between listing and reading: it used nothing we can still count
                }
            });
        }
        return out;
    }
}
