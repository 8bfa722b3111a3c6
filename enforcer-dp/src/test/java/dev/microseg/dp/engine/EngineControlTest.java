package dev.microseg.dp.engine;

import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.policy.Classifier;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlCfgMac;
import dev.microseg.dp.protocol.CtrlDelMac;
import dev.microseg.dp.protocol.CtrlSync;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.PolicyDir;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.SyncPhase;
import dev.microseg.dp.protocol.WorkloadPolicy;
import dev.microseg.dp.session.SessionTable;
import dev.microseg.dp.session.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the control commands do to the engine: endpoints and their rules, policies by MAC, sync, settings. */
class EngineControlTest {
    private final List<List<String>> workloads = new ArrayList<>();
    private final List<Boolean> bypass = new ArrayList<>();
    /** When set, the next setWorkloads fails with it (and it is cleared). */
    private IOException nextRuleFailure;
    private Engine engine;

    @BeforeEach
    void setUp() {
        engine = engine(4096);
    }

    private Engine engine(int endpoints) {
        return new Engine(new EngineConfig(true, true, 65_536, endpoints, dev.microseg.dp.intercept.MarkBits.DEFAULT),
                new KernelRules() {
                    @Override
                    public void setWorkloads(Collection<InetAddress> addresses) throws IOException {
                        IOException f = nextRuleFailure;
                        nextRuleFailure = null;
                        if (f != null) {
                            throw f;
                        }
                        workloads.add(addresses.stream().map(InetAddress::getHostAddress).toList());
                    }

                    @Override
                    public void setFailOpen(boolean failOpen) {
                        bypass.add(failOpen);
                    }
                }, AppIdentifier.NONE);
    }

    private static MacAddress mac(int i) {
        return MacAddress.parse("mac", String.format("02:00:00:00:00:%02x", i));
    }

    private static Endpoint endpoint(int i, String... ips) {
        return new Endpoint("vw" + i, mac(i), java.util.Arrays.stream(ips).map(s -> IpAddress.parse("ip", s)).toList());
    }

    private static WorkloadPolicy denyAll(int i) {
        return new WorkloadPolicy(PolicyCmd.ADD, RuleAction.DENY, PolicyDir.BOTH, List.of(mac(i)), List.of());
    }

    private Verdict verdict(String src, String dst) {
        long[] s = Addresses.parse(src);
        long[] d = Addresses.parse(dst);
        return engine.decider().decide(6, s[0], s[1], d[0], d[1], 80, Classifier.APP_UNKNOWN, new Outcome()).verdict;
    }

    @Test
    void endpointsDriveTheInterceptRulesAndTheAddressLookup() throws Exception {
        engine.onAddMac(new CtrlAddMac(endpoint(1, "10.0.0.1", "fd00::1")));
        engine.onAddMac(new CtrlAddMac(endpoint(2, "10.0.0.2")));
        assertThat(workloads).as("rewritten once the burst is over").isEmpty();
        engine.onIdle();
        assertThat(workloads).singleElement().asList()
                .containsExactlyInAnyOrder("10.0.0.1", "fd00:0:0:0:0:0:0:1", "10.0.0.2");
        long[] v6 = Addresses.parse("fd00::1");
        assertThat(engine.endpoints().lookup(v6[0], v6[1])).isEqualTo(engine.endpoints().get(mac(1)).orElseThrow().index());

        engine.onCfgMac(new CtrlCfgMac(endpoint(2, "10.0.0.22")));
        engine.onIdle();
        assertThat(workloads.getLast()).contains("10.0.0.22").doesNotContain("10.0.0.2");
        engine.onDelMac(new CtrlDelMac(endpoint(1)));
        engine.onIdle();
        assertThat(workloads.getLast()).containsExactly("10.0.0.22");
        long[] gone = Addresses.parse("10.0.0.1");
        assertThat(engine.endpoints().lookup(gone[0], gone[1])).isEqualTo(AddressMap.NONE);
        assertThat(engine.counters()).containsEntry("engine.endpoints", 1L).containsEntry("engine.intercept_updates", 3L);
        engine.onIdle();
        assertThat(workloads).as("nothing changed: no rewrite").hasSize(3);
    }

