package dev.microseg.bench.nfq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microseg.dp.intercept.Commands;
import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.nfq.CopyMode;
import dev.microseg.dp.nfq.NfQueueConfig;
import dev.microseg.dp.nfq.NfQueueStats;
import dev.microseg.dp.nfq.PacketHandler;
import dev.microseg.dp.nfq.Verdict;
import dev.microseg.dp.testing.QueueRunner;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.Workload;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Raw NFQUEUE throughput: iperf3 TCP from ws1 to ws2 through the router namespace of a
 * {@link RoutedTopology}, in three set-ups measured in the same run, interleaved round by round:
 * <ol>
 *   <li>{@code baseline}: no rules, no queue (conntrack idle in the router namespace);</li>
 *   <li>{@code rules-only}: the dp's chain installed but no workload address, so every packet
 *       crosses the chain (and conntrack, which its connmark rules switch on) and none is queued:
 *       the price of the rules themselves;</li>
 *   <li>{@code all-queued}: the dp's intercept rules for ws2 and a Java queue loop that accepts
 *       every packet without a decision mark, so every packet crosses user space (GSO on, small
 *       copy range, verdicts batched per receive batch);</li>
 *   <li>{@code offload}: the same rules, but the loop answers NF_REPEAT with the ACCEPT mark, so
 *       only a connection's first packet reaches user space and the rest is accepted by the
 *       connmark rule in the kernel.</li>
 * </ol>
 * Prints Gbit/s per round, the median, and the ratio of each median to the baseline median.
 * Absolute figures are noisy on shared VMs; compare the ratios.
 *
 * <p>Usage: {@code bench/nfq-raw.sh [--seconds N] [--rounds N] [--copy BYTES]} (root, iperf3).
 */
public final class NfqRawBench {
    enum Setup { BASELINE, RULES_ONLY, ALL_QUEUED, OFFLOAD }

    private static final int PORT = 5201;
    private static final MarkBits MARKS = MarkBits.DEFAULT;

    private NfqRawBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 5;
        int rounds = 3;
        int copy = 128;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--copy" -> copy = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --seconds N --rounds N --copy BYTES)");
            }
        }
        if (seconds < 1 || seconds > 60 || rounds < 1 || rounds > 10) {
            throw new IllegalArgumentException("--seconds 1..60, --rounds 1..10");
        }
        Map<Setup, List<Double>> gbits = new EnumMap<>(Setup.class);
        Map<Setup, Long> queued = new EnumMap<>(Setup.class);
        try (RoutedTopology topo = RoutedTopology.create(2)) {
            Workload ws1 = topo.workload(1);
            Workload ws2 = topo.workload(2);
            Process server = new ProcessBuilder("ip", "netns", "exec", ws2.netns(), "iperf3", "-s", "-p",
                    Integer.toString(PORT)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                awaitServer(topo, ws1, ws2);
                for (int r = 1; r <= rounds; r++) {
                    for (Setup s : Setup.values()) {
                        Result res = measure(topo, ws1, ws2, s, seconds, copy);
                        gbits.computeIfAbsent(s, k -> new ArrayList<>()).add(res.gbits());
                        queued.merge(s, res.queued(), Long::sum);
                        System.out.printf(Locale.ROOT, "round %d %-11s %6.2f Gbit/s  packets through user space: %d"
                                        + " (recvmmsg calls %d, verdict messages %d)%n", r, name(s), res.gbits(),
                                res.queued(), res.receiveCalls(), res.verdictMessages());
                    }
                }
            } finally {
                server.destroyForcibly();
            }
        }
        double base = median(gbits.get(Setup.BASELINE));
        System.out.printf(Locale.ROOT, "%nNFQUEUE raw: iperf3 TCP ws1 -> ws2, %d s x %d rounds, copy range %d, GSO on%n",
                seconds, rounds, copy);
        System.out.printf(Locale.ROOT, "%-11s %-28s %8s %9s %14s%n", "setup", "Gbit/s per round", "median", "ratio",
                "user-space pkts");
        for (Setup s : Setup.values()) {
            List<String> each = gbits.get(s).stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList();
            double m = median(gbits.get(s));
            System.out.printf(Locale.ROOT, "%-11s %-28s %8.2f %8.2fx %14d%n", name(s), String.join(" ", each), m,
                    m / base, queued.get(s) / rounds);
        }
    }

    private record Result(double gbits, long queued, long receiveCalls, long verdictMessages) {
        Result(double gbits, long queued) {
            this(gbits, queued, 0, 0);
        }
    }

    private static Result measure(RoutedTopology topo, Workload ws1, Workload ws2, Setup setup, int seconds, int copy)
            throws Exception {
        if (setup == Setup.BASELINE) {
            return new Result(iperf(topo, ws1, ws2, seconds), 0);
        }
        InterceptManager rules = InterceptManager.create(InterceptConfig.of(1, true).inNamespace(topo.router()));
        rules.install();
        try {
            if (setup == Setup.RULES_ONLY) {
                return new Result(iperf(topo, ws1, ws2, seconds), 0);
            }
            rules.addWorkloads(List.of(ws2.ipv4(), ws2.ipv6()));
            PacketHandler handler = setup == Setup.OFFLOAD
                    ? (p, v) -> v.verdict(p.id(), Verdict.REPEAT, MARKS.acceptMark(p.mark()))
                    : (p, v) -> v.accept(p.id());
            NfQueueConfig config = NfQueueConfig.defaults(0).withCopy(CopyMode.PACKET, copy).withGso(true)
                    .withReceiveBatch(64).withPollInterval(Duration.ofMillis(100));
            QueueRunner q = QueueRunner.start(topo.router(), config, handler);
            double g;
            NfQueueStats stats;
            try {
                g = iperf(topo, ws1, ws2, seconds);
                stats = q.stats();
            } finally {
                q.close();
            }
            return new Result(g, stats.packets(), stats.receiveCalls(), stats.verdictMessages());
        } finally {
            rules.removeAll();
        }
    }

    private static double iperf(RoutedTopology topo, Workload ws1, Workload ws2, int seconds) throws IOException {
        Commands.Result r = topo.run(ws1.netns(), Duration.ofSeconds(seconds + 30), "iperf3", "-c",
                ws2.ipv4().getHostAddress(), "-p", Integer.toString(PORT), "-t", Integer.toString(seconds), "-J");
        if (!r.ok()) {
            throw new IOException("iperf3 failed: " + r.message());
        }
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        JsonNode bps = json.path("end").path("sum_received").path("bits_per_second");
        if (!bps.isNumber()) {
            throw new IOException("iperf3 output has no end.sum_received.bits_per_second: " + r.stdout());
        }
        return bps.asDouble() / 1e9;
    }

    /** Polls the server with a 1-second client run until it answers (bounded). */
    private static void awaitServer(RoutedTopology topo, Workload ws1, Workload ws2) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Commands.Result r = topo.run(ws1.netns(), Duration.ofSeconds(10), "iperf3", "-c",
                    ws2.ipv4().getHostAddress(), "-p", Integer.toString(PORT), "-t", "1", "-J");
            if (r.ok()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("iperf3 server in " + ws2.netns() + " did not answer: " + r.message());
            }
            Thread.sleep(100);
        }
    }

    private static String name(Setup s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
