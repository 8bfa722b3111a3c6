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
 * be printed next to how much of the machine the benchmark actually had.
 */
final class CpuShare {
    /** USER_HZ on Linux x86-64, the unit of utime/stime in /proc/[pid]/stat (proc(5)). */
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuShare() {
    }

    private record Proc(long ppid, String comm, long ticks) {
    }

    static String measure(Duration phase, long apiPid, long postmasterPid) throws IOException, InterruptedException {
        Map<Long, Proc> before = snapshot();
        long t0 = System.nanoTime();
        Thread.sleep(phase);
        Map<Long, Proc> after = snapshot();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Long> ticks = new HashMap<>();
        after.forEach((pid, p) -> {
            Proc b = before.get(pid);
            long used = p.ticks() - (b == null ? 0 : b.ticks());
            String who = pid == apiPid ? "api" : pid == postmasterPid || p.ppid() == postmasterPid ? "postgres"
                    : p.comm().equals("wrk") ? "wrk" : "other";
            ticks.merge(who, used, Long::sum);
        });
        StringBuilder sb = new StringBuilder("cpu over ").append(Math.round(seconds)).append(" s, % of one core (2 cores = 200):");
        for (String who : new String[] {"api", "postgres", "wrk", "other"}) {
            sb.append(' ').append(who).append('=').append(Math.round(100 * ticks.getOrDefault(who, 0L) / TICKS_PER_SECOND / seconds));
        }
        String[] load = Files.readString(Path.of("/proc/loadavg")).split(" ", 4);
        return sb.append("; load average ").append(load[0]).append(' ').append(load[1]).toString();
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
