package dev.microseg.bench.dp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microseg.dp.intercept.Commands;
import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.nfq.CopyMode;
import dev.microseg.dp.nfq.NfQueueConfig;
import dev.microseg.dp.nfq.PacketHandler;
import dev.microseg.dp.nfq.Verdict;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.PolicyDir;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.WorkloadPolicy;
import dev.microseg.dp.testing.DpProcess;
import dev.microseg.dp.testing.QueueRunner;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.TestAgent;
import dev.microseg.dp.testing.Workload;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data plane end to end against no data plane, on the same namespaces, in interleaved rounds
 * (docs/benchmarks.md, "Data plane end to end"). Set-ups:
 * <ul>
 *   <li>{@code baseline}: no dp, no rules;</li>
 *   <li>{@code enforcing}: {@code microseg-dp --fail-open} with ws1 and ws2 announced and ws2's
 *       policy allowing the benchmark's ports from ws1, denying the rest (Protect): first packets
 *       through user space, the rest offloaded to conntrack; after the first connection of a
 *       (client, server, port) the kernel allow cache accepts the later ones without the queue;</li>
 *   <li>{@code enforcing-no-kcache}: the same with {@code --no-kernel-allow-cache}: every new
 *       connection's first packet through user space;</li>
 *   <li>{@code rules-only}: no dp, only the dp's iptables chains with no workload in them: conntrack
 *       and the mark rules on every packet, nothing queued: the kernel floor under {@code enforcing}
 *       once the allow cache keeps every connection in the kernel;</li>
 *   <li>{@code no-offload}: the same with {@code --no-offload}: every packet through user space;</li>
 *   <li>{@code raw-offload} and {@code raw-all-queued}: no dp, only the kernel layer's queue loop in
 *       this process with a handler that offloads every packet it sees (so first packets only) or
 *       accepts every packet without a mark (all packets): the floor under the dp, to tell the cost
 *       of the NFQUEUE round trip itself from the engine's;</li>
 *   <li>with {@code --queues-compare}: {@code no-offload-2q} and {@code no-offload-2q-fanout}, two
 *       queues spread by flow hash or by CPU ({@code --queue-cpu-fanout}), two iperf3 streams.</li>
 * </ul>
 * Metrics: iperf3 TCP ws1 → ws2 (Gbit/s); new TCP connections per second from one thread (and from four) in ws1
 * connecting to an accept loop in ws2 (which closes at once) and closing with a reset (SO_LINGER 0,
 * so no TIME_WAIT piles up),
 * bounded in count and time; iperf3 UDP with 64-byte datagrams at full rate, datagrams received
 * per second. Each set-up measures throughput first and the connection rates last, and ends with
 * {@code conntrack -F}, so the DESTROY events of its connections (which a dp handles) never land on
 * another measurement. Prints every round, then medians and ratios to the baseline, and the CPU
 * the dp process used during the TCP run.
 *
 * <p>Usage: {@code bench/dp-e2e.sh [--seconds N] [--rounds N] [--queues-compare]} (root, iperf3).
 */
public final class DpE2eBench {
    private static final int IPERF_PORT = 5201;
    private static final int CPS_PORT = 5301;
    /** Upper bound of one connection-rate run, whatever its duration. */
    private static final int MAX_CONNECTIONS = 200_000;

    enum Setup {
        BASELINE(null, false), RULES_ONLY(null, false), ENFORCING(new String[] {}, false),
        ENFORCING_NO_KCACHE(new String[] {"--no-kernel-allow-cache"}, false),
        NO_OFFLOAD(new String[] {"--no-offload"}, false),
        RAW_OFFLOAD(null, true), RAW_ALL_QUEUED(null, true),
        NO_OFFLOAD_2Q(new String[] {"--no-offload", "--queues", "2"}, false),
        NO_OFFLOAD_2Q_FANOUT(new String[] {"--no-offload", "--queues", "2", "--queue-cpu-fanout"}, false);

