package dev.microseg.dp.ctrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.microseg.dp.protocol.ConnectionReport;
import dev.microseg.dp.protocol.ControlCommand;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.CountersReport;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlCfgMac;
import dev.microseg.dp.protocol.CtrlDelMac;
import dev.microseg.dp.protocol.CtrlSync;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.DecodedReport;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.ErrorReport;
import dev.microseg.dp.protocol.InternalNets;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.ProtocolLimits;
import dev.microseg.dp.protocol.ReportKind;
import dev.microseg.dp.protocol.ReportSequence;
import dev.microseg.dp.protocol.Samples;
import dev.microseg.dp.protocol.Subnet;
import dev.microseg.dp.protocol.SyncPhase;
import dev.microseg.dp.protocol.WorkloadPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.LoggerFactory;

/** The control socket over real unix datagram sockets in a temporary directory: a real client, a real server. */
class ControlServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Path dpPath;
    private Path agentPath;
    private RecordingHandler handler;
    private ControlServer server;
    private ControlClient agent;
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void start() throws Exception {
        dpPath = dir.resolve("dp.sock");
        agentPath = dir.resolve("agent.sock");
        handler = new RecordingHandler();
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(ControlServer.class)).addAppender(logs);
        server = ControlServer.start(ControlServerConfig.of(dpPath, agentPath).withReconnectInterval(Duration.ZERO), handler);
        agent = ControlClient.open(agentPath, dpPath);
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
        server.close();
        ((Logger) LoggerFactory.getLogger(ControlServer.class)).detachAppender(logs);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    /** Counters move after the effect a test observes (the reply, the handler call): wait for them. */
    private void awaitCounter(String name, long value) {
        await(name + " = " + value, () -> server.counters().get(name) == value);
    }

    private DecodedReport nextReport() throws Exception {
        return agent.receive(WAIT).orElseThrow(() -> new AssertionError("no report within " + WAIT));
    }

    static Stream<Arguments> commands() {
        Endpoint ep = new Endpoint("veth1", Samples.WL1, List.of(Samples.ip("172.17.0.2"), Samples.ip("fd00::2")));
        return Stream.of(
                arguments("ctrl_add_mac", new CtrlAddMac(ep)),
                arguments("ctrl_del_mac", new CtrlDelMac(ep)),
                arguments("ctrl_cfg_mac", new CtrlCfgMac(ep)),
                arguments("ctrl_sys_conf", CtrlSysConf.defaults()),
                arguments("ctrl_sync", new CtrlSync(3, SyncPhase.BEGIN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void commandReachesTheHandler(String name, ControlCommand cmd) throws Exception {
        agent.send(cmd);
        Object seen = handler.next(WAIT);
        assertThat(seen).isEqualTo(cmd);
    }

    @Test
    void batchedPolicyReachesTheHandlerWhole() throws Exception {
        WorkloadPolicy policy = Samples.policy(Samples.WL1, 1000);
        assertThat(agent.sendPolicy(policy)).isEqualTo(25);
        assertThat(handler.next(WAIT)).isEqualTo(policy);
        assertThat(handler.seen).isEmpty();
        awaitCounter("ctrl.policies_applied", 1);
        assertThat(server.counters()).containsEntry("ctrl.rx_datagrams", 25L);
    }

    @Test
    void internalNetsReachTheHandlerWhole() throws Exception {
        List<Subnet> subnets = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            subnets.add(Subnet.of(IpAddress.v4(0x0A000000 | (i << 8)), 24));
        }
        assertThat(agent.sendInternalNets(new InternalNets(subnets))).isEqualTo(2);
        assertThat(handler.next(WAIT)).isEqualTo(new InternalNets(subnets));
    }

    @Test
    void malformedDatagramIsLoggedCountedAnsweredAndServingGoesOn() throws Exception {
        agent.sendDatagram(Samples.j("{'ctrl_add_mac':{'iface':'eth0','mac':'02:42:ac:11:00'}}").getBytes(StandardCharsets.UTF_8));
        DecodedReport r = nextReport();
        assertThat(r.report()).isEqualTo(new ErrorReport(ControlError.INVALID_VALUE, "ctrl_add_mac", "ctrl_add_mac.mac",
                "not a MAC address (want aa:bb:cc:dd:ee:ff): \"02:42:ac:11:00\""));
        assertThat(server.counters()).containsEntry("ctrl.malformed", 1L).containsEntry("ctrl.commands", 0L);
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("event=ctrl_malformed command=ctrl_add_mac error=INVALID_VALUE path=ctrl_add_mac.mac reason=")
                .contains("from=" + agentPath));

        CtrlAddMac good = new CtrlAddMac(new Endpoint("eth0", Samples.WL1, List.of()));
        agent.send(good);
        assertThat(handler.next(WAIT)).isEqualTo(good);
    }

    @Test
    void aFieldNameCannotForgeLogLines() throws Exception {
        agent.sendDatagram("{\"ctrl_keep_alive\":{\"a\\nevent=forged x\\\"y\":1}}".getBytes(StandardCharsets.UTF_8));
        ErrorReport e = (ErrorReport) nextReport().report();
        assertThat(e.path()).isEqualTo("ctrl_keep_alive.a\nevent=forged x\"y");
        assertThat(logs.list).anySatisfy(l -> assertThat(l.getFormattedMessage())
                .contains("path=ctrl_keep_alive.a\\u000aevent=forged\\u0020x\\u0022y ")
                .doesNotContain("\n"));
    }

    @Test
    void oversizeDatagramIsRefused() throws Exception {
        byte[] big = new byte[ProtocolLimits.MAX_DATAGRAM + 1000];
        java.util.Arrays.fill(big, (byte) ' ');
        agent.sendDatagram(big);
        ErrorReport e = (ErrorReport) nextReport().report();
        assertThat(e.error()).isEqualTo(ControlError.OVERSIZE);
        assertThat(server.counters()).containsEntry("ctrl.oversize", 1L).containsEntry("ctrl.rx_bytes", (long) big.length);
    }

    @Test
    void refusedAndFailingCommandsAreAnsweredAndServingGoesOn() throws Exception {
        agent.send(new CtrlAddMac(new Endpoint("reject", Samples.WL1, List.of())));
        assertThat(nextReport().report()).isEqualTo(
                new ErrorReport(ControlError.REJECTED, "ctrl_add_mac", "ctrl_add_mac.iface", "no such interface"));
        agent.send(new CtrlAddMac(new Endpoint("explode", Samples.WL1, List.of())));
        assertThat(nextReport().report()).isEqualTo(
                new ErrorReport(ControlError.INTERNAL, "ctrl_add_mac", "", "IllegalStateException: engine bug"));
        assertThat(server.counters()).containsEntry("ctrl.rejected", 1L).containsEntry("ctrl.handler_failures", 1L);
        agent.send(new CtrlSync(1, SyncPhase.BEGIN));
        assertThat(handler.next(WAIT)).isEqualTo(new CtrlSync(1, SyncPhase.BEGIN));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"oom", "overflow"})
    void anErrorOutOfAHandlerFailsThatCommandOnly(String iface) throws Exception {
        agent.send(new CtrlAddMac(new Endpoint(iface, Samples.WL1, List.of())));
        ErrorReport e = (ErrorReport) nextReport().report();
        assertThat(e.error()).isEqualTo(ControlError.INTERNAL);
        assertThat(e.reason()).startsWith(iface.equals("oom") ? "OutOfMemoryError" : "StackOverflowError");
        assertThat(server.counters()).containsEntry("ctrl.handler_failures", 1L);
        agent.send(new CtrlSync(1, SyncPhase.BEGIN));
        assertThat(handler.next(WAIT)).as("still serving").isEqualTo(new CtrlSync(1, SyncPhase.BEGIN));
    }

    @Test
    void anErrorOfTheJvmStopsTheControlThreadAndIsTold() throws Exception {
        server.close();
        CompletableFuture<String> fatal = new CompletableFuture<>();
        server = ControlServer.start(ControlServerConfig.of(dpPath, agentPath).withReconnectInterval(Duration.ZERO),
                handler, fatal::complete);
        agent.send(new CtrlAddMac(new Endpoint("jvm", Samples.WL1, List.of())));
        assertThat(fatal.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .startsWith("the control thread cannot go on").contains("InternalError");
        server.close();
        assertThat(java.nio.file.Files.exists(dpPath)).as("close() after the thread stopped itself still removes the socket file").isFalse();
    }

    @Test
    void onlyTheEndOfTheOpenReplayIsPassedOn() throws Exception {
        agent.send(new CtrlSync(6, SyncPhase.END));
        ErrorReport unmatched = (ErrorReport) nextReport().report();
        assertThat(unmatched.path()).isEqualTo("ctrl_sync.gen");
        assertThat(unmatched.reason()).isEqualTo("no replay began with gen 6; end ignored");
        agent.send(new CtrlSync(5, SyncPhase.BEGIN));
        assertThat(handler.next(WAIT)).isEqualTo(new CtrlSync(5, SyncPhase.BEGIN));
        agent.send(new CtrlSync(6, SyncPhase.END));
        assertThat(((ErrorReport) nextReport().report()).reason()).isEqualTo("no replay began with gen 6 (the open one is 5); end ignored");
        agent.send(new CtrlSync(5, SyncPhase.END));
        assertThat(handler.next(WAIT)).isEqualTo(new CtrlSync(5, SyncPhase.END));
        assertThat(handler.seen).isEmpty();
    }

    @Test
    void keepAliveIsEchoed() throws Exception {
        KeepAliveEcho echo = agent.keepAlive(4_000_000_000L, WAIT, null);
        assertThat(echo).isEqualTo(new KeepAliveEcho(4_000_000_000L, ProtocolLimits.PROTOCOL_VERSION, server.startMillis()));
        assertThat(handler.next(WAIT)).isEqualTo(new dev.microseg.dp.protocol.CtrlKeepAlive(4_000_000_000L));
        KeepAliveEcho second = agent.keepAlive(4_000_000_001L, WAIT, null);
        assertThat(second.seqNum()).isEqualTo(4_000_000_001L);
        awaitCounter("ctrl.replies_sent", 2);
        assertThat(server.counters()).containsEntry("ctrl.keepalives", 2L);
    }

    @Test
    void oneThreadReceivesWhileAnotherSends() throws Exception {
        // A burst far above the real 2 s cadence: the dp never blocks on the agent, so an echo that finds the
        // agent's queue full is dropped and counted. Every keep-alive is either echoed or counted, none twice.
        int n = 200;
        java.util.concurrent.ConcurrentLinkedQueue<Long> echoed = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread receiver = Thread.ofPlatform().start(() -> {
            try {
                while (echoed.size() + server.counters().get("ctrl.replies_dropped") < n) {
                    agent.receive(Duration.ofMillis(200)).ifPresent(r -> echoed.add(((KeepAliveEcho) r.report()).seqNum()));
                }
            } catch (Exception e) {
                failure.set(e);
            }
        });
        for (long i = 0; i < n; i++) {
            agent.send(new dev.microseg.dp.protocol.CtrlKeepAlive(i));
        }
        receiver.join(WAIT.toMillis());
        assertThat(receiver.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(echoed).doesNotHaveDuplicates();
        assertThat(echoed.size() + server.counters().get("ctrl.replies_dropped")).isEqualTo(n);
        assertThat(server.counters()).containsEntry("ctrl.keepalives", (long) n);
    }

    @Test
    void statsRequestGetsTheCounters() throws Exception {
        agent.send(CtrlSysConf.defaults());
        handler.next(WAIT);
        agent.sendDatagram("nonsense".getBytes(StandardCharsets.US_ASCII));
        List<DecodedReport> others = new ArrayList<>();
        CountersReport stats = agent.stats(42, WAIT, others::add);
        Map<String, Long> m = stats.asMap();
        assertThat(m).containsEntry("ctrl.rx_datagrams", 3L).containsEntry("ctrl.commands", 2L)
                .containsEntry("ctrl.malformed", 1L).containsEntry("engine.applied", 1L).containsKey("report.messages_dropped");
        assertThat(others).singleElement().satisfies(r -> assertThat(r.header().kind()).isEqualTo(ReportKind.ERROR));
        assertThat(ControlClient.queryStats(dpPath, WAIT)).containsEntry("ctrl.rx_datagrams", 4L);
    }

    @Test
    void reportsReachTheAgentSocketInSequence() throws Exception {
        ConnectionReport batch = new ConnectionReport(Samples.connections(1000));
        assertThat(server.report(batch)).isTrue();
        DecodedReport first = nextReport();
        DecodedReport second = nextReport();
        assertThat(first.header().more()).isEqualTo(1);
        assertThat(second.header().more()).isZero();
        assertThat(second.header().seq()).isEqualTo(first.header().seq() + 1);
        List<Object> all = new ArrayList<>(((ConnectionReport) first.report()).connections());
        all.addAll(((ConnectionReport) second.report()).connections());
        assertThat(all).isEqualTo(batch.connections());
        assertThat(server.counters()).containsEntry("report.messages_sent", 2L).containsEntry("report.messages_dropped", 0L);
    }

    @Test
    void reportsAreDroppedWhileTheAgentIsAbsentAndFlowOnceItBinds() throws Exception {
        agent.close();
        ConnectionReport one = new ConnectionReport(Samples.connections(1));
        assertThat(server.report(one)).isFalse();
        assertThat(server.report(one)).isFalse();
        assertThat(server.counters()).containsEntry("report.messages_dropped", 2L).containsEntry("report.messages_sent", 0L);

        agent = ControlClient.open(agentPath, dpPath);
        assertThat(server.report(one)).isTrue();
        DecodedReport r = nextReport();
        assertThat(r.report()).isEqualTo(one);
        assertThat(r.header().seq()).as("dropped messages used seq 0 and 1").isEqualTo(2);

    }

    @Test
    void fullAgentQueueDropsInsteadOfBlockingAndTheAgentSeesTheGap() throws Exception {
        // The agent does not read: the kernel queue (net.unix.max_dgram_qlen) fills and further reports are dropped.
        ConnectionReport one = new ConnectionReport(Samples.connections(1));
        int attempts = 200;
        for (int i = 0; i < attempts; i++) {
            server.report(one);
        }
        Map<String, Long> c = server.counters();
        long sent = c.get("report.messages_sent");
        long dropped = c.get("report.messages_dropped");
        assertThat(dropped).isPositive();
        assertThat(sent + dropped).isEqualTo(attempts);

        ReportSequence stream = new ReportSequence();
        for (long i = 0; i < sent; i++) {
            stream.observe(nextReport().header().seq());
        }
        assertThat(server.report(one)).isTrue();
        stream.observe(nextReport().header().seq());
        assertThat(stream.lost()).isEqualTo(dropped);
    }

    @Test
    void unboundSenderGetsNoReplyButIsServed() throws Exception {
        try (AFUNIXDatagramChannel anon = AFUNIXDatagramChannel.open()) {
            anon.connect(AFUNIXSocketAddress.of(dpPath));
            anon.write(ByteBuffer.wrap(Samples.j("{'ctrl_keep_alive':{'seq_num':5}}").getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(handler.next(WAIT)).isEqualTo(new dev.microseg.dp.protocol.CtrlKeepAlive(5));
        awaitCounter("ctrl.replies_no_address", 1);
    }

    @Test
    void malformedFloodIsRateLimited() throws Exception {
        server.close();
        server = ControlServer.start(ControlServerConfig.of(dpPath, agentPath).withLogBudget(5, Duration.ofHours(1)), handler);
        logs.list.clear();
        for (int i = 0; i < 50; i++) {
            agent.sendDatagram(("garbage " + i).getBytes(StandardCharsets.US_ASCII));
        }
        await("50 malformed datagrams", () -> server.counters().get("ctrl.malformed") == 50L);
        assertThat(logs.list.stream().filter(e -> e.getFormattedMessage().startsWith("event=ctrl_malformed"))).hasSize(5);
        assertThat(server.counters()).containsEntry("ctrl.log_suppressed", 45L);
    }

    @Test
    void socketFileIsPrivateAndRemovedOnClose() throws Exception {
        assertThat(Files.getPosixFilePermissions(dpPath)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        server.close();
        assertThat(dpPath).doesNotExist();
        server.close();
        Path nested = dir.resolve("run/microseg/dp.sock");
        try (ControlServer s = ControlServer.start(ControlServerConfig.of(nested, agentPath), handler)) {
            assertThat(Files.getPosixFilePermissions(nested.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(nested)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void staleSocketIsReplacedButALiveOneIsNotStolen() throws Exception {
        assertThatThrownBy(() -> ControlServer.start(ControlServerConfig.of(dpPath, agentPath), handler))
                .hasMessageContaining("in use by a running process");
        // A dp that died leaves its socket file behind with nobody bound to it: closing a channel does the same.
        Path stalePath = dir.resolve("stale.sock");
        try (AFUNIXDatagramChannel dead = AFUNIXDatagramChannel.open()) {
            dead.bind(AFUNIXSocketAddress.of(stalePath));
        }
        assertThat(stalePath).exists();
        try (ControlServer second = ControlServer.start(ControlServerConfig.of(stalePath, agentPath), handler);
             ControlClient other = ControlClient.open(dir.resolve("other.sock"), stalePath)) {
            assertThat(other.keepAlive(1, WAIT, null).seqNum()).isEqualTo(1);
        }
        Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> ControlServer.start(ControlServerConfig.of(dir.resolve("plain"), agentPath), handler))
                .hasMessageContaining("is not a socket");
    }
}
