package dev.microseg.dp.engine;

import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.kcache.NftAllowTable;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.Violation;
import dev.microseg.dp.protocol.WorkloadPolicy;
import dev.microseg.dp.testing.DpProcess;
import dev.microseg.dp.testing.KernelTestSupport;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.TcpClient;
import dev.microseg.dp.testing.TcpEchoServer;
import dev.microseg.dp.testing.TestAgent;
import dev.microseg.dp.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static dev.microseg.dp.engine.Policies.ingress;
import static dev.microseg.dp.engine.Policies.ip;
import static dev.microseg.dp.engine.Policies.mac;
import static dev.microseg.dp.engine.Policies.policy;
import static dev.microseg.dp.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel allow cache end to end: a real dp in the router namespace of a routed topology,
 * driven over its control socket. After the first connection of an allowed (client, server,
 * port) the later ones never reach the queue ({@code nfq.packets} does not move) and are still
 * reported, with the rule, from conntrack; a policy that denies the port blocks new connections at
 * once despite the cached entry; Monitor violations are never cached. One dp (one queue) for the
 * class; each test uses its own ports.
 */
class KernelAllowCacheE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration BLOCKED = Duration.ofMillis(1500);
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    /** Connections after the first in each test: enough to show none is queued, few enough to be quick. */
    private static final int LATER_CONNECTIONS = 5;

    private static RoutedTopology topo;
    private static Workload ws1;
    private static Workload ws2;
    private static Path dir;
    private static TestAgent agent;
    private static DpProcess dp;
    private static String table;

    @BeforeAll
    static void start() throws Exception {
        topo = RoutedTopology.create(2);
        ws1 = topo.workload(1);
        ws2 = topo.workload(2);
        dir = Files.createTempDirectory("mskc");
        agent = TestAgent.open(dir.resolve("agent.sock"), dir.resolve("dp.sock"));
        table = NftAllowTable.tableName(InterceptConfig.DEFAULT_CHAIN);
        dp = DpProcess.start(topo.router(), dir.resolve("dp.sock"), dir.resolve("agent.sock"), "--queues", "1",
                "--fail-open");
        Policies.announce(agent, topo, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (dp != null) {
                assertThat(dp.stop(Duration.ofSeconds(20))).as("exit code; log:\n" + dp.logs()).isZero();
                assertThat(nftTables()).as("the dp deleted its nft table on exit").doesNotContain(table);
            }
        } finally {
            if (dp != null) {
                dp.close();
            }
            if (agent != null) {
                agent.close();
            }
            if (topo != null) {
                topo.close();
            }
            KernelTestSupport.deleteFlatDirectory(dir);
        }
    }

    private static String nftTables() throws IOException {
        return topo.exec(topo.router(), "nft", "list", "tables").stdout();
    }

    private static void apply(WorkloadPolicy... policies) throws Exception {
        for (WorkloadPolicy p : policies) {
            agent.sendPolicy(p);
        }
        agent.keepAlive(WAIT);
    }

    private static long stat(String name) throws Exception {
        return agent.stats(WAIT).getOrDefault(name, -1L);
    }

    private static String log() {
        return "\n--- dp log ---\n" + dp.logs();
    }

    /** Opens a connection ws1 → ws2:port, echoes once and closes; returns the client port, or -1 when it failed. */
    private static int connect(int port, boolean expected) throws Exception {
        try (TcpClient c = topo.tcpConnect(ws1, ws2.ipv4(), port, expected ? WAIT : BLOCKED)) {
            return c.echo(HELLO, WAIT) ? c.localPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static Predicate<Connection> record(int port, int clientPort) {
        return c -> c.tuple().ipProto() == 6 && c.tuple().client().equals(ip(ws1.ipv4()))
                && c.tuple().server().equals(ip(ws2.ipv4())) && c.tuple().serverPort() == port
                && c.tuple().clientPort() == clientPort;
    }

    /** Waits until the writer has put at least {@code n} keys in the kernel set. */
    private static void awaitAdds(long n) throws Exception {
        assertThat(condition(() -> {
            try {
                return stat("kcache.adds") >= n;
            } catch (Exception e) {
                return false;
            }
        }, WAIT)).as("kcache.adds reaches " + n + log()).isTrue();
    }

    @Test
    void laterConnectionsSkipTheQueueAndAreStillReportedWithTheRule() throws Exception {
        int port = 7300;
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.DENY,
                ingress(300, ws1, ws2, IpProto.TCP, port, RuleAction.ALLOW)));
        try (TcpEchoServer echo = topo.tcpEchoServer(ws2, port)) {
            long adds = stat("kcache.adds");
            int first = connect(port, true);
            assertThat(first).as("first connection" + log()).isPositive();
            awaitAdds(adds + 1);
            assertThat(topo.exec(topo.router(), "nft", "list", "set", "inet", table, NftAllowTable.SET4).stdout())
                    .as("the key is in the kernel set").contains(ws1.ipv4().getHostAddress() + " . "
                            + ws2.ipv4().getHostAddress() + " . tcp . " + port);

            long queued = stat("nfq.packets");
            List<Integer> later = new ArrayList<>();
            for (int i = 0; i < LATER_CONNECTIONS; i++) {
                int p = connect(port, true);
                assertThat(p).as("connection " + i + log()).isPositive();
                later.add(p);
            }
            assertThat(stat("nfq.packets")).as("no packet of the later connections was queued").isEqualTo(queued);
            for (int p : later) {
                Connection c = agent.awaitConnection(record(port, p), WAIT)
                        .orElseThrow(() -> new AssertionError("no record for client port " + p + log()));
                assertThat(c.ruleId()).isEqualTo(300);
                assertThat(c.action()).isEqualTo(RuleAction.ALLOW);
                assertThat(c.violation()).isFalse();
                assertThat(c.tuple().workload()).isEqualTo(mac(ws2));
                assertThat(c.ingress()).isTrue();
                assertThat(condition(() -> agent.connections().stream().filter(record(port, p))
                        .mapToLong(Connection::packetsToServer).sum() >= 4, WAIT))
                        .as("conntrack's counters: handshake, data, close: " + agent.connections().stream().filter(record(port, p)).toList()
                                + topo.exec(topo.router(), "conntrack", "-L", "-p", "tcp").stdout()
                                + topo.exec(topo.router(), "sysctl", "net.netfilter.nf_conntrack_acct").stdout())
                        .isTrue();
                assertThat(agent.connections().stream().filter(record(port, p)).mapToLong(Connection::bytesToClient).sum())
                        .as("the echoed bytes travelled back").isGreaterThanOrEqualTo(HELLO.length);
            }
            assertThat(stat("report.cache_adopted")).isGreaterThanOrEqualTo(LATER_CONNECTIONS);
        }
    }

    @Test
    void aPolicyThatDeniesThePortBlocksNewConnectionsAtOnceDespiteTheCachedEntry() throws Exception {
        int port = 7310;
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.DENY,
                ingress(310, ws1, ws2, IpProto.TCP, port, RuleAction.ALLOW)));
        try (TcpEchoServer echo = topo.tcpEchoServer(ws2, port)) {
            long adds = stat("kcache.adds");
            assertThat(connect(port, true)).isPositive();
            awaitAdds(adds + 1);
            long queued = stat("nfq.packets");
            assertThat(connect(port, true)).as("cached" + log()).isPositive();
            assertThat(stat("nfq.packets")).as("the second connection was accepted by the cache").isEqualTo(queued);

            long flushes = stat("kcache.flushes");
            apply(policy(ws2, RuleAction.DENY, ingress(310, ws1, ws2, IpProto.TCP, port, RuleAction.DENY)));
            assertThat(stat("kcache.flushes")).as("the policy change emptied the cache").isGreaterThan(flushes);
            assertThat(connect(port, false)).as("denied at once" + log()).isEqualTo(-1);
            Violation v = agent.awaitViolation(x -> x.tuple().serverPort() == port && x.action() == RuleAction.DENY, WAIT)
                    .orElseThrow(() -> new AssertionError("no denial" + log()));
            assertThat(v.ruleId()).isEqualTo(310);
            assertThat(topo.exec(topo.router(), "nft", "list", "set", "inet", table, NftAllowTable.SET4).stdout())
                    .doesNotContain(" . tcp . " + port);
        }
    }

    @Test
    void monitorViolationsAreNeverCachedAndReportedForEveryConnection() throws Exception {
        int port = 7320;
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.ALLOW,
                ingress(320, ws1, ws2, IpProto.TCP, port, RuleAction.VIOLATE)));
        try (TcpEchoServer echo = topo.tcpEchoServer(ws2, port)) {
            long offers = stat("kcache.offers");
            long queued = stat("nfq.packets");
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int p = connect(port, true);
                assertThat(p).as("monitor passes" + log()).isPositive();
                ports.add(p);
            }
            assertThat(stat("nfq.packets")).as("every connection reached the queue").isGreaterThanOrEqualTo(queued + 3);
            assertThat(stat("kcache.offers")).as("nothing offered to the cache").isEqualTo(offers);
            for (int p : ports) {
                assertThat(agent.awaitViolation(x -> x.tuple().serverPort() == port && x.tuple().clientPort() == p
                        && x.action() == RuleAction.VIOLATE, WAIT)).as("violation for client port " + p + log())
                        .hasValueSatisfying(x -> assertThat(x.ruleId()).isEqualTo(320));
            }
        }
    }

    @Test
    void failingClosedEmptiesTheCacheAndCachesNothing() throws Exception {
        int port = 7330;
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.DENY,
                ingress(330, ws1, ws2, IpProto.TCP, port, RuleAction.ALLOW)));
        try (TcpEchoServer echo = topo.tcpEchoServer(ws2, port)) {
            long adds = stat("kcache.adds");
            assertThat(connect(port, true)).isPositive();
            awaitAdds(adds + 1);
            long flushes = stat("kcache.flushes");
            agent.send(Policies.sysConf(false, false));
            agent.keepAlive(WAIT);
            try {
                assertThat(stat("kcache.flushes")).as("switching to fail-closed emptied the cache").isGreaterThan(flushes);
                long offers = stat("kcache.offers");
                long queued = stat("nfq.packets");
                for (int i = 0; i < 2; i++) {
                    assertThat(connect(port, true)).as("allowed by the dp" + log()).isPositive();
                }
                assertThat(stat("nfq.packets")).as("failing closed, every connection is decided by the dp")
                        .isGreaterThanOrEqualTo(queued + 2);
                assertThat(stat("kcache.offers")).isEqualTo(offers);
                assertThat(topo.exec(topo.router(), "nft", "list", "set", "inet", table, NftAllowTable.SET4).stdout())
                        .doesNotContain(" . tcp . " + port);
            } finally {
                agent.send(Policies.sysConf(true, false));
                agent.keepAlive(WAIT);
            }
        }
    }
}