        final String[] flags;
        /** The kernel layer's queue alone, in this process, with a trivial handler: the floor under the dp. */
        final boolean raw;

        Setup(String[] flags, boolean raw) {
            this.flags = flags;
            this.raw = raw;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    enum Metric { TCP_GBITS, TCP2_GBITS, NEW_CONN_PER_S, NEW_CONN_PER_S_4T, UDP64_PPS }

    private final RoutedTopology topo;
    private final Workload ws1;
    private final Workload ws2;
    private final int seconds;
    private final Path dir;
    private final Map<Setup, Map<Metric, List<Double>>> results = new LinkedHashMap<>();
    private final Map<Setup, List<Long>> userSpacePackets = new LinkedHashMap<>();
    private final Map<Setup, java.util.concurrent.atomic.AtomicLong> connectFailures = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Setup current = Setup.BASELINE;
    /** CPU the dp process used while iperf3 TCP ran, per round (ms of user + system time). */
    private final Map<Setup, List<Long>> dpCpuDuringTcp = new LinkedHashMap<>();
    /** CPU the dp process used during the one-thread connection-rate run, per round. */
    private final Map<Setup, List<Long>> dpCpuDuringConnections = new LinkedHashMap<>();

    private DpE2eBench(RoutedTopology topo, int seconds, Path dir) {
        this.topo = topo;
        this.ws1 = topo.workload(1);
        this.ws2 = topo.workload(2);
        this.seconds = seconds;
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 5;
        int rounds = 3;
        boolean queues = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--queues-compare" -> queues = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --seconds N --rounds N --queues-compare)");
            }
        }
        if (seconds < 1 || seconds > 60 || rounds < 1 || rounds > 15) {
            throw new IllegalArgumentException("--seconds 1..60, --rounds 1..15");
        }
        List<Setup> setups = new ArrayList<>(List.of(Setup.BASELINE, Setup.RULES_ONLY, Setup.ENFORCING,
                Setup.ENFORCING_NO_KCACHE,
                Setup.NO_OFFLOAD, Setup.RAW_OFFLOAD,
                Setup.RAW_ALL_QUEUED));
        if (queues) {
            setups.add(Setup.NO_OFFLOAD_2Q);
            setups.add(Setup.NO_OFFLOAD_2Q_FANOUT);
        }
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        Path dir = Files.createTempDirectory("msbench");
        try (RoutedTopology topo = RoutedTopology.create(2)) {
            DpE2eBench b = new DpE2eBench(topo, seconds, dir);
            b.run(setups, rounds, queues);
            b.print(setups, rounds, queues, loadBefore, Files.readString(Path.of("/proc/loadavg")).strip());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private void run(List<Setup> setups, int rounds, boolean twoStreams) throws Exception {
        Process iperf = new ProcessBuilder("ip", "netns", "exec", ws2.netns(), "iperf3", "-s", "-p",
                Integer.toString(IPERF_PORT)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ServerSocket accept = topo.thread(ws2.netns()).call(() -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(CPS_PORT), 4096);
            return s;
        });
        Thread acceptor = Thread.ofPlatform().daemon(true).name("cps-accept").start(() -> {
            while (!accept.isClosed()) {
                try (Socket s = accept.accept()) {
                    // Closed at once with a FIN; the client's reset then ends it without TIME_WAIT.
                    s.getLocalPort();
                } catch (IOException e) {
                    return;
                }
            }
        });
        try {
            awaitIperf();
            for (int r = 1; r <= rounds; r++) {
                for (Setup s : setups) {
                    measure(r, s, twoStreams);
                }
            }
        } finally {
            accept.close();
            acceptor.join(2000);
            iperf.destroyForcibly();
        }
    }

