package dev.microseg.dp.engine;

import dev.microseg.dp.conntrack.ConntrackTuple;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.nfq.PacketHandler;
import dev.microseg.dp.nfq.TestPackets;
import dev.microseg.dp.nfq.Verdicts;
import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.packet.DecodedPacket;
import dev.microseg.dp.protocol.Connection;
import dev.microseg.dp.protocol.ConnectionReport;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.PolicyDir;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.Report;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.Violation;
import dev.microseg.dp.protocol.ViolationReason;
import dev.microseg.dp.protocol.ViolationReport;
import dev.microseg.dp.protocol.WorkloadPolicy;
import dev.microseg.dp.session.SessionKey;
import dev.microseg.dp.session.SessionView;
import dev.microseg.dp.session.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Re-evaluation after a policy change, against an in-memory conntrack table: connections the dp
 * decides itself get their session verdict updated, offloaded ones are cut (Protect) or re-admitted
 * through their ct mark, Monitor ones keep flowing, and every change is reported. Then the
 * reporter's counters: records carry differences, conntrack counters once offloaded, final
 * counters from DESTROY events.
 */
class ReevaluationTest {
    private static final MarkBits M = MarkBits.DEFAULT;
    private static final String A = "10.65.0.1";
    private static final String B = "10.65.0.2";
    private static final MacAddress MAC_A = MacAddress.parse("mac", "02:00:00:00:00:01");
    private static final MacAddress MAC_B = MacAddress.parse("mac", "02:00:00:00:00:02");
    private static final long NOW = 1_700_000_000_000L;

    private final List<Report> reports = new ArrayList<>();
    private final FakeConntrack ct = new FakeConntrack();
    private Engine engine;
    private Reporter reporter;

    @BeforeEach
    void setUp() throws Exception {
        engine = new Engine(EngineConfig.of(true), new KernelRules() {
            @Override
            public void setWorkloads(Collection<InetAddress> addresses) {
            }

            @Override
            public void setFailOpen(boolean failOpen) {
            }
        }, AppIdentifier.NONE, () -> NOW);
        engine.reportTo(reports::add);
        engine.onAddMac(new CtrlAddMac(new Endpoint("vw1", MAC_A, List.of(IpAddress.parse("ip", A)))));
        engine.onAddMac(new CtrlAddMac(new Endpoint("vw2", MAC_B, List.of(IpAddress.parse("ip", B)))));
        policy(RuleAction.DENY, allow(10, 80), allow(11, 81));
        reporter = engine.createReporter(ct);
    }

    private static PolicyRule allow(long id, int port) {
        IpAddress a = IpAddress.parse("ip", A);
        IpAddress b = IpAddress.parse("ip", B);
        return new PolicyRule(id, a, a, b, b, port, port, IpProto.TCP, RuleAction.ALLOW, true);
    }

    private void policy(RuleAction defact, PolicyRule... rules) throws Exception {
        engine.onPolicy(new WorkloadPolicy(PolicyCmd.MODIFY, defact, PolicyDir.BOTH, List.of(MAC_B), List.of(rules)));
    }

    private static ConntrackTuple tcp(int sport, int dport) throws Exception {
        return ConntrackTuple.tcp(InetAddress.getByName(A), sport, InetAddress.getByName(B), dport);
    }

    /** A session A:sport → B:dport the dp decided itself (not offloaded), as the packet path would leave it. */
    private SessionKey session(int sport, int dport, Verdict v) {
        long[] a = Addresses.parse(A);
        long[] b = Addresses.parse(B);
        SessionKey k = new SessionKey().set(6, a[0], a[1], sport, b[0], b[1], dport, false);
        engine.sessions().track(k, DecodedPacket.SYN, 60, NOW, new SessionView());
        engine.sessions().decide(k, v, 10, engine.generation());
        reporter.flows().decided(FlowKey.of(view(k)), v, 0, false, 1 << 1 | 1, 10, 0, NOW, 1, 0, 60, 0, NOW, NOW);
        return k;
    }

    private SessionView view(SessionKey k) {
        SessionView v = new SessionView();
        assertThat(engine.sessions().get(k, NOW, v)).isTrue();
        return v;
    }

