package dev.microseg.dp.engine;

import dev.microseg.dp.packet.Addresses;
import dev.microseg.dp.protocol.FlowTuple;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.RuleAction;
import dev.microseg.dp.protocol.Subnet;
import dev.microseg.dp.protocol.Violation;
import dev.microseg.dp.protocol.ViolationReason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The small parts of reporting: address lookup, violation folding and rate, the kernel's queue counters, the external flag. */
class ReportPiecesTest {
    private static final MacAddress MAC = MacAddress.parse("mac", "02:00:00:00:00:01");

    @Test
    void theAddressMapFindsEveryAddressAndNothingElse() {
        long[][] addrs = new long[300][];
        int[] owners = new int[300];
        for (int i = 0; i < 300; i++) {
            addrs[i] = Addresses.parse(i % 2 == 0 ? "10.1." + (i / 250) + "." + (i % 250) : "fd00::" + Integer.toHexString(i));
            owners[i] = i % 7;
        }
        AddressMap m = new AddressMap(addrs, owners);
        for (int i = 0; i < 300; i++) {
            assertThat(m.get(addrs[i][0], addrs[i][1])).isEqualTo(i % 7);
        }
        long[] absent = Addresses.parse("10.9.9.9");
        assertThat(m.get(absent[0], absent[1])).isEqualTo(AddressMap.NONE);
        assertThat(AddressMap.EMPTY.get(absent[0], absent[1])).isEqualTo(AddressMap.NONE);
        assertThat(new AddressMap(new long[][] {absent, absent}, new int[] {1, 2}).get(absent[0], absent[1]))
                .as("a later duplicate wins").isEqualTo(2);
    }

    private static FlowTuple tuple(int clientPort) {
        return new FlowTuple(MAC, 6, IpAddress.parse("ip", "10.0.0.1"), clientPort, IpAddress.parse("ip", "10.0.0.2"), 80);
    }

    @Test
    void identicalViolationsAreFoldedAndTheRateIsBounded() {
        ViolationAggregator a = new ViolationAggregator();
        for (int i = 0; i < 3; i++) {
            a.add(tuple(1), 0, 5, RuleAction.DENY, true, false, ViolationReason.RULE, 1000 + i);
        }
        List<Violation> out = a.drain(2000);
        assertThat(out).singleElement().satisfies(v -> {
            assertThat(v.count()).isEqualTo(3);
            assertThat(v.atMillis()).isEqualTo(1000);
        });
        for (int i = 0; i < ViolationAggregator.MAX_PER_SECOND + 500; i++) {
            a.add(tuple(i % 65536), 0, 5, RuleAction.DENY, true, false, ViolationReason.RULE, 3000);
        }
        assertThat(a.drain(2000)).as("the bucket refills over a second").hasSize(ViolationAggregator.MAX_PER_SECOND - 1);
        assertThat(a.suppressed()).isEqualTo(501);
        a.add(tuple(1), 0, 5, RuleAction.DENY, true, false, ViolationReason.RULE, 4000);
        assertThat(a.drain(3000)).hasSize(1);
    }

    @Test
    void theKernelsQueueCountersAreSummedOverTheDpsQueuesOnly() {
        String proc = """
                    0 2539636057     3 2 256  10  1  4711 1
                    1 4131126434     0 2 256   5  2   815 1
                    7     123456     9 2 256 100 100    1 1
                """;
        assertThat(QueueProcStats.parse(proc, 0, 2)).isEqualTo(new QueueProcStats(3, 15, 3));
        assertThat(QueueProcStats.parse("", 0, 2)).isEqualTo(new QueueProcStats(0, 0, 0));
    }

    @Test
    void aPeerOutsideTheInternalNetsIsExternal() {
        List<Subnet> internal = List.of(Subnet.of(IpAddress.parse("ip", "10.0.0.0"), 8));
        FlowTuple in = tuple(1);
        FlowTuple out = new FlowTuple(MAC, 6, IpAddress.parse("ip", "10.0.0.1"), 1, IpAddress.parse("ip", "93.184.216.34"), 443);
        assertThat(FlowLedger.external(in, false, internal)).isFalse();
        assertThat(FlowLedger.external(out, false, internal)).isTrue();
        assertThat(FlowLedger.external(out, true, internal)).as("the peer of an ingress flow is the client").isFalse();
        assertThat(FlowLedger.external(out, false, List.of())).as("no internal nets configured").isFalse();
    }
}
