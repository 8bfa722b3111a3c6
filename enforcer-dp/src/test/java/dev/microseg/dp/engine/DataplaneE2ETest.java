package dev.microseg.dp.engine;

import dev.microseg.dp.intercept.Commands;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.PolicySplitter;
import dev.microseg.dp.protocol.ProtocolLimits;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.Violation;
import dev.microseg.dp.protocol.ViolationReason;
import dev.microseg.dp.protocol.WorkloadPolicy;
import dev.microseg.dp.testing.DpProcess;
import dev.microseg.dp.testing.KernelTestSupport;
import dev.microseg.dp.testing.PingResult;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.TcpClient;
import dev.microseg.dp.testing.TestAgent;
import dev.microseg.dp.testing.UdpReceiver;
import dev.microseg.dp.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.microseg.dp.engine.Policies.egress;
import static dev.microseg.dp.engine.Policies.ingress;
import static dev.microseg.dp.engine.Policies.ip;
import static dev.microseg.dp.engine.Policies.mac;
import static dev.microseg.dp.engine.Policies.policy;
import static dev.microseg.dp.engine.Policies.rule;
import static dev.microseg.dp.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The data plane end to end: a real {@code microseg-dp} process in the router namespace of a
 * routed topology (ws1..ws3), driven over its real control socket by a test agent that also
 * receives its reports, with real TCP, UDP and ICMP traffic between the workloads. One topology
 * and one dp (two queues) for the class; every test sends the policies it needs and uses its own
 * ports.
 */
