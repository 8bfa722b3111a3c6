package dev.microseg.dp.protocol;

import static dev.microseg.dp.protocol.Samples.WL1;
import static dev.microseg.dp.protocol.Samples.WL2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Splitting policies into datagrams of 40 rules and assembling them back, with every rule of docs/dp-protocol.md. */
class BatchingTest {
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private static List<CtrlCfgPolicy> decodeAll(List<byte[]> datagrams) throws ControlException {
        List<CtrlCfgPolicy> out = new ArrayList<>();
        for (byte[] d : datagrams) {
            assertThat(d.length).isLessThanOrEqualTo(ProtocolLimits.MAX_DATAGRAM);
            out.add((CtrlCfgPolicy) ControlDecoder.decode(d));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} rules -> {1} datagrams")
    @CsvSource({"0, 1", "1, 1", "40, 1", "41, 2", "1000, 25"})
    void splitsAndReassembles(int rules, int datagrams) throws ControlException {
        WorkloadPolicy policy = Samples.policy(WL1, rules);
        List<CtrlCfgPolicy> parts = decodeAll(PolicySplitter.split(policy));
        assertThat(parts).hasSize(datagrams);
        for (int i = 0; i < parts.size(); i++) {
            assertThat(parts.get(i).flag()).isEqualTo(BatchFlags.forPart(i, parts.size()));
            assertThat(parts.get(i).rules().size()).isLessThanOrEqualTo(40);
        }
        assertThat(parts.getFirst().flag() & BatchFlags.MSG_START).isNotZero();
        assertThat(parts.getLast().flag() & BatchFlags.MSG_END).isNotZero();
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        Optional<WorkloadPolicy> whole = Optional.empty();
        for (int i = 0; i < parts.size(); i++) {
            whole = a.offer(parts.get(i), i);
            assertThat(whole.isPresent()).as("complete after part %d", i).isEqualTo(i == parts.size() - 1);
        }
        assertThat(whole).contains(policy);
        assertThat(a.pending()).isZero();
    }

    @Test
    void halfBatchNeverTakesEffect() throws ControlException {
        List<CtrlCfgPolicy> parts = PolicySplitter.batches(Samples.policy(WL1, 100), 40);
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        assertThat(a.offer(parts.get(0), 0)).isEmpty();
        assertThat(a.offer(parts.get(1), 1)).isEmpty();
        assertThat(a.pending()).isEqualTo(1);
        assertThat(a.expire(TIMEOUT + 2)).isEqualTo(1);
        assertThat(a.pending()).isZero();
        assertThat(a.expired()).isEqualTo(1);
        assertThatThrownBy(() -> a.offer(parts.get(2), TIMEOUT + 3))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.error()).isEqualTo(ControlError.BATCH_NOT_STARTED);
                    assertThat(e.path()).isEqualTo("ctrl_cfg_policy.flag");
                });
    }

    @Test
    void staleBatchTimesOutWhenItsNextPartComesLate() throws ControlException {
        List<CtrlCfgPolicy> parts = PolicySplitter.batches(Samples.policy(WL1, 80), 40);
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        a.offer(parts.get(0), 0);
        assertThatThrownBy(() -> a.offer(parts.get(1), TIMEOUT + 1))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.error()).isEqualTo(ControlError.BATCH_NOT_STARTED));
        assertThat(a.expired()).isEqualTo(1);
        // Just within the timeout still counts.
        a.offer(parts.get(0), 100);
        assertThat(a.offer(parts.get(1), 100 + TIMEOUT)).isPresent();
    }

    @Test
    void interleavedWorkloadsAssembleIndependently() throws ControlException {
        WorkloadPolicy p1 = Samples.policy(WL1, 120);
        WorkloadPolicy p2 = new WorkloadPolicy(PolicyCmd.MODIFY, RuleAction.VIOLATE, PolicyDir.INGRESS, List.of(WL2, WL1.equals(WL2) ? WL1 : Samples.mac("02:42:ac:11:00:09")),
                Samples.policy(WL2, 81).rules());
        List<CtrlCfgPolicy> a1 = decodeAll(PolicySplitter.split(p1));
        List<CtrlCfgPolicy> a2 = decodeAll(PolicySplitter.split(p2));
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        List<WorkloadPolicy> done = new ArrayList<>();
        for (int i = 0; i < Math.max(a1.size(), a2.size()); i++) {
            if (i < a2.size()) {
                a.offer(a2.get(i), i).ifPresent(done::add);
            }
            if (i < a1.size()) {
                a.offer(a1.get(i), i).ifPresent(done::add);
            }
        }
        assertThat(done).containsExactly(p2, p1);
    }

    @Test
    void newStartDiscardsTheUnfinishedBatch() throws ControlException {
        List<CtrlCfgPolicy> old = PolicySplitter.batches(Samples.policy(WL1, 120), 40);
        WorkloadPolicy fresh = Samples.policy(WL1, 50);
        List<CtrlCfgPolicy> now = PolicySplitter.batches(fresh, 40);
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        a.offer(old.get(0), 0);
        a.offer(old.get(1), 1);
        assertThat(a.offer(now.get(0), 2)).isEmpty();
        assertThat(a.restarted()).isEqualTo(1);
        assertThat(a.offer(now.get(1), 3)).contains(fresh);
        // The old batch's last part now finds nothing to finish.
        assertThatThrownBy(() -> a.offer(old.get(2), 4)).isInstanceOf(ControlException.class);
    }

    @ParameterizedTest(name = "mismatched {0}")
    @CsvSource({"cmd", "defact", "dir", "mac"})
    void mismatchedBatchIsRejectedAndDiscarded(String field) throws ControlException {
        List<CtrlCfgPolicy> parts = PolicySplitter.batches(Samples.policy(WL1, 100), 40);
        CtrlCfgPolicy second = parts.get(1);
        CtrlCfgPolicy bad = new CtrlCfgPolicy(
                field.equals("cmd") ? PolicyCmd.MODIFY : second.cmd(), second.flag(),
                field.equals("defact") ? RuleAction.ALLOW : second.defact(),
                field.equals("dir") ? PolicyDir.EGRESS : second.dir(),
                field.equals("mac") ? List.of(WL1, WL2) : second.mac(), second.rules());
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        a.offer(parts.get(0), 0);
        assertThatThrownBy(() -> a.offer(bad, 1))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.error()).isEqualTo(ControlError.BATCH_MISMATCH);
                    assertThat(e.path()).isEqualTo("ctrl_cfg_policy." + field);
                });
        assertThat(a.pending()).isZero();
        assertThatThrownBy(() -> a.offer(parts.get(2), 2)).isInstanceOfSatisfying(ControlException.class,
                e -> assertThat(e.error()).isEqualTo(ControlError.BATCH_NOT_STARTED));
    }

    @Test
    void maximalRulesStayWithin256KiB() throws ControlException {
        List<PolicyRule> rules = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rules.add(Samples.maxRule(i));
        }
        List<MacAddress> macs = new ArrayList<>();
        for (int i = 0; i < ProtocolLimits.MAX_MACS_PER_POLICY; i++) {
            macs.add(new MacAddress(0x0242_0000_0000L + i));
        }
        WorkloadPolicy policy = new WorkloadPolicy(PolicyCmd.ADD, RuleAction.VIOLATE, PolicyDir.BOTH, macs, rules);
        List<byte[]> datagrams = PolicySplitter.split(policy);
        assertThat(datagrams).hasSize(25);
        int largest = datagrams.stream().mapToInt(d -> d.length).max().orElseThrow();
        assertThat(largest).isBetween(60_000, ProtocolLimits.MAX_DATAGRAM);
        assertThat(assemble(decodeAll(datagrams))).isEqualTo(policy);
    }

    @Test
    void splitterHalvesBatchesWhenADatagramWouldBeTooBig() throws ControlException {
        List<PolicyRule> rules = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rules.add(Samples.maxRule(i));
        }
        WorkloadPolicy policy = new WorkloadPolicy(PolicyCmd.ADD, RuleAction.DENY, PolicyDir.BOTH, List.of(WL1), rules);
        int bound = 16 * 1024;
        List<byte[]> datagrams = PolicySplitter.split(policy, bound);
        assertThat(datagrams).allSatisfy(d -> assertThat(d.length).isLessThanOrEqualTo(bound));
        assertThat(datagrams.size()).isGreaterThan(3);
        assertThat(assemble(decodeAll(datagrams))).isEqualTo(policy);
        assertThatThrownBy(() -> PolicySplitter.split(policy, 500)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit in 500 bytes");
    }

    private static WorkloadPolicy assemble(List<CtrlCfgPolicy> parts) throws ControlException {
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        Optional<WorkloadPolicy> whole = Optional.empty();
        for (CtrlCfgPolicy p : parts) {
            whole = a.offer(p, 0);
        }
        return whole.orElseThrow();
    }

    @Test
    void pendingBatchesAreBounded() throws ControlException {
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        for (int i = 0; i < ProtocolLimits.MAX_PENDING_BATCHES; i++) {
            a.offer(new CtrlCfgPolicy(PolicyCmd.ADD, BatchFlags.MSG_START, RuleAction.DENY, PolicyDir.BOTH,
                    List.of(new MacAddress(i)), List.of()), 0);
        }
        CtrlCfgPolicy one = new CtrlCfgPolicy(PolicyCmd.ADD, BatchFlags.MSG_START, RuleAction.DENY, PolicyDir.BOTH,
                List.of(new MacAddress(1L << 40)), List.of());
        assertThatThrownBy(() -> a.offer(one, 1)).isInstanceOfSatisfying(ControlException.class,
                e -> assertThat(e.error()).isEqualTo(ControlError.BATCH_LIMIT));
        // Once the others are stale, room is made.
        assertThat(a.offer(one, TIMEOUT + 1)).isEmpty();
        assertThat(a.pending()).isEqualTo(1);
    }

    @Test
    void internalNetsBatchAndReassemble() throws ControlException {
        List<Subnet> subnets = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            subnets.add(Subnet.of(IpAddress.v4(0x0A000000 | (i << 8)), 24));
        }
        InternalNets nets = new InternalNets(subnets);
        List<byte[]> datagrams = PolicySplitter.split(nets);
        assertThat(datagrams).hasSize(3);
        BatchAssembler a = new BatchAssembler(TIMEOUT);
        Optional<InternalNets> whole = Optional.empty();
        for (byte[] d : datagrams) {
            whole = a.offer((CtrlCfgInternalNet) ControlDecoder.decode(d), 0);
        }
        assertThat(whole).contains(nets);
        assertThatThrownBy(() -> a.offer(new CtrlCfgInternalNet(BatchFlags.MSG_END, List.of()), 0))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.path()).isEqualTo("ctrl_cfg_internal_net.flag"));
    }
}