    private void measure(int round, Setup setup, boolean twoStreams) throws Exception {
        current = setup;
        DpProcess dp = null;
        TestAgent agent = null;
        InterceptManager rawRules = null;
        QueueRunner raw = null;
        try {
            if (setup == Setup.RULES_ONLY) {
                rawRules = InterceptManager.create(InterceptConfig.of(1, true).inNamespace(topo.router()));
                rawRules.install();
            }
            if (setup.raw) {
                rawRules = InterceptManager.create(InterceptConfig.of(1, true).inNamespace(topo.router()));
                rawRules.install();
                rawRules.addWorkloads(List.of(ws2.ipv4(), ws2.ipv6()));
                PacketHandler handler = setup == Setup.RAW_OFFLOAD
                        ? (p, v) -> v.verdict(p.id(), Verdict.REPEAT, MarkBits.DEFAULT.acceptMark(p.mark()))
                        : (p, v) -> v.accept(p.id());
                raw = QueueRunner.start(topo.router(), NfQueueConfig.defaults(0).withCopy(CopyMode.PACKET, 256)
                        .withFailOpen(true), handler);
            }
            if (setup.flags != null) {
                List<String> flags = new ArrayList<>(List.of("--fail-open"));
                flags.addAll(List.of(setup.flags));
                if (!flags.contains("--queues")) {
                    flags.addAll(List.of("--queues", "1"));
                }
                agent = TestAgent.open(dir.resolve("agent.sock"), dir.resolve("dp.sock"));
                dp = DpProcess.start(topo.router(), dir.resolve("dp.sock"), dir.resolve("agent.sock"), List.of(),
                        flags.toArray(String[]::new));
                configure(agent);
            }
            // Warm-up, the same for every set-up: a fresh dp's JIT compiles its packet path here. The
            // connection-rate runs come last: the dp handles their conntrack DESTROY events (about
            // 10 s after each reset) while the set-up is still measured, and that work must not
            // land on the throughput runs.
            iperfTcp(1, 2);
            Map<Metric, Double> m = new LinkedHashMap<>();
            if (setup == Setup.NO_OFFLOAD_2Q || setup == Setup.NO_OFFLOAD_2Q_FANOUT) {
                m.put(Metric.TCP2_GBITS, iperfTcp(2, seconds));
            } else {
                long cpuBefore = dp == null ? 0 : cpuMillis(dp.pid());
                m.put(Metric.TCP_GBITS, iperfTcp(1, seconds));
                if (dp != null) {
                    dpCpuDuringTcp.computeIfAbsent(setup, k -> new ArrayList<>()).add(cpuMillis(dp.pid()) - cpuBefore);
                }
                if (twoStreams && setup != Setup.ENFORCING) {
                    m.put(Metric.TCP2_GBITS, iperfTcp(2, seconds));
                }
                m.put(Metric.UDP64_PPS, iperfUdp64(seconds));
                if (setup != Setup.NO_OFFLOAD && setup != Setup.RAW_ALL_QUEUED) {
                    connectionsPerSecond(Duration.ofSeconds(2));
                    long connCpuBefore = dp == null ? 0 : cpuMillis(dp.pid());
                    m.put(Metric.NEW_CONN_PER_S, connectionsPerSecond(Duration.ofSeconds(seconds)));
                    if (dp != null) {
                        dpCpuDuringConnections.computeIfAbsent(setup, k -> new ArrayList<>())
                                .add(cpuMillis(dp.pid()) - connCpuBefore);
                    }
                    m.put(Metric.NEW_CONN_PER_S_4T, connectionsPerSecond(Duration.ofSeconds(seconds), 4));
                }
            }
            long queued = raw != null ? raw.stats().packets()
                    : agent == null ? 0 : agent.stats(Duration.ofSeconds(5)).getOrDefault("dp.packets", 0L);
            userSpacePackets.computeIfAbsent(setup, k -> new ArrayList<>()).add(queued);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d %-21s", round, setup.label()));
            m.forEach((k, v) -> {
                results.computeIfAbsent(setup, x -> new LinkedHashMap<>()).computeIfAbsent(k, x -> new ArrayList<>()).add(v);
                line.append(String.format(Locale.ROOT, "  %s %s", k.name().toLowerCase(Locale.ROOT), format(k, v)));
            });
            System.out.println(line.append("  user-space packets ").append(queued));
        } finally {
            // The connections of this set-up end here (their conntrack entries, and the DESTROY
            // events a dp handles), not during the next set-up's measurements.
            topo.run(topo.router(), Duration.ofSeconds(30), "conntrack", "-F");
            if (raw != null) {
                raw.close();
            }
            if (rawRules != null) {
                rawRules.removeAll();
            }
            if (dp != null) {
                int code = dp.stop(Duration.ofSeconds(20));
                if (code != 0) {
                    System.out.println("dp exited with " + code + ":\n" + dp.logs());
                }
                dp.close();
            }
            if (agent != null) {
                agent.close();
            }
        }
    }

