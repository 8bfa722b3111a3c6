package dev.microseg.dp.engine;

import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.NetlinkException;
import dev.microseg.dp.nfq.PacketHandler;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.testing.KernelTestSupport;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.UdpReceiver;
import dev.microseg.dp.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.microseg.dp.engine.Policies.policy;
import static dev.microseg.dp.testing.Await.condition;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures injected into a real data plane's queue loop (in this JVM, queue and rules in the
 * router namespace of a routed topology): a transient netlink error restarts the loop and traffic
 * keeps being enforced; a netlink error of the socket binds the queue again on a new socket and
 * traffic keeps being enforced; an error that leaves the queue unservable completes
 * {@link Dataplane#failure()} (Main then exits non-zero), and stopping after it removes the rules
 * when failing open and keeps them when failing closed, so traffic is then dropped as after a
 * crash.
 */
class DataplaneFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration BLOCKED = Duration.ofMillis(1500);

    private static RoutedTopology topo;
    private static Workload ws1;
    private static Workload ws2;
    private static Path dir;
    /** Thrown by the next packet's handler, then cleared. */
    private final AtomicReference<RuntimeException> nextRuntime = new AtomicReference<>();
    private final AtomicReference<Error> nextError = new AtomicReference<>();
    private Dataplane dp;

    @BeforeAll
    static void topology() throws Exception {
        topo = RoutedTopology.create(2);
        ws1 = topo.workload(1);
        ws2 = topo.workload(2);
        dir = Files.createTempDirectory("msdp");
    }

    @AfterEach
    void stop() throws Exception {
        if (dp != null) {
            dp.close();
        }
        InterceptManager.cleanupStale(InterceptConfig.of(1, true).inNamespace(topo.router()));
    }

    @AfterAll
    static void teardown() throws Exception {
        try {
            if (topo != null) {
                topo.close();
            }
        } finally {
            KernelTestSupport.deleteFlatDirectory(dir);
        }
    }

    private PacketHandler injecting(PacketHandler real) {
        return new PacketHandler() {
            @Override
            public void onPacket(dev.microseg.dp.nfq.NfqPacket p, dev.microseg.dp.nfq.Verdicts v) {
                RuntimeException r = nextRuntime.getAndSet(null);
                if (r != null) {
                    throw r;
                }
                Error e = nextError.getAndSet(null);
                if (e != null) {
                    throw e;
                }
                real.onPacket(p, v);
            }

            @Override
            public void batchDone() {
                real.batchDone();
            }
        };
    }

    private void start(boolean failOpen) throws Exception {
        Dataplane.Options o = new Dataplane.Options(dir.resolve("dp.sock"), dir.resolve("agent.sock"), 0, 1, failOpen,
                Optional.of(topo.router()), true, 65_536, false, 256, InterceptConfig.DEFAULT_CHAIN);
        dp = Dataplane.start(o, this::injecting);
        Engine e = dp.engine();
        e.onSysConf(new CtrlSysConf(failOpen, 1, false, 65_536, 3600, 60, 30));
        e.onAddMac(Policies.endpoint(ws1));
        e.onAddMac(Policies.endpoint(ws2));
        e.onPolicy(policy(ws1, RuleAction.ALLOW));
        e.onPolicy(policy(ws2, RuleAction.ALLOW));
        e.onIdle();
    }

    private static boolean udpPasses(int port, boolean expected) throws Exception {
        try (UdpReceiver rx = topo.udpReceiver(ws2, port)) {
            topo.udpSend(ws1, ws2.ipv4(), port, 3, 64);
            return rx.awaitDatagrams(1, expected ? WAIT : BLOCKED) > 0;
        }
    }

    private String rules() throws Exception {
        return topo.exec(topo.router(), "iptables-save", "-t", "filter").stdout();
    }

    @ParameterizedTest(name = "fail-open {0}")
    @ValueSource(booleans = {true, false})
    void aTransientErrorRestartsTheLoopABrokenSocketIsReboundAndAnErrorOfTheJvmFailsTheDataplane(boolean failOpen) throws Exception {
        start(failOpen);
        assertThat(udpPasses(7950, true)).isTrue();

        nextRuntime.set(new UncheckedIOException(new NetlinkException("sending verdicts to queue 0",
                Errno.ENOBUFS.number(), null)));
        topo.udpSend(ws1, ws2.ipv4(), 7951, 1, 64);
        assertThat(condition(() -> dp.counters().get("nfq.loop_restarts") == 1, WAIT)).isTrue();
        assertThat(udpPasses(7952, true)).as("served again after the restart").isTrue();
        assertThat(dp.failure()).isNotDone();
        assertThat(dp.counters()).containsEntry("nfq.queues_serving", 1L);

        long packetsBefore = dp.counters().get("nfq.packets");
        nextRuntime.set(new UncheckedIOException(new NetlinkException("sending verdicts to queue 0",
                Errno.EBADF.number(), null)));
        topo.udpSend(ws1, ws2.ipv4(), 7955, 1, 64);
        assertThat(condition(() -> dp.counters().get("nfq.rebinds") == 1, WAIT)).as("bound again").isTrue();
        assertThat(udpPasses(7956, true)).as("served on the new socket").isTrue();
        assertThat(dp.counters().get("nfq.packets")).as("the replaced socket's packets are still counted")
                .isGreaterThan(packetsBefore);
        assertThat(dp.failure()).isNotDone();

        nextError.set(new OutOfMemoryError("injected"));
        topo.udpSend(ws1, ws2.ipv4(), 7953, 1, 64);
        String reason = dp.failure().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason).startsWith("queue 0 cannot be served").contains("OutOfMemoryError");
        assertThat(dp.counters()).containsEntry("nfq.queues_serving", 0L);

        dp.closeAfterFailure();
        if (failOpen) {
            assertThat(rules()).as("failing open: the rules go").doesNotContain("MICROSEG-DP");
            assertThat(udpPasses(7954, true)).isTrue();
        } else {
            assertThat(rules()).as("failing closed: the rules stay").contains("-A FORWARD -j MICROSEG-DP");
            assertThat(udpPasses(7954, false)).as("and traffic to workloads is dropped").isFalse();
        }
    }
}
