package dev.microseg.dp.testing;

import dev.microseg.dp.intercept.Commands;
import dev.microseg.dp.netns.NetnsThread;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Calico-style routed topology in fresh network namespaces, for end-to-end tests of the data
 * plane: a "router" namespace (the node) and workload namespaces ws1..wsN, each joined to the
 * router by a veth pair.
 *
 * <pre>
 *   wsK (netns PFX-wsK)                     router (netns PFX-r)
 *   eth0: 10.65.0.K/32, fd65::K/128  ====  vwK (MAC ee:ee:ee:ee:ee:ee, no address)
 *   default via 169.254.1.1 (onlink)        lo: 169.254.1.1/32 (the link-local gateway)
 *   default via fe80::ecee:eeff:feee:eeee   10.65.0.K/32 dev vwK, fd65::K/128 dev vwK
 *                                           ip_forward=1, IPv6 forwarding=1
 * </pre>
 * As in Calico, workloads have host routes only and reach everything through a link-local
 * gateway: for IPv4 169.254.1.1, which the router owns (on lo) and therefore answers ARP for on
 * every veth; for IPv6 the router veth's link-local address, derived from its fixed MAC. Traffic
 * between workloads is routed, so it crosses the router's FORWARD hook, where the dp's rules
 * sit.
 *
 * <p>Names carry a random per-run prefix ({@code ms} + 4 hex digits) so concurrent runs never
 * meet. {@link #close()} removes everything (namespaces, hence their veths, rules and queues) and
 * kills processes left inside them, even when the test failed; a shutdown hook does the same if
 * the JVM exits first.
 *
 * <p>Traffic helpers (all bounded in count and time; sockets are created by a thread that entered
 * the workload's namespace, {@link NetnsThread}):
 * {@link #tcpEchoServer}, {@link #tcpConnect}, {@link #tcpTransfer}, {@link #udpReceiver},
 * {@link #udpSend}, {@link #ping}. Commands inside a namespace: {@link #exec}, {@link #run}.
 *
 * <pre>{@code
 * try (RoutedTopology topo = RoutedTopology.create(2)) {
 *     Workload ws1 = topo.workload(1), ws2 = topo.workload(2);
 *     try (TcpEchoServer echo = topo.tcpEchoServer(ws2, 7000)) {
 *         topo.tcpTransfer(ws1, ws2.ipv4(), 7000, 1 << 20, Duration.ofSeconds(10));
 *     }
 *     topo.exec(topo.router(), "iptables-save");
 * }
 * }</pre>
 */
public final class RoutedTopology implements AutoCloseable {
    /** The IPv4 link-local gateway every workload routes through (Calico's 169.254.1.1). */
    public static final String GATEWAY_V4 = "169.254.1.1";
    /** Link-local address of a router veth with MAC ee:ee:ee:ee:ee:ee (EUI-64). */
    public static final String GATEWAY_V6 = "fe80::ecee:eeff:feee:eeee";
    public static final String ROUTER_VETH_MAC = "ee:ee:ee:ee:ee:ee";
    /** Upper bound on workloads: addresses are 10.65.0.K and veth names vwK. */
    public static final int MAX_WORKLOADS = 200;
    private static final Duration CONNECTIVITY_TIMEOUT = Duration.ofSeconds(5);

    private final String prefix;
    private final String router;
    private final List<Workload> workloads = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Map<String, NetnsThread> threads = new HashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private RoutedTopology(String prefix) {
        this.prefix = prefix;
        this.router = prefix + "-r";
        this.shutdownHook = new Thread(this::teardownQuietly, "routed-topology-cleanup-" + prefix);
    }

    /** Builds a router and {@code workloadCount} workloads, and checks they reach each other. */
    public static RoutedTopology create(int workloadCount) throws IOException {
        if (workloadCount < 1 || workloadCount > MAX_WORKLOADS) {
            throw new IllegalArgumentException("workloadCount " + workloadCount + " outside 1.." + MAX_WORKLOADS);
        }
        KernelTestSupport.requireRootAndTools();
        RoutedTopology t = new RoutedTopology(uniquePrefix());
        Runtime.getRuntime().addShutdownHook(t.shutdownHook);
        try {
            t.build(workloadCount);
            return t;
        } catch (IOException | RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    private static String uniquePrefix() {
        for (int attempt = 0; attempt < 100; attempt++) {
            String p = String.format("ms%04x", ThreadLocalRandom.current().nextInt(1 << 16));
            if (!java.nio.file.Files.exists(java.nio.file.Path.of("/run/netns", p + "-r"))) {
                return p;
            }
        }
        throw new IllegalStateException("no free namespace prefix after 100 attempts");
    }

    private void build(int count) throws IOException {
        addNamespace(router);
        sysctl(router, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        StringBuilder routerBatch = new StringBuilder("link set lo up\naddr add " + GATEWAY_V4 + "/32 dev lo\n");
        for (int k = 1; k <= count; k++) {
            String ns = prefix + "-ws" + k;
            addNamespace(ns);
            sysctl(ns, "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
            Workload w = new Workload(k, ns, "vw" + k, (Inet4Address) InetAddress.getByName("10.65.0." + k),
                    (Inet6Address) InetAddress.getByName("fd65::" + Integer.toHexString(k)));
            workloads.add(w);
            routerBatch.append("link add ").append(w.routerVeth()).append(" address ").append(ROUTER_VETH_MAC)
                    .append(" type veth peer name eth0 netns ").append(ns).append('\n')
                    .append("link set ").append(w.routerVeth()).append(" up\n")
                    .append("route add ").append(w.ipv4().getHostAddress()).append("/32 dev ").append(w.routerVeth())
                    .append(" scope link\n")
                    .append("route add ").append(w.ipv6().getHostAddress()).append("/128 dev ")
                    .append(w.routerVeth()).append('\n');
        }
        ipBatch(router, routerBatch.toString());
        for (Workload w : workloads) {
            ipBatch(w.netns(), "link set lo up\nlink set eth0 up\n"
                    + "addr add " + w.ipv4().getHostAddress() + "/32 dev eth0\n"
                    + "addr add " + w.ipv6().getHostAddress() + "/128 dev eth0 nodad\n"
                    + "route add " + GATEWAY_V4 + " dev eth0 scope link\n"
                    + "route add default via " + GATEWAY_V4 + " dev eth0\n"
                    + "route add default via " + GATEWAY_V6 + " dev eth0\n");
        }
        awaitConnectivity();
    }

    private void addNamespace(String ns) throws IOException {
        Commands.check("creating network namespace " + ns, List.of("ip", "netns", "add", ns), null);
        namespaces.add(ns);
    }

    private void sysctl(String ns, String... settings) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "sysctl", "-qw"));
        cmd.addAll(List.of(settings));
        Commands.check("setting sysctls in " + ns, cmd, null);
    }

    private void ipBatch(String ns, String commands) throws IOException {
        Commands.check("configuring " + ns, List.of("ip", "-n", ns, "-batch", "-"), commands);
    }

    /** Each workload pings the next one over IPv4 and IPv6 before the topology is handed out. */
    private void awaitConnectivity() throws IOException {
        if (workloads.size() < 2) {
            return;
        }
        for (int i = 0; i < workloads.size(); i++) {
            Workload from = workloads.get(i);
            Workload to = workloads.get((i + 1) % workloads.size());
            for (boolean v6 : new boolean[]{false, true}) {
                PingResult r = ping(from, to.address(v6), 1, CONNECTIVITY_TIMEOUT);
                if (r.received() < 1) {
                    throw new IOException("topology " + prefix + ": " + from.netns() + " cannot ping "
                            + to.address(v6).getHostAddress() + ": " + r.output());
                }
            }
        }
    }

    /** The random prefix of every name in this topology, e.g. "ms3fa2". */
    public String prefix() {
        return prefix;
    }

    /** The router namespace's name. */
    public String router() {
        return router;
    }

    /** Workload {@code k}, 1-based (ws1 is workload(1)). */
    public Workload workload(int k) {
        if (k < 1 || k > workloads.size()) {
            throw new IllegalArgumentException("workload " + k + " outside 1.." + workloads.size());
        }
        return workloads.get(k - 1);
    }

    public List<Workload> workloads() {
        return List.copyOf(workloads);
    }

    /** Runs {@code command} in {@code netns} and fails unless it exits 0. */
    public Commands.Result exec(String netns, String... command) throws IOException {
        return Commands.check("running in " + netns, inNetns(netns, command), null);
    }

    /** Runs {@code command} in {@code netns} within {@code timeout}; any exit code. */
    public Commands.Result run(String netns, Duration timeout, String... command) throws IOException {
        return Commands.run(inNetns(netns, command), null, timeout);
    }

    private static List<String> inNetns(String netns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of(command));
        return cmd;
    }

    /** A thread inside {@code netns} (one per namespace, reused), for creating sockets there. */
    public synchronized NetnsThread thread(String netns) throws IOException {
        NetnsThread t = threads.get(netns);
        if (t == null) {
            t = NetnsThread.start(netns);
            threads.put(netns, t);
        }
        return t;
    }

    synchronized <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** A TCP echo server on [::]:{@code port} (IPv4 and IPv6) in {@code w}'s namespace. */
    public TcpEchoServer tcpEchoServer(Workload w, int port) throws IOException {
        return track(TcpEchoServer.start(thread(w.netns()), port));
    }

    /** A TCP connection from {@code from} to {@code to}:{@code port}, connected within {@code timeout}. */
    public TcpClient tcpConnect(Workload from, InetAddress to, int port, Duration timeout) throws IOException {
        return track(TcpClient.connect(thread(from.netns()), to, port, timeout));
    }

    /**
     * Sends {@code bytes} over one connection to an echo server and reads them back.
     *
     * @return bytes echoed back (== bytes)
     * @throws IOException when the transfer does not complete within {@code timeout}
     */
    public long tcpTransfer(Workload from, InetAddress to, int port, long bytes, Duration timeout) throws IOException {
        try (TcpClient c = TcpClient.connect(thread(from.netns()), to, port, timeout)) {
            return c.transfer(bytes, timeout);
        }
    }

    /** A UDP socket bound to [::]:{@code port} in {@code w}'s namespace that counts what it receives. */
    public UdpReceiver udpReceiver(Workload w, int port) throws IOException {
        return track(UdpReceiver.start(thread(w.netns()), port));
    }

    /**
     * Sends {@code count} datagrams of {@code size} bytes from {@code from} to {@code to}:{@code port}
     * from one socket.
     *
     * @return the sender's local port (for the conntrack tuple)
     */
    public int udpSend(Workload from, InetAddress to, int port, int count, int size) throws IOException {
        return UdpReceiver.send(thread(from.netns()), 0, to, port, count, size);
    }

    /**
     * Like {@link #udpSend} from a fixed source port, so the datagrams continue the flow (same
     * conntrack entry) an earlier send with that port started.
     */
    public void udpSendFrom(Workload from, int sourcePort, InetAddress to, int port, int count, int size)
            throws IOException {
        UdpReceiver.send(thread(from.netns()), sourcePort, to, port, count, size);
    }

    /**
     * {@code ping -c count} from {@code from}'s namespace, 0.1 s apart, each reply awaited at most
     * one second and the whole run at most {@code timeout}.
     */
    public PingResult ping(Workload from, InetAddress to, int count, Duration timeout) throws IOException {
        long deadline = Math.max(1, timeout.toSeconds());
        Commands.Result r = Commands.run(inNetns(from.netns(), "ping", "-n", "-q", "-c", Integer.toString(count), "-i",
                "0.1", "-W", "1", "-w", Long.toString(deadline), to.getHostAddress()), null, timeout.plusSeconds(5));
        return PingResult.parse(count, r.stdout() + r.stderr());
    }

    /** Removes every namespace (and with them veths, rules, queues); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        List<String> failures = teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or ran.
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("topology " + prefix + " teardown: " + String.join("; ", failures));
        }
    }

    private void teardownQuietly() {
        synchronized (this) {
            if (!closed) {
                teardown();
            }
        }
    }

    private List<String> teardown() {
        closed = true;
        List<String> failures = new ArrayList<>();
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                failures.add("closing " + r + ": " + e.getMessage());
            }
        }
        threads.values().forEach(NetnsThread::close);
        for (String ns : namespaces.reversed()) {
            try {
                killProcessesIn(ns);
                Commands.Result r = Commands.run(List.of("ip", "netns", "del", ns), null, Duration.ofSeconds(10));
                if (!r.ok()) {
                    failures.add("deleting " + ns + ": " + r.message());
                }
            } catch (IOException e) {
                failures.add("deleting " + ns + ": " + e.getMessage());
            }
        }
        return failures;
    }

    /** Processes started inside our namespaces (iperf3, a killed dp's children) must not outlive them. */
    private static void killProcessesIn(String ns) throws IOException {
        Commands.Result pids = Commands.run(List.of("ip", "netns", "pids", ns), null, Duration.ofSeconds(10));
        for (String pid : pids.stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Override
    public String toString() {
        return "RoutedTopology[" + prefix + ", router " + router + ", " + workloads.size() + " workloads]";
    }
}