    private List<Violation> violations() {
        return reports.stream().filter(r -> r instanceof ViolationReport).flatMap(r -> ((ViolationReport) r).violations().stream())
                .toList();
    }

    private List<Connection> connections() {
        return reports.stream().filter(r -> r instanceof ConnectionReport)
                .flatMap(r -> ((ConnectionReport) r).connections().stream()).toList();
    }

    @Test
    void protectCutsOffloadedConnectionsAndDeniesTheOthersAndReportsBoth() throws Exception {
        SessionKey own = session(40000, 80, Verdict.ALLOWED);
        ct.put(tcp(40001, 81), M.accept(), 5, 300, 4, 200);
        new Reevaluation(engine, ct, reporter).run(NOW);
        reporter.flush(NOW, false);
        violations().forEach(v -> assertThat(v.action()).isEqualTo(RuleAction.ALLOW));
        assertThat(ct.markChanges).isEmpty();

        policy(RuleAction.DENY);
        assertThat(new Reevaluation(engine, ct, reporter).run(NOW)).isEqualTo(2);
        reporter.flush(NOW, false);
        assertThat(view(own).verdict()).isEqualTo(Verdict.DENIED);
        assertThat(ct.markChanges).containsExactly(tcp(40001, 81) + " -> 0x" + Integer.toHexString(M.drop()));
        assertThat(M.decision(ct.get(tcp(40001, 81)).mark())).isEqualTo(MarkBits.Decision.DROP);
        assertThat(violations()).extracting(v -> v.tuple().serverPort()).containsExactlyInAnyOrder(80, 81);
        assertThat(violations()).allSatisfy(v -> {
            assertThat(v.action()).isEqualTo(RuleAction.DENY);
            assertThat(v.reason()).isEqualTo(ViolationReason.DEFAULT_ACTION);
            assertThat(v.tuple().workload()).isEqualTo(MAC_B);
            assertThat(v.ingress()).isTrue();
        });
        assertThat(engine.counters()).containsEntry("engine.connections_cut", 1L);
        assertThat(connections().stream().filter(c -> c.tuple().serverPort() == 81).toList().getLast().action())
                .as("the latest record of the cut connection").isEqualTo(RuleAction.DENY);
    }

