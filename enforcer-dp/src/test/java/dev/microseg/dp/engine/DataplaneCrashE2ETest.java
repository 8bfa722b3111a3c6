package dev.microseg.dp.engine;

import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.testing.DpProcess;
import dev.microseg.dp.testing.KernelTestSupport;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.TcpClient;
import dev.microseg.dp.testing.TestAgent;
import dev.microseg.dp.testing.UdpReceiver;
import dev.microseg.dp.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.microseg.dp.engine.Policies.ingress;
import static dev.microseg.dp.engine.Policies.policy;
import static dev.microseg.dp.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens when the dp dies: killed with SIGKILL it runs no shutdown, its rules stay, and the
 * kernel unbinds its queue; with {@code --fail-open} traffic then passes ({@code --queue-bypass}),
 * with {@code --fail-closed} traffic to workloads is dropped. A restarted dp replaces the
 * leftovers, enforces again once the agent re-sent endpoints and policy, and applies that policy
 * to connections the killed one had offloaded. A real dp process, a real control socket.
 */
class DataplaneCrashE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration BLOCKED = Duration.ofMillis(1500);
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    private static RoutedTopology topo;
    private static Workload ws1;
    private static Workload ws2;
    private static Path dir;
    private static TestAgent agent;
    private final List<DpProcess> started = new ArrayList<>();

    @BeforeAll
    static void topology() throws Exception {
        topo = RoutedTopology.create(2);
        ws1 = topo.workload(1);
        ws2 = topo.workload(2);
        dir = Files.createTempDirectory("msdp");
        agent = TestAgent.open(dir.resolve("agent.sock"), dir.resolve("dp.sock"));
    }

    @AfterEach
    void killAndClean() throws Exception {
        for (DpProcess dp : started) {
            dp.close();
        }
        started.clear();
        if (topo != null) {
            InterceptManager.cleanupStale(InterceptConfig.of(1, true).inNamespace(topo.router()));
        }
    }

    @AfterAll
    static void teardown() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
        } finally {
            if (topo != null) {
                topo.close();
            }
            KernelTestSupport.deleteFlatDirectory(dir);
        }
    }

    /** A dp started and ready; a dp that does not start fails the test with its output, never with a null. */
    private DpProcess startDp(String failMode) {
        DpProcess dp;
        try {
            dp = DpProcess.start(topo.router(), dir.resolve("dp.sock"), dir.resolve("agent.sock"), "--queues", "1",
                    failMode);
        } catch (IOException e) {
            throw new AssertionError("microseg-dp " + failMode + " did not start: " + e.getMessage(), e);
        }
        started.add(dp);
        return dp;
    }

    /** What the agent sends after it saw a (new) dp: settings, endpoints, policies. */
    private static KeepAliveEcho replay(boolean failOpen, int allowedPort) throws Exception {
        KeepAliveEcho echo = agent.keepAlive(WAIT);
        agent.send(Policies.sysConf(failOpen, false));
        agent.send(Policies.endpoint(ws1));
        agent.send(Policies.endpoint(ws2));
        agent.sendPolicy(policy(ws1, RuleAction.ALLOW));
        agent.sendPolicy(policy(ws2, RuleAction.DENY, ingress(900, ws1, ws2, IpProto.UDP, allowedPort, RuleAction.ALLOW),
                ingress(901, ws1, ws2, IpProto.TCP, allowedPort, RuleAction.ALLOW)));
        agent.keepAlive(WAIT);
        return echo;
    }

    private static boolean udpPasses(int port, boolean expected) throws Exception {
        try (UdpReceiver rx = topo.udpReceiver(ws2, port)) {
            topo.udpSend(ws1, ws2.ipv4(), port, 3, 64);
            return rx.awaitDatagrams(1, expected ? WAIT : BLOCKED) > 0;
        }
    }

    private static boolean queueBound() throws Exception {
        return topo.exec(topo.router(), "cat", "/proc/net/netfilter/nfnetlink_queue").stdout().lines()
                .anyMatch(l -> l.strip().startsWith("0 "));
    }

    private static List<String> jumps() throws Exception {
        return topo.exec(topo.router(), "iptables-save", "-t", "filter").stdout().lines()
                .filter(l -> l.matches("-A (FORWARD|INPUT|OUTPUT) -j MICROSEG-DP")).toList();
    }

    @Test
    void killedFailOpenLetsTrafficPassAndARestartEnforcesAgainIncludingOldConnections() throws Exception {
        int port = 7900;
        DpProcess first = startDp("--fail-open");
        long firstStart = replay(true, port).dpStartMillis();
        assertThat(udpPasses(port, true)).isTrue();
        assertThat(udpPasses(port + 1, false)).as("denied while the dp runs").isFalse();
        try (var echo = topo.tcpEchoServer(ws2, port); TcpClient c = topo.tcpConnect(ws1, ws2.ipv4(), port, WAIT)) {
            assertThat(c.echo(HELLO, WAIT)).isTrue();

            first.kill();
            assertThat(condition(() -> {
                try {
                    return !queueBound();
                } catch (Exception e) {
                    return false;
                }
            }, WAIT)).as("the kernel unbinds a killed dp's queue").isTrue();
            assertThat(jumps()).as("a killed dp leaves its rules").hasSize(3);
            assertThat(udpPasses(port + 1, true)).as("--queue-bypass fails open").isTrue();
            assertThat(topo.ping(ws1, ws2.ipv4(), 2, WAIT).allReceived()).isTrue();
            assertThat(c.echo(HELLO, WAIT)).as("an offloaded connection lives on in the kernel").isTrue();

            DpProcess second = startDp("--fail-open");
            assertThat(jumps()).as("the leftovers were replaced, not doubled").hasSize(3);
            KeepAliveEcho echoAfter = agent.keepAlive(WAIT);
            assertThat(echoAfter.dpStartMillis()).as("the agent sees a new dp").isNotEqualTo(firstStart);
            assertThat(udpPasses(port + 2, true)).as("nothing is intercepted before the agent re-sent endpoints").isTrue();

            replay(true, port);
            assertThat(udpPasses(port + 3, false)).as("enforcing again").isFalse();
            assertThat(udpPasses(port, true)).isTrue();
            assertThat(c.echo(HELLO, WAIT)).as("still allowed by the re-sent policy").isTrue();

            agent.sendPolicy(policy(ws2, RuleAction.DENY));
            agent.keepAlive(WAIT);
            assertThat(agent.awaitViolation(v -> v.tuple().clientPort() == c.localPort()
                    && v.action() == RuleAction.DENY, WAIT)).as("the old connection, adopted and cut\n" + second.logs())
                    .isPresent();
            assertThat(c.echo(HELLO, BLOCKED)).isFalse();
            assertThat(second.stop(WAIT)).isZero();
        }
        assertThat(jumps()).as("a clean stop removes the rules").isEmpty();
    }

    @Test
    void killedFailClosedBlocksTrafficToWorkloadsUntilARestart() throws Exception {
        int port = 7910;
        DpProcess first = startDp("--fail-closed");
        replay(false, port);
        assertThat(udpPasses(port, true)).isTrue();

        first.kill();
        assertThat(condition(() -> {
            try {
                return !queueBound();
            } catch (Exception e) {
                return false;
            }
        }, WAIT)).isTrue();
        assertThat(udpPasses(port, false)).as("fail-closed: even allowed traffic is dropped").isFalse();
        assertThat(topo.ping(ws1, ws2.ipv4(), 1, Duration.ofSeconds(2)).received()).isZero();

        DpProcess second = startDp("--fail-closed");
        replay(false, port);
        assertThat(udpPasses(port, true)).as("the restarted dp enforces the re-sent policy").isTrue();
        assertThat(udpPasses(port + 1, false)).isFalse();
        assertThat(second.stop(WAIT)).isZero();
        assertThat(udpPasses(port + 1, true)).as("stopped cleanly: no rules, nothing blocked").isTrue();
    }

    /**
     * SIGUSR1's default action ends a process: a dp must have its handler before it starts up
     * (iptables, queues), so a signal sent as soon as it logged {@code dp_starting} prints instead.
     */
    @Test
    void aSigusr1DuringStartUpPrintsAndDoesNotEndTheDp() throws Exception {
        DpProcess dp = DpProcess.launch(topo.router(), dir.resolve("dp.sock"), dir.resolve("agent.sock"),
                DpProcess.TEST_JVM, "--queues", "1", "--fail-open");
        started.add(dp);
        assertThat(dp.awaitLog("event=dp_starting", WAIT)).as("the dp logged its start:\n" + dp.logs()).isTrue();
        dp.signal("USR1");
        assertThat(dp.awaitLog("microseg-dp counters", WAIT)).as("SIGUSR1 printed:\n" + dp.logs()).isTrue();
        dp.awaitReady();
        assertThat(dp.isAlive()).isTrue();
        assertThat(dp.stop(WAIT)).as("a clean stop after the early signal:\n" + dp.logs()).isZero();
    }
}