class DataplaneE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a blocked connection attempt is given. */
    private static final Duration BLOCKED = Duration.ofMillis(1500);
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    private static RoutedTopology topo;
    private static Workload ws1;
    private static Workload ws2;
    private static Workload ws3;
    private static Path dir;
    private static TestAgent agent;
    private static DpProcess dp;

    @BeforeAll
    static void start() throws Exception {
        topo = RoutedTopology.create(3);
        ws1 = topo.workload(1);
        ws2 = topo.workload(2);
        ws3 = topo.workload(3);
        dir = Files.createTempDirectory("msdp");
        agent = TestAgent.open(dir.resolve("agent.sock"), dir.resolve("dp.sock"));
        // Two queues: both queue threads share the session table and the reporter.
        dp = DpProcess.start(topo.router(), dir.resolve("dp.sock"), dir.resolve("agent.sock"), "--queues", "2",
                "--fail-open");
        Policies.announce(agent, topo, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (dp != null) {
                int code = dp.stop(Duration.ofSeconds(20));
                assertThat(code).as("dp exit code after SIGTERM; log:\n" + dp.logs()).isZero();
                assertThat(dp.logs()).contains("event=dp_stopped");
                String rules = topo.exec(topo.router(), "iptables-save").stdout();
                assertThat(rules).as("the dp removed its rules").doesNotContain("MICROSEG-DP");
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

    /** Sends the policies and waits until the dp has them (its keep-alive answers after applying). */
    private static void apply(WorkloadPolicy... policies) throws Exception {
        for (WorkloadPolicy p : policies) {
            agent.sendPolicy(p);
        }
        agent.keepAlive(WAIT);
    }

    private static Predicate<Connection> flow(int proto, InetAddress client, InetAddress server, int serverPort) {
        return c -> c.tuple().ipProto() == proto && c.tuple().client().equals(ip(client))
                && c.tuple().server().equals(ip(server)) && c.tuple().serverPort() == serverPort;
    }

    private static Predicate<Violation> violation(int proto, InetAddress client, InetAddress server, int serverPort,
                                                  RuleAction action) {
        return v -> v.tuple().ipProto() == proto && v.tuple().client().equals(ip(client))
                && v.tuple().server().equals(ip(server)) && v.tuple().serverPort() == serverPort && v.action() == action;
    }

    private String log() {
        return "\n--- dp log ---\n" + dp.logs();
    }

    /** Sends datagrams and says whether the first arrived (within WAIT when expected, BLOCKED otherwise). */
    private static boolean udpPasses(Workload from, Workload to, int port, boolean expected) throws Exception {
        try (UdpReceiver rx = topo.udpReceiver(to, port)) {
            topo.udpSend(from, to.ipv4(), port, 3, 64);
            return rx.awaitDatagrams(1, expected ? WAIT : BLOCKED) > 0;
        }
    }

    private static boolean tcpPasses(Workload from, Workload to, int port, boolean expected) throws Exception {
        try (var echo = topo.tcpEchoServer(to, port)) {
            try (TcpClient c = topo.tcpConnect(from, to.ipv4(), port, expected ? WAIT : BLOCKED)) {
                return c.echo(HELLO, WAIT);
            } catch (IOException e) {
                return false;
            }
        }
    }

    @Test
    void keepAliveIsEchoedWithTheProtocolVersionAndStartTime() throws Exception {
        KeepAliveEcho e = agent.keepAlive(WAIT);
        assertThat(e.version()).isEqualTo(ProtocolLimits.PROTOCOL_VERSION);
        assertThat(e.dpStartMillis()).isPositive().isLessThanOrEqualTo(System.currentTimeMillis());
        assertThat(agent.keepAlive(WAIT).dpStartMillis()).as("same process, same start").isEqualTo(e.dpStartMillis());
    }

    @Test
    void allowedTrafficPassesAndIsReportedWithTheDecidingRule() throws Exception {
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.DENY,
                ingress(100, ws1, ws2, IpProto.TCP, 7201, RuleAction.ALLOW),
                rule(101, ip(ws1.ipv4()), ip(ws1.ipv4()), ip(ws2.ipv4()), ip(ws2.ipv4()), IpProto.ICMP, 0, 255,
                        RuleAction.ALLOW, true),
                ingress(102, ws1, ws2, IpProto.UDP, 7202, RuleAction.ALLOW)));
        assertThat(tcpPasses(ws1, ws2, 7201, true)).as("tcp" + log()).isTrue();
        PingResult ping = topo.ping(ws1, ws2.ipv4(), 2, WAIT);
        assertThat(ping.allReceived()).as(ping.output()).isTrue();
        assertThat(udpPasses(ws1, ws2, 7202, true)).isTrue();

        Connection tcp = agent.awaitConnection(flow(6, ws1.ipv4(), ws2.ipv4(), 7201), WAIT).orElseThrow();
        assertThat(tcp.ruleId()).as("the specific rule decides over ws1's default").isEqualTo(100);
        assertThat(tcp.action()).isEqualTo(RuleAction.ALLOW);
        assertThat(tcp.violation()).isFalse();
        assertThat(tcp.tuple().workload()).isEqualTo(mac(ws2));
        assertThat(tcp.ingress()).isTrue();
        assertThat(agent.awaitConnection(flow(1, ws1.ipv4(), ws2.ipv4(), 8 << 8), WAIT)).as("icmp echo record")
                .hasValueSatisfying(c -> assertThat(c.ruleId()).isEqualTo(101));
        assertThat(agent.awaitConnection(flow(17, ws1.ipv4(), ws2.ipv4(), 7202), WAIT))
                .hasValueSatisfying(c -> assertThat(c.ruleId()).isEqualTo(102));
        assertThat(agent.violations()).noneMatch(v -> v.tuple().server().equals(ip(ws2.ipv4()))
                && List.of(7201, 7202).contains(v.tuple().serverPort()));
    }

    @ParameterizedTest(name = "defact {0}")
    @EnumSource(value = RuleAction.class, names = {"ALLOW", "DENY", "VIOLATE"})
    void theDefaultActionDecidesWhatNoRuleMatches(RuleAction defact) throws Exception {
        int port = 7100 + defact.code();
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, defact, ingress(110, ws1, ws2, IpProto.UDP, 7199,
                RuleAction.ALLOW)));
        boolean passes = defact != RuleAction.DENY;
        assertThat(udpPasses(ws1, ws2, port, passes)).as(defact + log()).isEqualTo(passes);
        Predicate<Violation> reported = violation(17, ws1.ipv4(), ws2.ipv4(), port, defact);
        if (defact == RuleAction.ALLOW) {
            assertThat(agent.awaitConnection(flow(17, ws1.ipv4(), ws2.ipv4(), port), WAIT)).isPresent();
            assertThat(agent.violations()).noneMatch(v -> v.tuple().serverPort() == port);
        } else {
            Violation v = agent.awaitViolation(reported, WAIT).orElseThrow(() -> new AssertionError("no " + defact
                    + " violation for port " + port + "; got " + agent.violations() + log()));
            assertThat(v.reason()).isEqualTo(ViolationReason.DEFAULT_ACTION);
            assertThat(v.ruleId()).isZero();
            assertThat(v.tuple().workload()).isEqualTo(mac(ws2));
            assertThat(v.ingress()).isTrue();
            assertThat(agent.awaitConnection(flow(17, ws1.ipv4(), ws2.ipv4(), port).and(Connection::violation), WAIT))
                    .hasValueSatisfying(c -> assertThat(c.action()).isEqualTo(defact));
        }
    }

    @Test
    void protectDropsTcpAndReportsADenialByRule() throws Exception {
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.ALLOW,
                ingress(200, ws1, ws2, IpProto.TCP, 7210, RuleAction.DENY)));
        assertThat(tcpPasses(ws1, ws2, 7210, false)).isFalse();
        Violation v = agent.awaitViolation(violation(6, ws1.ipv4(), ws2.ipv4(), 7210, RuleAction.DENY), WAIT)
                .orElseThrow(() -> new AssertionError("no denial" + log()));
        assertThat(v.ruleId()).isEqualTo(200);
        assertThat(v.reason()).isEqualTo(ViolationReason.RULE);
        assertThat(tcpPasses(ws1, ws2, 7211, true)).as("other ports follow the default").isTrue();
    }

    @Test
    void monitorPassesAndReportsAViolation() throws Exception {
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.ALLOW,
                ingress(210, ws1, ws2, IpProto.TCP, 7220, RuleAction.VIOLATE)));
        assertThat(tcpPasses(ws1, ws2, 7220, true)).isTrue();
        Violation v = agent.awaitViolation(violation(6, ws1.ipv4(), ws2.ipv4(), 7220, RuleAction.VIOLATE), WAIT)
                .orElseThrow(() -> new AssertionError("no violation" + log()));
        assertThat(v.ruleId()).isEqualTo(210);
        assertThat(agent.awaitConnection(flow(6, ws1.ipv4(), ws2.ipv4(), 7220), WAIT))
                .hasValueSatisfying(c -> assertThat(c.violation()).isTrue());
    }

    @Test
    void tcpResetOnDenyRefusesTheConnectionAtOnce() throws Exception {
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.DENY));
        agent.send(Policies.sysConf(true, true));
        agent.keepAlive(WAIT);
        try (var echo = topo.tcpEchoServer(ws2, 7230)) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> topo.tcpConnect(ws1, ws2.ipv4(), 7230, WAIT)).as("refused" + log())
                    .hasMessageContaining("refused");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a reset, not a timeout").isLessThan(WAIT);
        } finally {
            agent.send(Policies.sysConf(true, false));
            agent.keepAlive(WAIT);
        }
        assertThat(agent.stats(WAIT).get("dp.verdict.reject")).isPositive();
    }

    @Test
    void portRangesAndAddressRanges() throws Exception {
        apply(policy(ws1, RuleAction.ALLOW), policy(ws3, RuleAction.ALLOW), policy(ws2, RuleAction.DENY,
                rule(300, ip("10.65.0.1"), ip("10.65.0.1"), ip(ws2.ipv4()), ip(ws2.ipv4()), IpProto.UDP, 7300, 7310,
                        RuleAction.ALLOW, true),
                rule(301, ip("10.65.0.1"), ip("10.65.0.3"), ip("10.65.0.0"), ip("10.65.0.255"), IpProto.UDP, 7320, 7330,
                        RuleAction.ALLOW, true)));
        assertThat(udpPasses(ws1, ws2, 7305, true)).as("inside both ranges").isTrue();
        assertThat(udpPasses(ws1, ws2, 7311, false)).as("port above the range").isFalse();
        assertThat(udpPasses(ws3, ws2, 7305, false)).as("source outside rule 300's range").isFalse();
        assertThat(udpPasses(ws3, ws2, 7325, true)).as("source inside rule 301's range").isTrue();
        assertThat(udpPasses(ws1, ws2, 7330, true)).as("upper bound inclusive").isTrue();
        assertThat(agent.awaitViolation(violation(17, ws3.ipv4(), ws2.ipv4(), 7305, RuleAction.DENY), WAIT)).isPresent();
    }

    @Test
    void ingressAndEgressAreDecidedAtTheirOwnEndAndDenyWinsWhenBothEndsAreLocal() throws Exception {
        apply(policy(ws3, RuleAction.ALLOW), policy(ws2, RuleAction.ALLOW,
                        ingress(411, ws1, ws2, IpProto.TCP, 7411, RuleAction.ALLOW),
                        ingress(414, ws1, ws2, IpProto.TCP, 7412, RuleAction.DENY)),
                policy(ws1, RuleAction.ALLOW, egress(410, ws1, ws3, IpProto.TCP, 7410, RuleAction.DENY),
                        egress(412, ws1, ws2, IpProto.TCP, 7411, RuleAction.DENY),
                        egress(413, ws1, ws2, IpProto.TCP, 7412, RuleAction.ALLOW)));
        assertThat(tcpPasses(ws1, ws3, 7410, false)).as("ws1's egress rule").isFalse();
        Violation egress = agent.awaitViolation(violation(6, ws1.ipv4(), ws3.ipv4(), 7410, RuleAction.DENY), WAIT)
                .orElseThrow();
        assertThat(egress.tuple().workload()).isEqualTo(mac(ws1));
        assertThat(egress.ingress()).isFalse();
        assertThat(egress.ruleId()).isEqualTo(410);
        assertThat(tcpPasses(ws3, ws1, 7410, true)).as("the egress rule does not govern what ws1 receives").isTrue();

        assertThat(tcpPasses(ws1, ws2, 7411, false)).as("ws2 allows, ws1's egress denies").isFalse();
        assertThat(agent.awaitViolation(violation(6, ws1.ipv4(), ws2.ipv4(), 7411, RuleAction.DENY), WAIT))
                .hasValueSatisfying(v -> assertThat(v.ruleId()).isEqualTo(412));
        assertThat(tcpPasses(ws1, ws2, 7412, false)).as("ws1 allows, ws2's ingress denies").isFalse();
        Violation in = agent.awaitViolation(violation(6, ws1.ipv4(), ws2.ipv4(), 7412, RuleAction.DENY), WAIT)
                .orElseThrow();
        assertThat(in.ruleId()).isEqualTo(414);
        assertThat(in.tuple().workload()).isEqualTo(mac(ws2));
        assertThat(in.ingress()).isTrue();
    }

    @Test
    void aPolicyUpdateCutsALiveConnectionInProtect() throws Exception {
        int port = 7500;
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.DENY, ingress(500, ws1, ws2, IpProto.TCP, port,
                RuleAction.ALLOW)));
        long cutBefore = agent.stats(WAIT).get("engine.connections_cut");
        try (var echo = topo.tcpEchoServer(ws2, port); TcpClient c = topo.tcpConnect(ws1, ws2.ipv4(), port, WAIT)) {
            for (int i = 0; i < 5; i++) {
                assertThat(c.echo(HELLO, WAIT)).isTrue();
            }
            assertThat(agent.awaitConnection(flow(6, ws1.ipv4(), ws2.ipv4(), port), WAIT)).isPresent();
            apply(policy(ws2, RuleAction.DENY, ingress(501, ws1, ws2, IpProto.TCP, port, RuleAction.DENY)));
            Violation v = agent.awaitViolation(violation(6, ws1.ipv4(), ws2.ipv4(), port, RuleAction.DENY)
                    .and(x -> x.tuple().clientPort() == c.localPort()), WAIT)
                    .orElseThrow(() -> new AssertionError("no denial of the live connection" + log()));
            assertThat(v.ruleId()).isEqualTo(501);
            assertThat(c.echo(HELLO, BLOCKED)).as("the established connection is cut").isFalse();
        }
        assertThat(agent.stats(WAIT).get("engine.connections_cut")).isGreaterThan(cutBefore);
        assertThat(agent.awaitConnection(flow(6, ws1.ipv4(), ws2.ipv4(), port).and(x -> x.action() == RuleAction.DENY),
                WAIT)).as("its next record says denied").isPresent();
    }

    @Test
    void aPolicyUpdateLetsAMonitorConnectionFlowAndReportsItsViolation() throws Exception {
        int port = 7510;
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.VIOLATE, ingress(510, ws1, ws2, IpProto.TCP, port,
                RuleAction.ALLOW)));
        try (var echo = topo.tcpEchoServer(ws2, port); TcpClient c = topo.tcpConnect(ws1, ws2.ipv4(), port, WAIT)) {
            assertThat(c.echo(HELLO, WAIT)).isTrue();
            assertThat(agent.awaitConnection(flow(6, ws1.ipv4(), ws2.ipv4(), port), WAIT)).isPresent();
            assertThat(agent.violations()).noneMatch(v -> v.tuple().serverPort() == port);
            apply(policy(ws2, RuleAction.VIOLATE, ingress(511, ws1, ws2, IpProto.TCP, port, RuleAction.VIOLATE)));
            Violation v = agent.awaitViolation(violation(6, ws1.ipv4(), ws2.ipv4(), port, RuleAction.VIOLATE)
                    .and(x -> x.tuple().clientPort() == c.localPort()), WAIT)
                    .orElseThrow(() -> new AssertionError("no violation for the live connection" + log()));
            assertThat(v.ruleId()).isEqualTo(511);
            for (int i = 0; i < 5; i++) {
                assertThat(c.echo(HELLO, WAIT)).as("Monitor keeps it flowing").isTrue();
            }
        }
    }

    @Test
    void aHalfReceivedBatchNeverTakesEffect() throws Exception {
        int port = 7600;
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.ALLOW));
        List<PolicyRule> many = new ArrayList<>();
        for (int i = 0; i < ProtocolLimits.RULES_PER_BATCH + 5; i++) {
            many.add(ingress(600 + i, ws1, ws2, IpProto.UDP, port, RuleAction.DENY));
        }
        List<byte[]> datagrams = PolicySplitter.split(policy(ws2, RuleAction.DENY, many));
        assertThat(datagrams).hasSize(2);
        agent.sendDatagram(datagrams.getFirst());
        agent.keepAlive(WAIT);
        assertThat(agent.stats(WAIT).get("ctrl.batch_pending")).isEqualTo(1);
        assertThat(udpPasses(ws1, ws2, port, true)).as("the old policy still rules").isTrue();
        agent.sendDatagram(datagrams.get(1));
        agent.keepAlive(WAIT);
        assertThat(udpPasses(ws1, ws2, port + 1, false)).as("the whole policy, once complete").isFalse();
    }

    @Test
    void aMalformedDatagramIsRefusedAndTheDpKeepsServing() throws Exception {
        agent.sendDatagram("{\"ctrl_add_mac\": {".getBytes(StandardCharsets.UTF_8));
        agent.sendDatagram("{\"ctrl_add_mac\": {\"iface\": \"x\", \"mac\": \"zz:00:00:00:00:01\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(agent.awaitError(e -> e.error() == ControlError.MALFORMED_JSON, WAIT)).isPresent();
        assertThat(agent.awaitError(e -> e.error() == ControlError.INVALID_VALUE && e.path().equals("ctrl_add_mac.mac"),
                WAIT)).isPresent();
        agent.keepAlive(WAIT);
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.DENY));
        assertThat(udpPasses(ws1, ws2, 7610, false)).as("still enforcing").isFalse();
        assertThat(dp.isAlive()).isTrue();
    }

    @Test
    void countersAreServedOverTheControlSocketByStatusAndOnSigusr1() throws Exception {
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.ALLOW));
        assertThat(udpPasses(ws1, ws2, 7620, true)).isTrue();
        Map<String, Long> c = agent.stats(WAIT);
        assertThat(c.get("dp.packets")).isPositive();
        assertThat(c.get("dp.verdict.offload_accept")).isPositive();
        assertThat(c.get("engine.endpoints")).isEqualTo(3);
        assertThat(c).containsKeys("dp.sessions", "dp.sessions.evictions", "dp.decode_errors", "dp.decode.tcp_truncated",
                "nfq.kernel_queue_dropped", "nfq.kernel_user_dropped", "report.messages_dropped", "ctrl.malformed",
                "dp.verdict.drop", "dp.verdict.accept");

        Commands.Result status = Commands.run(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.microseg.dp.Main",
                "status", "--socket", dir.resolve("dp.sock").toString()), null, WAIT);
        assertThat(status.exitCode()).as(status.message()).isZero();
        assertThat(status.stdout()).containsPattern("(?m)^dp\\.packets +[1-9][0-9]*$")
                .containsPattern("(?m)^engine\\.endpoints +3$");

        dp.signal("USR1");
        assertThat(dp.awaitLog("microseg-dp counters", WAIT)).isTrue();
        assertThat(dp.awaitLog("dp.verdict.offload_accept", WAIT)).isTrue();
    }

    @Test
    void anOffloadedConnectionIsReportedWithExactCounters() throws Exception {
        int port = 7700;
        int size = 100;
        apply(policy(ws1, RuleAction.ALLOW), policy(ws3, RuleAction.DENY, ingress(700, ws1, ws3, IpProto.UDP, port,
                RuleAction.ALLOW)));
        long offloadsBefore = agent.stats(WAIT).get("dp.verdict.offload_accept");
        try (UdpReceiver rx = topo.udpReceiver(ws3, port)) {
            int sport = topo.udpSend(ws1, ws3.ipv4(), port, 1, size);
            assertThat(rx.awaitDatagrams(1, WAIT)).isEqualTo(1);
            topo.udpSendFrom(ws1, sport, ws3.ipv4(), port, 49, size);
            assertThat(rx.awaitDatagrams(50, WAIT)).isEqualTo(50);
            Predicate<Connection> mine = flow(17, ws1.ipv4(), ws3.ipv4(), port).and(c -> c.tuple().clientPort() == sport);
            long perPacket = size + 20 + 8;
            assertThat(condition(() -> sum(mine, true) == 50, WAIT)).as("reported " + sum(mine, true) + log()).isTrue();
            assertThat(sumBytes(mine)).isEqualTo(50 * perPacket);

            topo.udpSendFrom(ws1, sport, ws3.ipv4(), port, 10, size);
            assertThat(rx.awaitDatagrams(60, WAIT)).isEqualTo(60);
            topo.exec(topo.router(), "conntrack", "-D", "-p", "udp", "--orig-port-src", Integer.toString(sport),
                    "--orig-port-dst", Integer.toString(port));
            assertThat(condition(() -> sum(mine, true) == 60, WAIT)).as("final counters from the DESTROY event").isTrue();
            assertThat(sumBytes(mine)).isEqualTo(60 * perPacket);
            assertThat(sum(mine, false)).as("nothing came back").isZero();
        }
        assertThat(agent.stats(WAIT).get("dp.verdict.offload_accept") - offloadsBefore)
                .as("only the first datagram went through user space").isEqualTo(1);
    }

    private static long sum(Predicate<Connection> p, boolean toServer) {
        return agent.connections().stream().filter(p)
                .mapToLong(c -> toServer ? c.packetsToServer() : c.packetsToClient()).sum();
    }

    private static long sumBytes(Predicate<Connection> p) {
        return agent.connections().stream().filter(p).mapToLong(Connection::bytesToServer).sum();
    }

    @Test
    void ipv6TrafficIsEnforcedToo() throws Exception {
        apply(policy(ws1, RuleAction.ALLOW), policy(ws2, RuleAction.DENY,
                rule(800, ip(ws1.ipv6()), ip(ws1.ipv6()), ip(ws2.ipv6()), ip(ws2.ipv6()), IpProto.UDP, 7800, 7800,
                        RuleAction.ALLOW, true)));
        try (UdpReceiver ok = topo.udpReceiver(ws2, 7800); UdpReceiver no = topo.udpReceiver(ws2, 7801)) {
            topo.udpSend(ws1, ws2.ipv6(), 7800, 3, 64);
            topo.udpSend(ws1, ws2.ipv6(), 7801, 3, 64);
            assertThat(ok.awaitDatagrams(3, WAIT)).isEqualTo(3);
            assertThat(agent.awaitViolation(violation(17, ws1.ipv6(), ws2.ipv6(), 7801, RuleAction.DENY), WAIT))
                    .isPresent();
            assertThat(no.awaitDatagrams(1, BLOCKED)).as("denied: nothing arrives within " + BLOCKED.toMillis() + " ms")
                    .isZero();
        }
    }
}