    @Test
    void aReplayRewritesTheRulesOnceAtItsEnd() throws Exception {
        engine.onSync(new CtrlSync(3, SyncPhase.BEGIN));
        for (int i = 1; i <= 50; i++) {
            engine.onAddMac(new CtrlAddMac(endpoint(i, "10.0.1." + i)));
            engine.onPolicy(denyAll(i));
            engine.onIdle();
        }
        assertThat(workloads).as("held back while the replay is open").isEmpty();
        engine.onSync(new CtrlSync(3, SyncPhase.END));
        assertThat(workloads).singleElement().asList().hasSize(50).contains("10.0.1.1", "10.0.1.50");
        assertThat(engine.counters()).containsEntry("engine.intercept_updates", 1L);
    }

    @Test
    void aFailedRewriteIsReportedCountedAndTriedAgain() throws Exception {
        engine.onAddMac(new CtrlAddMac(endpoint(1, "10.0.0.1")));
        nextRuleFailure = new IOException("iptables-restore: exit 4");
        assertThatThrownBy(engine::onIdle).isInstanceOfSatisfying(ControlException.class, e -> {
            assertThat(e.error()).isEqualTo(ControlError.INTERNAL);
            assertThat(e.getMessage()).contains("iptables-restore: exit 4");
        });
        assertThat(engine.counters()).containsEntry("engine.intercept_update_failures", 1L);
        engine.onIdle();
        assertThat(workloads).singleElement().asList().containsExactly("10.0.0.1");
    }

    @Test
    void policiesByMacAreBoundedAndOneBeyondTheBoundIsRefusedNamingTheField() throws Exception {
        engine = engine(2);
        engine.onPolicy(denyAll(1));
        engine.onPolicy(denyAll(2));
        engine.onPolicy(denyAll(2));
        assertThatThrownBy(() -> engine.onPolicy(denyAll(3))).isInstanceOfSatisfying(ControlException.class, e -> {
            assertThat(e.error()).isEqualTo(ControlError.REJECTED);
            assertThat(e.path()).isEqualTo("ctrl_cfg_policy.mac");
            assertThat(e.getMessage()).contains("at most 2 MACs");
        });
        assertThat(engine.counters()).containsEntry("engine.policies", 2L).containsEntry("engine.policies_refused", 1L)
                .containsEntry("engine.policies.max", 2L);
        engine.onPolicy(new WorkloadPolicy(PolicyCmd.DELETE, RuleAction.DENY, PolicyDir.BOTH, List.of(mac(1)), List.of()));
        engine.onPolicy(denyAll(3));
        assertThat(engine.counters()).containsEntry("engine.policies", 2L);
    }

    @Test
    void aReplayIsBoundedByItsOwnPoliciesNotByTheOnesItReplaces() throws Exception {
        engine = engine(2);
        engine.onPolicy(denyAll(1));
        engine.onPolicy(denyAll(2));
        engine.onSync(new CtrlSync(9, SyncPhase.BEGIN));
        engine.onPolicy(denyAll(3));
        engine.onPolicy(denyAll(4));
        assertThatThrownBy(() -> engine.onPolicy(denyAll(5))).isInstanceOfSatisfying(ControlException.class,
                e -> assertThat(e.getMessage()).contains("2 held in this replay"));
        engine.onSync(new CtrlSync(9, SyncPhase.END));
        assertThat(engine.counters()).containsEntry("engine.policies", 2L).containsEntry("engine.policies_refused", 1L);
    }

