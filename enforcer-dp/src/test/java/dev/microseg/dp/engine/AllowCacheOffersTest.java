package dev.microseg.dp.engine;

import dev.microseg.dp.kcache.AllowCache;
import dev.microseg.dp.kcache.AllowKey;
import dev.microseg.dp.nfq.PacketHandler;
import dev.microseg.dp.nfq.TestPackets;
import dev.microseg.dp.nfq.Verdicts;
import dev.microseg.dp.packet.DecodedPacket;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.IpProto;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.PolicyCmd;
import dev.microseg.dp.protocol.PolicyDir;
import dev.microseg.dp.protocol.PolicyRule;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.WorkloadPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which decisions the packet path offers to the kernel allow cache. A cached key accepts every
 * later connection of (client, server, protocol, port) without the dp, so only a decision that a
 * fresh connection of that key would get too may go in: a final rule allow, made on a first packet
 * knowing nothing of the application. The cache here records offers (the kernel side is
 * KernelAllowCacheE2ETest's).
 */
class AllowCacheOffersTest {
    private static final String A = "10.65.0.1";
    private static final String B = "10.65.0.2";
    private static final MacAddress MAC_B = MacAddress.parse("mac", "02:00:00:00:00:02");

    private final List<AllowKey> offered = new ArrayList<>();
    private final List<Integer> verdicts = new ArrayList<>();
    private Engine engine;
    private PacketHandler queue;
    private int packetId;

    private final Verdicts toKernel = new Verdicts() {
        @Override
        public void verdict(int id, dev.microseg.dp.nfq.Verdict verdict) {
            verdicts.add(-1);
        }

        @Override
        public void verdict(int id, dev.microseg.dp.nfq.Verdict verdict, int mark) {
            verdicts.add(mark);
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        engine = new Engine(EngineConfig.of(true), new KernelRules() {
            @Override
            public void setWorkloads(Collection<InetAddress> addresses) {
            }

            @Override
            public void setFailOpen(boolean failOpen) {
            }
        }, AppIdentifier.NONE, () -> 1_700_000_000_000L);
        engine.allowCache(new AllowCache() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void offer(AllowKey key) {
                offered.add(key);
            }

            @Override
            public void flush(String reason) {
            }

            @Override
            public Map<String, Long> counters() {
                return Map.of();
            }
        });
        engine.onAddMac(new CtrlAddMac(new Endpoint("vw1", MacAddress.parse("mac", "02:00:00:00:00:01"),
                List.of(IpAddress.parse("ip", A)))));
        engine.onAddMac(new CtrlAddMac(new Endpoint("vw2", MAC_B, List.of(IpAddress.parse("ip", B)))));
        queue = engine.newPacketHandler();
    }

    private void policy(RuleAction defact, PolicyRule... rules) throws Exception {
        engine.onPolicy(new WorkloadPolicy(PolicyCmd.MODIFY, defact, PolicyDir.BOTH, List.of(MAC_B), List.of(rules)));
    }

    private static PolicyRule rule(long id, int port, RuleAction action) {
        IpAddress a = IpAddress.parse("ip", A);
        IpAddress b = IpAddress.parse("ip", B);
        return new PolicyRule(id, a, a, b, b, port, port, IpProto.TCP, action, true);
    }

    private void syn(int clientPort) throws Exception {
        queue.onPacket(TestPackets.ipv4(++packetId, 0, TestPackets.tcp(A, clientPort, B, 80, DecodedPacket.SYN)), toKernel);
        queue.batchDone();
    }

    @Test
    void aFreshConnectionAllowedByARuleIsOffered() throws Exception {
        policy(RuleAction.DENY, rule(10, 80, RuleAction.ALLOW));
        syn(40001);
        assertThat(offered).singleElement().satisfies(k -> assertThat(k.port()).isEqualTo(80));
    }

    @Test
    void anAllowDecidedAgainAfterADenialIsNotOffered() throws Exception {
        policy(RuleAction.DENY);
        syn(40002);
        assertThat(offered).as("a denial is never offered").isEmpty();
        policy(RuleAction.DENY, rule(10, 80, RuleAction.ALLOW));
        syn(40002); // the client's retransmitted SYN, decided again under the new policy
        assertThat(verdicts).hasSize(2);
        assertThat(offered).as("decided as 'application unidentified' after the denial, which skips application "
                + "rules a fresh connection would meet: not a decision that stands for the key").isEmpty();
        syn(40003);
        assertThat(offered).as("a fresh connection of the same key is").hasSize(1);
    }

    @Test
    void violationsAndDefaultActionsAreNotOffered() throws Exception {
        policy(RuleAction.VIOLATE, rule(10, 80, RuleAction.VIOLATE));
        syn(40004);
        policy(RuleAction.ALLOW);
        syn(40005);
        assertThat(offered).isEmpty();
        assertThat(verdicts).hasSize(2);
    }
}