    /** User + system CPU time of a process, from /proc/PID/stat (fields 14 and 15, clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    private static MacAddress mac(Workload w) {
        return MacAddress.parse("mac", String.format("02:00:00:00:00:%02x", w.index()));
    }

    private static IpAddress ip(java.net.InetAddress a) {
        return IpAddress.parse("ip", a.getHostAddress());
    }

    /** What an agent sends: settings, both endpoints, ws1 open, ws2 allowing only the benchmark's ports (Protect). */
    private void configure(TestAgent agent) throws Exception {
        Duration wait = Duration.ofSeconds(10);
        agent.keepAlive(wait);
        agent.send(new CtrlSysConf(true, 5, false, 262_144, 3600, 60, 30));
        for (Workload w : List.of(ws1, ws2)) {
            agent.send(new CtrlAddMac(new Endpoint(w.routerVeth(), mac(w), List.of(ip(w.ipv4()), ip(w.ipv6())))));
        }
        IpAddress a = ip(ws1.ipv4());
        IpAddress b = ip(ws2.ipv4());
        agent.sendPolicy(new WorkloadPolicy(PolicyCmd.ADD, RuleAction.ALLOW, PolicyDir.BOTH, List.of(mac(ws1)), List.of()));
        agent.sendPolicy(new WorkloadPolicy(PolicyCmd.ADD, RuleAction.DENY, PolicyDir.BOTH, List.of(mac(ws2)), List.of(
                new PolicyRule(1, a, a, b, b, IPERF_PORT, IPERF_PORT, IpProto.TCP, RuleAction.ALLOW, true),
                new PolicyRule(2, a, a, b, b, IPERF_PORT, IPERF_PORT, IpProto.UDP, RuleAction.ALLOW, true),
                new PolicyRule(3, a, a, b, b, CPS_PORT, CPS_PORT, IpProto.TCP, RuleAction.ALLOW, true))));
        agent.keepAlive(wait);
    }

    private double iperfTcp(int streams, int secs) throws IOException {
        JsonNode j = iperf(secs, "-P", Integer.toString(streams));
        return bps(j.path("end").path("sum_received").path("bits_per_second"), j) / 1e9;
    }

    private double iperfUdp64(int secs) throws IOException {
        JsonNode j = iperf(secs, "-u", "-b", "0", "-l", "64");
        JsonNode sum = j.path("end").path("sum");
        long packets = sum.path("packets").asLong(-1);
        long lost = sum.path("lost_packets").asLong(-1);
        double duration = sum.path("seconds").asDouble(secs);
        if (packets < 0 || lost < 0) {
            throw new IOException("iperf3 UDP output has no end.sum.packets/lost_packets: " + j);
        }
        return (packets - lost) / duration;
    }

