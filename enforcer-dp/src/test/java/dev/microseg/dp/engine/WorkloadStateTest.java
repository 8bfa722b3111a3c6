package dev.microseg.dp.engine;

import dev.microseg.dp.protocol.CtrlSync;
import dev.microseg.dp.protocol.Endpoint;
import dev.microseg.dp.protocol.IpAddress;
import dev.microseg.dp.protocol.MacAddress;
import dev.microseg.dp.protocol.SyncPhase;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The intercept rules a replay holds back: never longer than {@link WorkloadState#REPLAY_RULES_DELAY}. */
class WorkloadStateTest {
    private final List<Integer> rewrites = new ArrayList<>();
    private long clock;

    private final WorkloadState state = new WorkloadState(16, new KernelRules() {
        @Override
        public void setWorkloads(Collection<InetAddress> addresses) {
            rewrites.add(addresses.size());
        }

        @Override
        public void setFailOpen(boolean failOpen) {
        }
    }, () -> { }, () -> clock);

    private static Endpoint endpoint(int i) {
        return new Endpoint("vw" + i, MacAddress.parse("mac", String.format("02:00:00:00:00:%02x", i)),
                List.of(IpAddress.parse("ip", "10.0.0." + i)));
    }

    @Test
    void aReplayThatDoesNotEndHoldsTheRulesBackForABoundedTimeOnly() throws Exception {
        state.sync(new CtrlSync(1, SyncPhase.BEGIN));
        state.putEndpoint(endpoint(1), "ctrl_add_mac");
        clock += WorkloadState.REPLAY_RULES_DELAY.toNanos() - 1;
        state.putEndpoint(endpoint(2), "ctrl_add_mac");
        state.flushRules("endpoints");
        assertThat(rewrites).as("the replay is younger than the delay").isEmpty();
        clock += 1;
        state.flushRules("endpoints");
        assertThat(rewrites).containsExactly(2);
        assertThat(state.rulesStale()).isFalse();
    }
}
