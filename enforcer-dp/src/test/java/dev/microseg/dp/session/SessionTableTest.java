package dev.microseg.dp.session;

import static dev.microseg.dp.packet.DecodedPacket.ACK;
import static dev.microseg.dp.packet.DecodedPacket.FIN;
import static dev.microseg.dp.packet.DecodedPacket.PSH;
import static dev.microseg.dp.packet.DecodedPacket.RST;
import static dev.microseg.dp.packet.DecodedPacket.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.packet.DecodeResult;
import dev.microseg.dp.packet.DecodedPacket;
import dev.microseg.dp.packet.IpProtocols;
import dev.microseg.dp.packet.PacketDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SessionTableTest {
    /** Small distinct timeouts so each test can step the injected clock past exactly one. */
    static final SessionTimeouts T = new SessionTimeouts(1_000, 2_000, 100_000, 3_000, 4_000, 5_000, 500, 6_000,
        7_000, 8_000, 9_000);

    static final long[] CLIENT = Addresses.parse("10.0.0.1");
    static final long[] SERVER = Addresses.parse("10.0.0.2");
    static final long[] V6_CLIENT = Addresses.parse("fd00::1");
    static final long[] V6_SERVER = Addresses.parse("fd00::2");

    private final SessionKey key = new SessionKey();
    private final SessionView view = new SessionView();
    private final List<String> removed = new ArrayList<>();
    private final SessionTable table = new SessionTable(1000, 1, T, (s, cause) -> removed.add(cause + " " + s.initiatorPort()));

    private SessionKey fwd(int proto) {
        return key.set(proto, CLIENT[0], CLIENT[1], 40000, SERVER[0], SERVER[1], 80, false);
    }

    private SessionKey rev(int proto) {
        return key.set(proto, SERVER[0], SERVER[1], 80, CLIENT[0], CLIENT[1], 40000, false);
    }

    @Test
    void bothDirectionsFindTheSameSessionAndKnowTheInitiator() {
        assertThat(table.track(fwd(IpProtocols.TCP), SYN, 60, 0, view)).isEqualTo(TrackOutcome.CREATED);
        assertThat(view.fromInitiator()).isTrue();
        assertThat(table.track(rev(IpProtocols.TCP), SYN | ACK, 60, 1, view)).isEqualTo(TrackOutcome.EXISTING);
        assertThat(view.fromInitiator()).isFalse();
        assertThat(view.initiatorLo()).isEqualTo(CLIENT[1]);
        assertThat(view.initiatorPort()).isEqualTo(40000);
        assertThat(view.responderLo()).isEqualTo(SERVER[1]);
        assertThat(view.responderPort()).isEqualTo(80);
        assertThat(view.packetsFromInitiator()).isEqualTo(1);
        assertThat(view.packetsFromResponder()).isEqualTo(1);
        assertThat(view.bytesFromResponder()).isEqualTo(60);
        assertThat(table.get(rev(IpProtocols.TCP), 2, view)).isTrue();
        assertThat(table.get(fwd(IpProtocols.TCP), 2, view)).isTrue();
        assertThat(view.fromInitiator()).isTrue();
        assertThat(table.get(fwd(IpProtocols.UDP), 2, view)).as("another protocol is another session").isFalse();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void ipv6SessionsAndKeysFromDecodedPackets() {
        DecodedPacket p = new DecodedPacket();
        byte[] icmp = java.util.HexFormat.of().parseHex("6000000000083a40" + "fd000000000000000000000000000001"
            + "fd000000000000000000000000000002" + "8000000012340007");
        assertThat(PacketDecoder.decode(icmp, icmp.length, icmp.length, p)).isEqualTo(DecodeResult.OK);
        assertThat(table.track(key.fromPacket(p), 0, icmp.length, 0, view)).isEqualTo(TrackOutcome.CREATED);
        assertThat(view.initiatorHi()).isEqualTo(V6_CLIENT[0]);
        assertThat(view.initiatorLo()).isEqualTo(V6_CLIENT[1]);
        assertThat(view.initiatorPort()).isEqualTo(0x1234);
        key.set(IpProtocols.ICMPV6, V6_SERVER[0], V6_SERVER[1], 0x1234, V6_CLIENT[0], V6_CLIENT[1], 0x1234, true);
        assertThat(table.track(key, 0, 48, 1, view)).isEqualTo(TrackOutcome.EXISTING);
        assertThat(view.fromInitiator()).isFalse();
    }

    @Test
    void anEchoReplySeenFirstMakesTheDestinationTheInitiator() {
        key.set(IpProtocols.ICMP, SERVER[0], SERVER[1], 7, CLIENT[0], CLIENT[1], 7, true);
        table.track(key, 0, 84, 0, view);
        assertThat(view.fromInitiator()).isFalse();
        assertThat(view.initiatorLo()).isEqualTo(CLIENT[1]);
        assertThat(view.packetsFromResponder()).isEqualTo(1);
    }

    record Step(boolean fromClient, int flags, TcpState expected) {
    }

    static Step c(int flags, TcpState s) {
        return new Step(true, flags, s);
    }

    static Step s(int flags, TcpState st) {
        return new Step(false, flags, st);
    }

    static Stream<Arguments> tcpSequences() {
        return Stream.of(
            Arguments.of("three-way handshake and close", List.of(c(SYN, TcpState.SYN_SENT), s(SYN | ACK, TcpState.SYN_RECV),
                c(ACK, TcpState.ESTABLISHED), c(PSH | ACK, TcpState.ESTABLISHED), c(FIN | ACK, TcpState.FIN_WAIT),
                s(ACK, TcpState.FIN_WAIT), s(FIN | ACK, TcpState.LAST_ACK), c(ACK, TcpState.TIME_WAIT))),
            Arguments.of("retransmitted SYN stays SYN_SENT", List.of(c(SYN, TcpState.SYN_SENT), c(SYN, TcpState.SYN_SENT))),
            Arguments.of("lost SYN-ACK: responder's ACK establishes", List.of(c(SYN, TcpState.SYN_SENT), s(ACK, TcpState.ESTABLISHED))),
            Arguments.of("simultaneous open", List.of(c(SYN, TcpState.SYN_SENT), s(SYN, TcpState.SYN_RECV), c(ACK, TcpState.ESTABLISHED))),
            Arguments.of("mid-stream pickup", List.of(c(PSH | ACK, TcpState.ESTABLISHED), s(ACK, TcpState.ESTABLISHED))),
            Arguments.of("pickup at a FIN", List.of(c(FIN | ACK, TcpState.FIN_WAIT), s(FIN | ACK, TcpState.LAST_ACK))),
            Arguments.of("reset in handshake", List.of(c(SYN, TcpState.SYN_SENT), s(RST | ACK, TcpState.CLOSE))),
            Arguments.of("reset when established", List.of(c(SYN, TcpState.SYN_SENT), s(SYN | ACK, TcpState.SYN_RECV),
                c(ACK, TcpState.ESTABLISHED), c(RST, TcpState.CLOSE), s(ACK, TcpState.CLOSE))),
            Arguments.of("responder closes first", List.of(c(ACK, TcpState.ESTABLISHED), s(FIN | ACK, TcpState.FIN_WAIT),
                c(FIN | ACK, TcpState.LAST_ACK), s(ACK, TcpState.TIME_WAIT))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpSequences")
    void tcpStateMachine(String name, List<Step> steps) {
        long now = 0;
        for (Step st : steps) {
            SessionKey k = st.fromClient() ? fwd(IpProtocols.TCP) : rev(IpProtocols.TCP);
            table.track(k, st.flags(), 40, now++, view);
            assertThat(view.tcpState()).as("%s after %s", name, st).isEqualTo(st.expected());
        }
        assertThat(view.initiatorPort()).isEqualTo(40000);
    }

    @Test
    void aSynAckSeenFirstMakesTheReceiverTheInitiator() {
        table.track(rev(IpProtocols.TCP), SYN | ACK, 60, 0, view);
        assertThat(view.tcpState()).isEqualTo(TcpState.SYN_RECV);
        assertThat(view.initiatorPort()).isEqualTo(40000);
        assertThat(view.fromInitiator()).isFalse();
        table.track(fwd(IpProtocols.TCP), ACK, 40, 1, view);
        assertThat(view.tcpState()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(view.midstream()).isFalse();
    }

    @Test
    void aLoneResetCreatesNothing() {
        assertThat(table.track(fwd(IpProtocols.TCP), RST, 40, 0, view)).isEqualTo(TrackOutcome.NOT_CREATED);
        assertThat(table.size()).isZero();
        assertThat(table.counters().failures()).isEqualTo(1);
    }

    @Test
    void aSynAfterCloseReopensTheTuple() {
        table.track(fwd(IpProtocols.TCP), SYN, 60, 0, view);
        table.decide(fwd(IpProtocols.TCP), Verdict.ALLOWED, 7, 3);
        table.track(rev(IpProtocols.TCP), RST | ACK, 40, 1, view);
        assertThat(table.track(fwd(IpProtocols.TCP), SYN, 60, 2, view)).isEqualTo(TrackOutcome.REOPENED);
        assertThat(view.tcpState()).isEqualTo(TcpState.SYN_SENT);
        assertThat(view.verdict()).as("a new connection is decided afresh").isEqualTo(Verdict.UNDECIDED);
        assertThat(view.packetsFromInitiator()).isEqualTo(1);
        assertThat(removed).containsExactly("REPLACED 40000");
    }

    static Stream<Arguments> timeouts() {
        return Stream.of(
            Arguments.of("SYN_SENT", IpProtocols.TCP, new int[][] {{1, SYN}}, 1_000L),
            Arguments.of("SYN_RECV", IpProtocols.TCP, new int[][] {{1, SYN}, {0, SYN | ACK}}, 2_000L),
            Arguments.of("ESTABLISHED", IpProtocols.TCP, new int[][] {{1, SYN}, {0, SYN | ACK}, {1, ACK}}, 100_000L),
            Arguments.of("FIN_WAIT", IpProtocols.TCP, new int[][] {{1, ACK}, {1, FIN | ACK}}, 3_000L),
            Arguments.of("LAST_ACK", IpProtocols.TCP, new int[][] {{1, ACK}, {1, FIN}, {0, FIN | ACK}}, 4_000L),
            Arguments.of("TIME_WAIT", IpProtocols.TCP, new int[][] {{1, ACK}, {1, FIN}, {0, FIN | ACK}, {1, ACK}}, 5_000L),
            Arguments.of("CLOSE after RST", IpProtocols.TCP, new int[][] {{1, ACK}, {0, RST}}, 500L),
            Arguments.of("UDP one way", IpProtocols.UDP, new int[][] {{1, 0}, {1, 0}}, 6_000L),
            Arguments.of("UDP replied", IpProtocols.UDP, new int[][] {{1, 0}, {0, 0}}, 7_000L),
            Arguments.of("ICMP", IpProtocols.ICMP, new int[][] {{1, 0}}, 8_000L),
            Arguments.of("other protocol (SCTP)", 132, new int[][] {{1, 0}}, 9_000L));
    }

    @ParameterizedTest(name = "{0} idles out after {3} ms")
    @MethodSource("timeouts")
    void idleTimeoutPerProtocolAndState(String name, int proto, int[][] packets, long timeout) {
        long now = 1_000_000;
        for (int[] pkt : packets) {
            table.track(pkt[0] == 1 ? fwd(proto) : rev(proto), pkt[1], 40, now, view);
        }
        assertThat(table.get(fwd(proto), now + timeout, view)).as("alive at exactly the timeout").isTrue();
        assertThat(table.get(fwd(proto), now + timeout + 1, view)).as("gone just after").isFalse();
        assertThat(table.sweep(now + timeout)).isZero();
        assertThat(table.sweep(now + timeout + 1)).isEqualTo(1);
        assertThat(removed).hasSize(1).allMatch(r -> r.startsWith("EXPIRED"));
        assertThat(table.size()).isZero();
    }

    @Test
    void anExpiredSessionIsReplacedByTheNextPacket() {
        table.track(fwd(IpProtocols.UDP), 0, 100, 0, view);
        assertThat(table.track(fwd(IpProtocols.UDP), 0, 100, 6_001, view)).isEqualTo(TrackOutcome.CREATED);
        assertThat(view.firstSeen()).isEqualTo(6_001);
        assertThat(view.packetsFromInitiator()).isEqualTo(1);
        assertThat(table.counters().expirations()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void decisionStateRoundTrips() {
        table.track(fwd(IpProtocols.TCP), SYN, 60, 0, view);
        assertThat(view.verdict()).isEqualTo(Verdict.UNDECIDED);
        assertThat(view.endpoint()).isEqualTo(-1);
        assertThat(table.setEndpoint(rev(IpProtocols.TCP), 42)).isTrue();
        assertThat(table.decide(fwd(IpProtocols.TCP), Verdict.PENDING_APPLICATION, 1001, 9)).isTrue();
        assertThat(table.setApplication(fwd(IpProtocols.TCP), 2005)).isTrue();
        assertThat(table.setOffloaded(fwd(IpProtocols.TCP), true)).isTrue();
        assertThat(table.setReported(fwd(IpProtocols.TCP), true)).isTrue();
        table.track(rev(IpProtocols.TCP), SYN | ACK, 60, 5, view);
        assertThat(view.verdict()).isEqualTo(Verdict.PENDING_APPLICATION);
        assertThat(view.ruleId()).isEqualTo(1001);
        assertThat(view.applicationId()).isEqualTo(2005);
        assertThat(view.endpoint()).isEqualTo(42);
        assertThat(view.policyGeneration()).isEqualTo(9);
        assertThat(view.offloaded()).isTrue();
        assertThat(view.reported()).isTrue();
        assertThat(view.tcpState()).as("setters leave the state machine alone").isEqualTo(TcpState.SYN_RECV);
        assertThat(table.setReported(fwd(IpProtocols.TCP), false)).isTrue();
        assertThat(table.get(fwd(IpProtocols.TCP), 6, view)).isTrue();
        assertThat(view.reported()).isFalse();
        assertThat(table.decide(fwd(IpProtocols.UDP), Verdict.ALLOWED, 1, 1)).as("absent session").isFalse();
        assertThat(table.remove(rev(IpProtocols.TCP))).isTrue();
        assertThat(removed).containsExactly("REMOVED 40000");
        assertThat(table.get(fwd(IpProtocols.TCP), 6, view)).isFalse();
    }

    private SessionKey udp(int i) {
        return key.set(IpProtocols.UDP, 0, Addresses.v4Lo(0x0a000000 | i), 1000 + (i & 0x3fff), 0,
            Addresses.v4Lo(0x0b000000 | (i * 7)), 53, false);
    }

    @Test
    void aFullTableEvictsTheLeastRecentlySeenWithinTheWindow() {
        SessionTable small = new SessionTable(100, 1, T, (s, cause) -> removed.add(cause.name()));
        for (int i = 0; i < 100; i++) {
            small.track(udp(i), 0, 10, 1000 + i, view);
        }
        small.track(udp(0), 0, 10, 2000, view);
        assertThat(small.size()).isEqualTo(100);
        assertThat(small.track(udp(100), 0, 10, 2001, view)).isEqualTo(TrackOutcome.CREATED);
        assertThat(small.size()).isEqualTo(100);
        assertThat(small.counters().evictions()).isEqualTo(1);
        assertThat(removed).containsExactly("EVICTED");
        assertThat(small.get(udp(0), 2001, view)).as("the refreshed session survives").isTrue();
        int missing = 0;
        for (int i = 1; i < 100; i++) {
            if (!small.get(udp(i), 2001, view)) {
                missing++;
            }
        }
        assertThat(missing).isEqualTo(1);
    }

    @Test
    void aFullTablePrefersExpiredSessions() {
        // 16 sessions fit in 22 slots, fewer than the eviction window: every victim search sees the whole segment.
        SessionTable small = new SessionTable(16, 1, T, (s, cause) -> removed.add(cause.name()));
        for (int i = 0; i < 16; i++) {
            small.track(udp(i), 0, 10, i < 8 ? 0 : 5_000, view);
        }
        for (int i = 16; i < 24; i++) {
            small.track(udp(i), 0, 10, 6_500, view);
        }
        assertThat(small.size()).isEqualTo(16);
        SessionCounters c = small.counters();
        assertThat(c.expirations()).isEqualTo(8);
        assertThat(c.evictions()).isZero();
        assertThat(c.inserts()).isEqualTo(24);
        assertThat(removed).hasSize(8).containsOnly("EXPIRED");
        for (int i = 8; i < 24; i++) {
            assertThat(small.get(udp(i), 6_500, view)).as("session %d", i).isTrue();
        }
    }

    @Test
    void forEachVisitsLiveSessionsAndMayDecide() {
        for (int i = 0; i < 50; i++) {
            table.track(udp(i), 0, 10, i < 10 ? 0 : 5_000, view);
        }
        int visited = table.forEach(6_500, s -> table.decide(s.key(), Verdict.DENIED, 5, 2));
        assertThat(visited).isEqualTo(40);
        assertThat(table.get(udp(20), 6_500, view)).isTrue();
        assertThat(view.verdict()).isEqualTo(Verdict.DENIED);
        assertThat(view.ruleId()).isEqualTo(5);
    }

    @Test
    void randomInsertsAndRemovalsMatchAHashMap() {
        SessionTable t = new SessionTable(5000, 1, T, SessionListener.NONE);
        Map<Integer, Long> model = new HashMap<>();
        Random r = new Random(42);
        for (int op = 0; op < 200_000; op++) {
            int i = r.nextInt(6000);
            if (r.nextInt(3) == 0) {
                assertThat(t.remove(udp(i))).isEqualTo(model.remove(i) != null);
            } else if (model.size() < 5000 || model.containsKey(i)) {
                t.track(udp(i), 0, 1, 0, view);
                model.merge(i, 1L, Long::sum);
            }
        }
        assertThat(t.size()).isEqualTo(model.size());
        for (int i = 0; i < 6000; i++) {
            boolean present = t.get(udp(i), 0, view);
            assertThat(present).as("session %d", i).isEqualTo(model.containsKey(i));
            if (present) {
                assertThat(view.packetsFromInitiator()).isEqualTo(model.get(i));
            }
        }
        assertThat(t.counters().evictions()).isZero();
    }

    @Test
    void holdsAMillionSessionsUnder200BytesEach() {
        SessionTable big = new SessionTable(1_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(big.track(udp(i), 0, 100, 0, view)).isEqualTo(TrackOutcome.CREATED);
        }
        assertThat(big.size()).isEqualTo(1_000_000);
        SessionCounters c = big.counters();
        assertThat(c.evictions()).as("capacity is met without eviction").isZero();
        for (int i = 0; i < 1_000_000; i += 997) {
            assertThat(big.get(udp(i), 1, view)).isTrue();
        }
        double perSession = (double) big.memoryBytes() / big.capacity();
        assertThat(perSession).isLessThan(200);
    }

    @Test
    void badConstructionNamesTheArgument() {
        assertThatThrownBy(() -> new SessionTable(0)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new SessionTable(10, 3, T, SessionListener.NONE)).hasMessageContaining("segments");
        assertThatThrownBy(() -> new SessionTimeouts(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)).hasMessageContaining("synSentMs");
    }
}
