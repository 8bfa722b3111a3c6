package dev.microseg.dp.conntrack;

import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.nfq.CopyMode;
import dev.microseg.dp.nfq.NfQueueConfig;
import dev.microseg.dp.nfq.PacketHandler;
import dev.microseg.dp.nfq.Verdict;
import dev.microseg.dp.testing.Await;
import dev.microseg.dp.testing.PacketLog;
import dev.microseg.dp.testing.QueueRunner;
import dev.microseg.dp.testing.RoutedTopology;
import dev.microseg.dp.testing.TcpClient;
import dev.microseg.dp.testing.TcpEchoServer;
import dev.microseg.dp.testing.UdpReceiver;
import dev.microseg.dp.testing.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offload path end to end: a verdict with the ACCEPT (or DROP) mark makes the intercept rules
 * save it in the ct mark, after which the connection stays in the kernel; ctnetlink reads the
 * mark and counters, rewrites the mark to cut the connection, deletes entries, and the DESTROY
 * event carries the final counters.
 */
class OffloadKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration BLOCKED = Duration.ofMillis(800);
    private static final MarkBits MARKS = MarkBits.DEFAULT;
    /** Every packet that reaches user space is decided: accepted and offloaded. */
    private static final PacketHandler OFFLOAD_ALL = (p, v) -> v.verdict(p.id(), Verdict.REPEAT,
            MARKS.acceptMark(p.mark()));

    private static RoutedTopology topo;
    private static Workload ws1;
    private static Workload ws2;
    private static InterceptManager rules;
    private static Conntrack conntrack;

    @BeforeAll
    static void setUp() throws Exception {
        topo = RoutedTopology.create(2);
        ws1 = topo.workload(1);
        ws2 = topo.workload(2);
        topo.thread(topo.router()).call(() -> {
            Conntrack.enableAccounting();
            return null;
        });
        conntrack = topo.thread(topo.router()).call(Conntrack::open);
        rules = InterceptManager.create(InterceptConfig.of(1, true).inNamespace(topo.router()));
        rules.install();
        rules.addWorkloads(List.of(ws2.ipv4(), ws2.ipv6()));
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            if (conntrack != null) {
                conntrack.close();
            }
            if (rules != null) {
                rules.removeAll();
            }
        } finally {
            if (topo != null) {
                topo.close();
            }
        }
    }

    private static QueueRunner queue(PacketLog log, PacketHandler decide) throws Exception {
        NfQueueConfig c = NfQueueConfig.defaults(0).withCopy(CopyMode.PACKET, 256).withPollInterval(Duration.ofMillis(50));
        return QueueRunner.start(topo.router(), c, (p, v) -> {
            log.add(p);
            decide.onPacket(p, v);
        });
    }

    @Test
    void acceptMarkOffloadsTcpAndACtMarkRewriteCutsIt() throws Exception {
        PacketLog log = new PacketLog();
        int port = 7101;
        try (QueueRunner q = queue(log, OFFLOAD_ALL); TcpEchoServer echo = topo.tcpEchoServer(ws2, port);
             TcpClient c = topo.tcpConnect(ws1, ws2.ipv4(), port, WAIT)) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.echo(("message " + i).getBytes(StandardCharsets.US_ASCII), WAIT)).isTrue();
            }
            long queued = log.count(p -> p.touchesPort(6, port));
            assertThat(queued).as("only the SYN (and a retransmit at most) reached user space").isBetween(1L, 2L);

            ConntrackTuple tuple = ConntrackTuple.tcp(ws1.ipv4(), c.localPort(), ws2.ipv4(), port);
            ConntrackEntry entry = conntrack.get(tuple).orElseThrow();
            assertThat(MARKS.decision(entry.mark())).isEqualTo(MarkBits.Decision.ACCEPT);
            assertThat(entry.status() & ConntrackEntry.IPS_CONFIRMED).isNotZero();
            assertThat(entry.reply().source()).isEqualTo(ws2.ipv4());
            String cli = topo.exec(topo.router(), "conntrack", "-L", "-p", "tcp", "--dport", Integer.toString(port))
                    .stdout();
            assertThat(cli).contains("sport=" + c.localPort()).contains("mark=" + Integer.toUnsignedString(MARKS.accept()));

            assertThat(conntrack.setMark(tuple, MARKS.drop(), MARKS.mask())).isTrue();
            assertThat(c.echo("after the cut".getBytes(StandardCharsets.US_ASCII), BLOCKED))
                    .as("the kernel drops the connection now").isFalse();
            assertThat(log.count(p -> p.touchesPort(6, port))).as("nothing more reached user space").isEqualTo(queued);
            assertThat(MARKS.decision(conntrack.get(tuple).orElseThrow().mark())).isEqualTo(MarkBits.Decision.DROP);
            assertThat(q.stats().kernelErrors()).isZero();
        }
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void countersMatchTheBytesSentAndTheDestroyEventCarriesThem(boolean v6) throws Exception {
        PacketLog log = new PacketLog();
        int port = v6 ? 7103 : 7102;
        int size = 100;
        int count = 50;
        InetAddress src = ws1.address(v6);
        InetAddress dst = ws2.address(v6);
        try (QueueRunner q = queue(log, OFFLOAD_ALL); UdpReceiver rx = topo.udpReceiver(ws2, port);
             ConntrackEvents events = topo.thread(topo.router()).call(ConntrackEvents::subscribeDestroy)) {
            int sport = topo.udpSend(ws1, dst, port, 1, size);
            assertThat(rx.awaitDatagrams(1, WAIT)).isEqualTo(1);
            ConntrackTuple tuple = ConntrackTuple.udp(src, sport, dst, port);
            topo.udpSendFrom(ws1, sport, dst, port, count - 1, size);
            assertThat(rx.awaitDatagrams(count, WAIT)).isEqualTo(count);
            assertThat(log.count(p -> p.touchesPort(17, port))).as("first datagram only").isEqualTo(1);

            int headers = v6 ? 40 + 8 : 20 + 8;
            ConntrackEntry entry = conntrack.get(tuple).orElseThrow();
            assertThat(entry.originalCounters()).contains(new ConntrackCounters(count, (long) count * (size + headers)));
            assertThat(entry.replyCounters()).contains(new ConntrackCounters(0, 0));
            assertThat(conntrack.dumpByMark(MARKS.accept(), MARKS.mask())).extracting(ConntrackEntry::original)
                    .contains(tuple);
            assertThat(conntrack.dumpByMark(MARKS.drop(), MARKS.mask())).extracting(ConntrackEntry::original)
                    .doesNotContain(tuple);

            assertThat(conntrack.delete(tuple)).isTrue();
            assertThat(conntrack.get(tuple)).isEmpty();
            assertThat(conntrack.delete(tuple)).isFalse();

            Optional<ConntrackEvent> destroyed = awaitDestroy(events, tuple);
            assertThat(destroyed).as("DESTROY event for " + tuple).isPresent();
            assertThat(destroyed.get().entry().originalCounters())
                    .contains(new ConntrackCounters(count, (long) count * (size + headers)));
            assertThat(MARKS.decision(destroyed.get().entry().mark())).isEqualTo(MarkBits.Decision.ACCEPT);
            assertThat(events.lost()).isZero();
        }
    }

    @Test
    void dropMarkDropsTheRestOfADeniedConnectionInTheKernel() throws Exception {
        PacketLog log = new PacketLog();
        int port = 7104;
        List<Integer> seen = new ArrayList<>();
        PacketHandler firstAcceptedThenDenied = (p, v) -> {
            seen.add(p.id());
            if (seen.size() == 1) {
                v.accept(p.id());
            } else {
                v.verdict(p.id(), Verdict.REPEAT, MARKS.dropMark(p.mark()));
            }
        };
        try (QueueRunner q = queue(log, firstAcceptedThenDenied); UdpReceiver rx = topo.udpReceiver(ws2, port)) {
            int sport = topo.udpSend(ws1, ws2.ipv4(), port, 1, 10);
            assertThat(rx.awaitDatagrams(1, WAIT)).isEqualTo(1);
            topo.udpSendFrom(ws1, sport, ws2.ipv4(), port, 1, 10);
            assertThat(log.await(p -> p.touchesPort(17, port), 2, WAIT)).isEqualTo(2);
            topo.udpSendFrom(ws1, sport, ws2.ipv4(), port, 20, 10);
            ConntrackTuple tuple = ConntrackTuple.udp(ws1.ipv4(), sport, ws2.ipv4(), port);
            long counted = Await.until(() -> originalPackets(tuple), n -> n >= 22, WAIT);
            assertThat(counted).as("all 22 datagrams crossed conntrack").isEqualTo(22);
            assertThat(rx.datagrams()).as("only the accepted first datagram arrived").isEqualTo(1);
            assertThat(log.count(p -> p.touchesPort(17, port))).as("the rest never reached user space").isEqualTo(2);
            assertThat(MARKS.decision(conntrack.get(tuple).orElseThrow().mark())).isEqualTo(MarkBits.Decision.DROP);
        }
    }

    private static long originalPackets(ConntrackTuple tuple) {
        try {
            return conntrack.get(tuple).flatMap(ConntrackEntry::originalCounters).map(ConntrackCounters::packets)
                    .orElse(0L);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Optional<ConntrackEvent> awaitDestroy(ConntrackEvents events, ConntrackTuple tuple) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ConntrackEvent> got = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            events.poll(got::add);
            Optional<ConntrackEvent> match = got.stream().filter(e -> e.type() == ConntrackEvent.Type.DESTROY)
                    .filter(e -> e.entry().original().equals(tuple)).findFirst();
            if (match.isPresent()) {
                return match;
            }
        }
        return Optional.empty();
    }
}