    @Test
    void aPolicyThatArrivesBeforeItsEndpointAppliesWhenTheEndpointDoes() throws Exception {
        engine.onAddMac(new CtrlAddMac(endpoint(1, "10.0.0.1")));
        engine.onPolicy(denyAll(2));
        assertThat(verdict("10.0.0.1", "10.0.0.2")).as("10.0.0.2 is no workload yet").isEqualTo(Verdict.ALLOWED);
        engine.onAddMac(new CtrlAddMac(endpoint(2, "10.0.0.2")));
        assertThat(verdict("10.0.0.1", "10.0.0.2")).isEqualTo(Verdict.DENIED);
        engine.onPolicy(new WorkloadPolicy(PolicyCmd.DELETE, RuleAction.DENY, PolicyDir.BOTH, List.of(mac(2)), List.of()));
        assertThat(verdict("10.0.0.1", "10.0.0.2")).as("no policy: nothing enforced").isEqualTo(Verdict.ALLOWED);
    }

    @Test
    void eachPolicyBumpsTheGenerationAndAskForReevaluation() throws Exception {
        engine.onAddMac(new CtrlAddMac(endpoint(1, "10.0.0.1")));
        engine.takeReevaluationRequest();
        int before = engine.generation();
        engine.onPolicy(denyAll(1));
        assertThat(engine.generation()).isGreaterThan(before);
        assertThat(engine.takeReevaluationRequest()).isTrue();
        assertThat(engine.takeReevaluationRequest()).as("coalesced until the reporter runs it").isFalse();
    }

    @Test
    void theEndOfAReplayDropsWhatItDidNotMention() throws Exception {
        engine.onAddMac(new CtrlAddMac(endpoint(1, "10.0.0.1")));
        engine.onAddMac(new CtrlAddMac(endpoint(2, "10.0.0.2")));
        engine.onPolicy(denyAll(1));
        engine.onPolicy(denyAll(2));
        engine.onSync(new CtrlSync(7, SyncPhase.BEGIN));
        engine.onAddMac(new CtrlAddMac(endpoint(1, "10.0.0.1")));
        engine.onPolicy(denyAll(1));
        assertThat(verdict("10.0.0.1", "10.0.0.2")).as("nothing dropped before the end").isEqualTo(Verdict.DENIED);
        engine.onSync(new CtrlSync(7, SyncPhase.END));
        assertThat(engine.endpoints().get(mac(2))).isEmpty();
        assertThat(workloads.getLast()).containsExactly("10.0.0.1");
        assertThat(engine.counters()).containsEntry("engine.policies", 1L);
    }

    @Test
    void sysConfSetsTheFailModeTheBypassAndANewSessionTableWhenItsShapeChanges() throws Exception {
        SessionTable first = engine.sessions();
        CtrlSysConf d = CtrlSysConf.defaults();
        engine.onSysConf(new CtrlSysConf(true, 2, true, 65_536, d.tcpIdleTimeout(), d.udpIdleTimeout(), d.icmpIdleTimeout()));
        assertThat(engine.sessions()).as("same size and timeouts: same table").isSameAs(first);
        assertThat(engine.reportIntervalMillis()).isEqualTo(2000);
        assertThat(engine.rstOnDeny()).isTrue();
        assertThat(bypass).isEmpty();
        engine.onSysConf(new CtrlSysConf(false, 2, false, 100_000, 600, 30, 10));
        assertThat(bypass).containsExactly(false);
        assertThat(engine.failOpen()).isFalse();
        assertThat(engine.sessions()).isNotSameAs(first);
        assertThat(engine.sessions().capacity()).isEqualTo(100_000);
    }

    @Test
    void moreEndpointsThanTheEngineHoldsAreRefusedNamingTheField() throws Exception {
        engine = engine(1);
        engine.onAddMac(new CtrlAddMac(endpoint(1, "10.0.0.1")));
        assertThatThrownBy(() -> engine.onAddMac(new CtrlAddMac(endpoint(2, "10.0.0.2"))))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.error()).isEqualTo(ControlError.REJECTED);
                    assertThat(e.path()).isEqualTo("ctrl_add_mac.mac");
                });
        engine.onAddMac(new CtrlAddMac(endpoint(1, "10.0.0.9")));
        engine.onIdle();
        assertThat(workloads.getLast()).as("re-announcing a known MAC still works").containsExactly("10.0.0.9");
    }
}
