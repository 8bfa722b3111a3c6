package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.BatchAssembler;
import dev.microseg.dp.protocol.CtrlKeepAlive;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
}
