package dev.microseg.dp.engine;

import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.session.SessionTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.Collection;

import static org.assertj.core.api.Assertions.assertThat;

/** max_sessions is capped to what the heap holds, at start and at a ctrl_sys_conf. */
class SessionBudgetTest {
    private static final long MIB = 1 << 20;

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1024, 5000, 65_536, 100_000, 1 << 20})
    void theEstimateIsWhatATableAllocates(int capacity) {
        assertThat(SessionTable.memoryBytesFor(capacity)).isEqualTo(new SessionTable(capacity).memoryBytes());
    }

    @ParameterizedTest(name = "heap {0} MiB, {1} sessions asked")
    @CsvSource({
            "8192, 65536",     // a big heap: what was asked
            "8192, 16777216",  // the protocol's most: capped
            "256, 1048576",
            "64, 1048576",
    })
    void theCapFitsTheBudgetAndUsesMostOfIt(long heapMib, int requested) {
        SessionBudget b = new SessionBudget(heapMib * MIB);
        int cap = b.cap(requested);
        assertThat(cap).isBetween(CtrlSysConf.MIN_SESSIONS, requested);
        assertThat(SessionBudget.bytesFor(cap)).isLessThanOrEqualTo(b.budgetBytes());
        if (cap < requested) {
            assertThat(SessionBudget.bytesFor(cap)).as("not far below the budget").isGreaterThan(b.budgetBytes() * 9 / 10);
            long perSession = SessionBudget.bytesFor(cap) / cap;
            assertThat(perSession).as("~150 B of table and 2 x 250 B of tracked connections").isBetween(600L, 720L);
        }
    }

    @Test
    void aHeapTooSmallForTheLeastStillGetsTheProtocolsMinimum() {
        assertThat(new SessionBudget(MIB).cap(CtrlSysConf.MAX_SESSIONS)).isEqualTo(CtrlSysConf.MIN_SESSIONS);
    }

    @Test
    void theEngineCapsItsTableAtStartAndAtASysConf() throws Exception {
        SessionBudget b = new SessionBudget(64 * MIB);
        int cap = b.cap(CtrlSysConf.MAX_SESSIONS);
        assertThat(cap).isLessThan(1 << 20);
        Engine e = new Engine(new EngineConfig(true, true, CtrlSysConf.MAX_SESSIONS, 16, MarkBits.DEFAULT),
                new KernelRules() {
                    @Override
                    public void setWorkloads(Collection<InetAddress> addresses) {
                    }

                    @Override
                    public void setFailOpen(boolean failOpen) {
                    }
                }, AppIdentifier.NONE, System::currentTimeMillis, b);
        assertThat(e.sessions().capacity()).isEqualTo(cap);
        assertThat(e.counters()).containsEntry("dp.sessions.heap_cap", (long) cap)
                .containsEntry("dp.sessions.capacity", (long) cap);
        CtrlSysConf d = CtrlSysConf.defaults();
        e.onSysConf(new CtrlSysConf(true, d.reportInterval(), false, 1 << 23, d.tcpIdleTimeout(), d.udpIdleTimeout(),
                d.icmpIdleTimeout()));
        assertThat(e.sessions().capacity()).isEqualTo(b.cap(1 << 23)).isLessThanOrEqualTo(cap);
        e.onSysConf(new CtrlSysConf(true, d.reportInterval(), false, 4096, d.tcpIdleTimeout(), d.udpIdleTimeout(),
                d.icmpIdleTimeout()));
        assertThat(e.sessions().capacity()).as("below the cap: as asked").isEqualTo(4096);
    }
}
