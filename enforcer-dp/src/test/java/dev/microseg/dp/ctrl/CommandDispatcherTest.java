package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.BatchAssembler;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.CtrlKeepAlive;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The order a keep-alive is answered in: after the pending work of earlier commands was applied. */
class CommandDispatcherTest {
    private final RecordingHandler handler = new RecordingHandler();
    private final List<String> order = new ArrayList<>();
    private final CommandDispatcher dispatcher = new CommandDispatcher(handler, new BatchAssembler(1_000_000_000L),
            new ControlCounters(), Map::of, 42, () -> order.add("settled"));

    @Test
    void aKeepAliveIsEchoedOnlyAfterPendingWorkWasApplied() throws Exception {
        List<Report> replies = new ArrayList<>();
        dispatcher.dispatch(new CtrlKeepAlive(7), r -> {
            order.add("echo");
            replies.add(r);
        });
        assertThat(order).containsExactly("settled", "echo");
        assertThat(replies).containsExactly(new KeepAliveEcho(7, dev.microseg.dp.protocol.ProtocolLimits.PROTOCOL_VERSION, 42));
        assertThat(handler.seen).containsExactly(new CtrlKeepAlive(7));
    }

    @Test
    void aKeepAliveIsAnsweredWithTheErrorWhenThePendingWorkFailed() {
        ControlException refused = new ControlException(ControlError.INTERNAL, "endpoints",
                "updating the intercept rules failed: iptables-restore: Another app is currently holding the xtables lock");
        CommandDispatcher failing = new CommandDispatcher(handler, new BatchAssembler(1_000_000_000L),
                new ControlCounters(), Map::of, 42, () -> {
                    throw refused;
                });
        List<Report> replies = new ArrayList<>();
        assertThatThrownBy(() -> failing.dispatch(new CtrlKeepAlive(8), replies::add)).isSameAs(refused);
        assertThat(replies).as("no echo: the agent must not read it as 'everything is in force'").isEmpty();
    }
}