    private JsonNode iperf(int secs, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", ws2.ipv4().getHostAddress(), "-p",
                Integer.toString(IPERF_PORT), "-t", Integer.toString(secs), "-J"));
        cmd.addAll(List.of(extra));
        Commands.Result r = topo.run(ws1.netns(), Duration.ofSeconds(secs + 30), cmd.toArray(String[]::new));
        if (!r.ok()) {
            throw new IOException("iperf3 failed: " + r.message());
        }
        return new ObjectMapper().readTree(r.stdout());
    }

    private static double bps(JsonNode n, JsonNode all) throws IOException {
        if (!n.isNumber()) {
            throw new IOException("iperf3 output lacks the expected figure: " + all);
        }
        return n.asDouble();
    }

    private double connectionsPerSecond(Duration d) throws Exception {
        return connectionsPerSecond(d, 1);
    }

    /**
     * {@code threads} threads in ws1, each: connect, close (RST), repeat, for {@code d} or
     * {@link #MAX_CONNECTIONS} in all. A connect that fails (2 s timeout) is counted per set-up and
     * not in the rate. One thread measures latency (each connection waits for the previous one);
     * four keep several first packets in flight, as many clients of one server would.
     */
    private double connectionsPerSecond(Duration d, int threads) throws Exception {
        InetSocketAddress to = new InetSocketAddress(ws2.ipv4(), CPS_PORT);
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong attempts = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong failed = connectFailures.computeIfAbsent(current,
                k -> new java.util.concurrent.atomic.AtomicLong());
        long start = System.nanoTime();
        long deadline = start + d.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            // Sockets are created in ws1's namespace by a thread that entered it.
            workers.add(dev.microseg.dp.netns.NetnsThread.startDedicated(ws1.netns(), "cps-" + t, () -> {
                while (attempts.incrementAndGet() <= MAX_CONNECTIONS && System.nanoTime() < deadline) {
                    try (Socket s = new Socket()) {
                        s.setSoLinger(true, 0);
                        s.connect(to, 2000);
                        done.incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private void awaitIperf() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                iperfTcp(1, 1);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static String format(Metric m, double v) {
        return switch (m) {
            case TCP_GBITS, TCP2_GBITS -> String.format(Locale.ROOT, "%.2f", v);
            default -> String.format(Locale.ROOT, "%.0f", v);
        };
    }

    private void print(List<Setup> setups, int rounds, boolean queues, String loadBefore, String loadAfter) {
        System.out.printf(Locale.ROOT, "%nData plane end to end: ws1 -> ws2 through the router, %d s x %d rounds%s%n",
                seconds, rounds, queues ? ", queue comparison" : "");
        System.out.println("load average before: " + loadBefore + "   after: " + loadAfter);
        System.out.printf(Locale.ROOT, "%-21s %-15s %-44s %10s %7s%n", "setup", "metric", "per round", "median", "ratio");
        for (Metric metric : Metric.values()) {
            List<Double> base = results.getOrDefault(Setup.BASELINE, Map.of()).get(metric);
            for (Setup s : setups) {
                List<Double> v = results.getOrDefault(s, Map.of()).get(metric);
                if (v == null) {
                    continue;
                }
                double med = median(v);
                String ratio = base == null ? "" : String.format(Locale.ROOT, "%.2fx", med / median(base));
                System.out.printf(Locale.ROOT, "%-21s %-15s %-44s %10s %7s%n", s.label(),
                        metric.name().toLowerCase(Locale.ROOT), String.join(" ", v.stream().map(x -> format(metric, x))
                                .toList()), format(metric, med), ratio);
            }
        }
        userSpacePackets.forEach((s, n) -> System.out.printf(Locale.ROOT, "user-space packets per round, %s: %s%n",
                s.label(), n));
        dpCpuDuringTcp.forEach((s, v) -> System.out.printf(Locale.ROOT,
                "dp CPU during the %d s TCP run, ms per round, %s: %s%n", seconds, s.label(), v));
        dpCpuDuringConnections.forEach((s, v) -> System.out.printf(Locale.ROOT,
                "dp CPU during the %d s one-thread connection-rate run, ms per round, %s: %s%n", seconds, s.label(), v));
        System.out.println("failed connects (2 s timeout, warm-ups included): " + connectFailures);
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