    @Test
    void monitorLeavesOffloadedConnectionsFlowingAndReportsViolations() throws Exception {
        SessionKey own = session(40000, 80, Verdict.ALLOWED);
        ct.put(tcp(40001, 81), M.accept(), 5, 300, 4, 200);
        policy(RuleAction.VIOLATE);
        new Reevaluation(engine, ct, reporter).run(NOW);
        reporter.flush(NOW, false);
        assertThat(ct.markChanges).isEmpty();
        assertThat(view(own).verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(violations()).extracting(Violation::action).containsOnly(RuleAction.VIOLATE).hasSize(2);
    }

    @Test
    void aConnectionTheNewPolicyAllowsGetsTheAcceptMarkBack() throws Exception {
        ct.put(tcp(40002, 82), M.drop(), 3, 180, 0, 0);
        new Reevaluation(engine, ct, reporter).run(NOW);
        assertThat(ct.markChanges).isEmpty();
        policy(RuleAction.DENY, allow(12, 82));
        new Reevaluation(engine, ct, reporter).run(NOW);
        assertThat(ct.markChanges).containsExactly(tcp(40002, 82) + " -> 0x" + Integer.toHexString(M.accept()));
        assertThat(engine.counters()).containsEntry("engine.connections_readmitted", 1L);
    }

    @Test
    void offloadedCountersComeFromConntrackAsDifferencesAndEndWithTheDestroyEvent() throws Exception {
        long[] a = Addresses.parse(A);
        long[] b = Addresses.parse(B);
        FlowKey key = new FlowKey(6, a[0], a[1], 40003, b[0], b[1], 80);
        reporter.flows().decided(key, Verdict.ALLOWED, 0, true, 1 << 1 | 1, 10, 0, NOW, 1, 0, 60, 0, NOW, NOW);
        reporter.flush(NOW, false);
        ct.put(tcp(40003, 80), M.accept(), 10, 1000, 8, 4000);
        reporter.periodic(NOW + 1000);
        ct.put(tcp(40003, 80), M.accept(), 15, 1500, 12, 6000);
        reporter.periodic(NOW + 2000);
        reporter.periodic(NOW + 3000);
        ct.put(tcp(40003, 80), M.accept(), 20, 2000, 14, 7000);
        ct.destroy(tcp(40003, 80));
        reporter.step();
        reporter.flush(NOW + 4000, false);
        List<Connection> mine = connections().stream().filter(c -> c.tuple().clientPort() == 40003).toList();
        assertThat(mine).extracting(Connection::packetsToServer).containsExactly(1L, 9L, 5L, 5L);
        assertThat(mine.stream().mapToLong(Connection::bytesToClient).sum()).isEqualTo(7000);
        assertThat(mine).allSatisfy(c -> {
            assertThat(c.ruleId()).isEqualTo(10);
            assertThat(c.tuple().workload()).isEqualTo(MAC_B);
        });
        assertThat(reporter.flows().ledger().size()).as("finished").isZero();
    }

    @Test
    void aConnectionLeftByAnEarlierRunIsAdoptedAndReportedFromThenOn() throws Exception {
        ct.put(tcp(40004, 80), M.accept(), 100, 10_000, 90, 9_000);
        new Reevaluation(engine, ct, reporter).run(NOW);
        reporter.flush(NOW, false);
        assertThat(connections()).filteredOn(c -> c.tuple().clientPort() == 40004)
                .allSatisfy(c -> assertThat(c.packetsToServer()).isZero());
        ct.put(tcp(40004, 80), M.accept(), 103, 10_300, 92, 9_200);
        reporter.periodic(NOW + 1000);
        assertThat(connections()).filteredOn(c -> c.tuple().clientPort() == 40004)
                .extracting(Connection::packetsToServer).contains(3L);
    }

    @Test
    void theEndOfAnEarlierConnectionOnTheSameTupleDoesNotEndTheNewOne() throws Exception {
        long[] a = Addresses.parse(A);
        long[] b = Addresses.parse(B);
        FlowKey key = new FlowKey(6, a[0], a[1], 40005, b[0], b[1], 80);
        ct.put(tcp(40005, 80), M.accept(), 4, 240, 3, 180);
        var old = ct.get(tcp(40005, 80));
        ct.replace(tcp(40005, 80), M.accept(), 1, 60, 0, 0);
        SessionKey k = session(40005, 80, Verdict.ALLOWED);
        reporter.flows().decided(key, Verdict.ALLOWED, 0, true, 1 << 1 | 1, 10, 0, NOW, 1, 0, 60, 0, NOW, NOW);

        reporter.flows().destroyed(old);
        assertThat(reporter.flows().ledger().find(key)).as("kept until a dump tells the entries apart").isNotNull();
        assertThat(view(k).verdict()).as("decision cleared: the next packet is decided again")
                .isEqualTo(Verdict.UNDECIDED);
        ct.put(tcp(40005, 80), M.accept(), 7, 420, 5, 300);
        reporter.periodic(NOW + 1000);
        Flow f = reporter.flows().ledger().find(key);
        assertThat(f).as("its own entry is still there").isNotNull();
        assertThat(f.packetsToServer).isEqualTo(7);

        reporter.flows().destroyed(old);
        assertThat(reporter.flows().ledger().find(key)).as("an entry id that is not the flow's is ignored").isNotNull();
        ct.put(tcp(40005, 80), M.accept(), 9, 540, 6, 360);
        ct.destroy(tcp(40005, 80));
        reporter.step();
        assertThat(reporter.flows().ledger().find(key)).as("its own DESTROY ends it").isNull();
        reporter.flush(NOW + 2000, false);
        assertThat(connections().stream().filter(c -> c.tuple().clientPort() == 40005)
                .mapToLong(Connection::packetsToServer).sum()).isEqualTo(9);
    }

    @Test
    void aDestroyBeforeTheFirstDumpEndsTheFlowWhenTheNextDumpNoLongerHasIt() throws Exception {
        long[] a = Addresses.parse(A);
        long[] b = Addresses.parse(B);
        FlowKey key = new FlowKey(6, a[0], a[1], 40006, b[0], b[1], 80);
        reporter.flows().decided(key, Verdict.ALLOWED, 0, true, 1 << 1 | 1, 10, 0, NOW, 1, 0, 60, 0, NOW, NOW);
        ct.put(tcp(40006, 80), M.accept(), 3, 180, 2, 120);
        var entry = ct.get(tcp(40006, 80));
        ct.destroy(tcp(40006, 80));
        reporter.flows().destroyed(entry);
        assertThat(reporter.flows().ledger().find(key)).as("no dump has shown its entry yet").isNotNull();
        reporter.periodic(NOW + 1000);
        assertThat(reporter.flows().ledger().find(key)).isNull();
        assertThat(connections().stream().filter(c -> c.tuple().clientPort() == 40006)
                .mapToLong(Connection::packetsToServer).sum()).isEqualTo(3);
    }

    @Test
    void aNewConnectionOnAReusedSessionEndsTheEarlierFlowAndStartsItsOwn() throws Exception {
        engine.newPacketHandler();
        EventRing ring = engine.rings().getFirst();
        SessionKey k = session(40007, 80, Verdict.ALLOWED);
        FlowKey key = FlowKey.of(view(k));
        reporter.flows().decided(key, Verdict.ALLOWED, 0, true, 1 << 1 | 1, 10, 0, NOW, 1, 0, 60, 0, NOW, NOW);
        ct.put(tcp(40007, 80), M.accept(), 6, 400, 5, 300);
        reporter.periodic(NOW + 1000);
        assertThat(ring.offer(EventRing.DECIDED, view(k), Verdict.ALLOWED.ordinal(), 0,
                EventRing.FLAG_OFFLOADED | EventRing.FLAG_NEW_CONNECTION, 1 << 1 | 1, 10, 0, NOW + 2000, 64)).isTrue();
        reporter.drainRings();
        reporter.flush(NOW + 2000, false);
        Flow fresh = reporter.flows().ledger().find(key);
        assertThat(fresh.packetsToServer).as("only its own SYN").isEqualTo(1);
        assertThat(fresh.bytesToServer).isEqualTo(64);
        assertThat(fresh.firstSeen).isEqualTo(NOW + 2000);
        List<Connection> mine = connections().stream().filter(c -> c.tuple().clientPort() == 40007).toList();
        assertThat(mine.stream().mapToLong(Connection::packetsToServer).sum()).as("6 for the first, 1 for the second")
                .isEqualTo(7);
        assertThat(mine.getLast().firstSeenMillis()).isEqualTo(NOW + 2000);
    }

    /**
     * The race between a queue thread and a policy change: the thread decided a SYN under the old
     * policy (allow) but its ACCEPT-marked verdict has not reached the kernel when the new policy
     * (deny) is published. A re-evaluation that dumped conntrack at once would find nothing and the
     * connection would stay offloaded under the old policy; it waits until the queue thread ended
     * its batch (its verdicts are then in the kernel) and cuts it.
     */
    @Test
    void aDecisionStillOnItsWayToTheKernelWhenThePolicyChangesIsCutOnceItArrives() throws Exception {
        PacketHandler queue = engine.newPacketHandler();
        List<Integer> marks = new ArrayList<>();
        Verdicts toKernel = new Verdicts() {
            @Override
            public void verdict(int packetId, dev.microseg.dp.nfq.Verdict verdict) {
                throw new AssertionError("an allowed SYN is offloaded with a mark, got " + verdict);
            }

            @Override
            public void verdict(int packetId, dev.microseg.dp.nfq.Verdict verdict, int mark) {
                marks.add(mark);
            }
        };
        queue.onPacket(TestPackets.ipv4(1, 0, TestPackets.tcp(A, 40010, B, 80, DecodedPacket.SYN)), toKernel);
        assertThat(marks).as("decided under the old policy, verdict not sent yet").hasSize(1);

        policy(RuleAction.DENY);
        reporter.step();
        assertThat(ct.markChanges).isEmpty();

        ct.put(tcp(40010, 80), marks.getFirst() & M.mask(), 1, 60, 0, 0);
        queue.batchDone();
        reporter.step();
        assertThat(ct.markChanges).as("cut once its verdict is in the kernel")
                .containsExactly(tcp(40010, 80) + " -> 0x" + Integer.toHexString(M.drop()));
        assertThat(engine.counters()).containsEntry("engine.connections_cut", 1L);
    }
}
