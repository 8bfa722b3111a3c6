package dev.microseg.dp.ctrl;

import dev.microseg.dp.ctrl.ControlCounters.Name;
import dev.microseg.dp.protocol.BatchAssembler;
import dev.microseg.dp.protocol.ControlCommand;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.CountersReport;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlCfgInternalNet;
import dev.microseg.dp.protocol.CtrlCfgMac;
import dev.microseg.dp.protocol.CtrlCfgPolicy;
import dev.microseg.dp.protocol.CtrlDelMac;
import dev.microseg.dp.protocol.CtrlKeepAlive;
import dev.microseg.dp.protocol.CtrlStats;
import dev.microseg.dp.protocol.CtrlSync;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.ProtocolLimits;
import dev.microseg.dp.protocol.Report;
import dev.microseg.dp.protocol.SyncPhase;
import dev.microseg.dp.protocol.WorkloadPolicy;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one decoded command to the engine's {@link ControlHandler}: keep-alives and stats
 * requests are answered here, policy and internal-net batches go through the
 * {@link BatchAssembler} (only a whole one reaches the handler), and a replay's end is passed on
 * only when it closes the replay that began. A keep-alive is echoed only after the work earlier
 * commands left pending is applied ({@link ControlHandler#onIdle()}: the intercept rules), so the
 * echo tells the agent that everything it sent before is in force; when that work fails (an
 * intercept rule rewrite refused by the kernel or a held xtables lock), the keep-alive is answered
 * with that error instead of an echo. Control thread only.
 */
final class CommandDispatcher {
    /** Applies what earlier commands left pending, or says why it could not. */
    @FunctionalInterface
    interface Settle {
        void run() throws ControlException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(CommandDispatcher.class);

    private final ControlHandler handler;
    private final BatchAssembler assembler;
    private final ControlCounters counters;
    private final Supplier<Map<String, Long>> allCounters;
    private final long startMillis;
    private final Settle settle;
    /** The gen of the replay in progress ({@code ctrl_sync} begin seen, end not yet). */
    private Long syncBegun;

    CommandDispatcher(ControlHandler handler, BatchAssembler assembler, ControlCounters counters,
                      Supplier<Map<String, Long>> allCounters, long startMillis, Settle settle) {
        this.settle = settle;
        this.handler = handler;
        this.assembler = assembler;
        this.counters = counters;
        this.allCounters = allCounters;
        this.startMillis = startMillis;
    }

    /**
     * Applies {@code cmd}; {@code reply} sends an answer to its sender.
     *
     * @throws ControlException when the command is refused (the caller reports it to the sender)
     */
    void dispatch(ControlCommand cmd, Consumer<Report> reply) throws ControlException {
        switch (cmd) {
            case CtrlKeepAlive k -> {
                counters.inc(Name.KEEPALIVES);
                handler.onKeepAlive(k);
                settle.run();
                reply.accept(new KeepAliveEcho(k.seqNum(), ProtocolLimits.PROTOCOL_VERSION, startMillis));
            }
            case CtrlStats s -> reply.accept(CountersReport.of(s.seqNum(), allCounters.get()));
            case CtrlAddMac a -> handler.onAddMac(a);
            case CtrlDelMac d -> handler.onDelMac(d);
            case CtrlCfgMac c -> handler.onCfgMac(c);
            case CtrlCfgPolicy p -> {
                var whole = assembler.offer(p, System.nanoTime());
                if (whole.isPresent()) {
                    logIgnoredFqdn(whole.get());
                    handler.onPolicy(whole.get());
                    counters.inc(Name.POLICIES_APPLIED);
                }
            }
            case CtrlCfgInternalNet n -> {
                var whole = assembler.offer(n, System.nanoTime());
                if (whole.isPresent()) {
                    handler.onInternalNets(whole.get());
                }
            }
            case CtrlSysConf s -> handler.onSysConf(s);
            case CtrlSync s -> sync(s);
        }
    }

    private static void logIgnoredFqdn(WorkloadPolicy p) {
        p.rules().stream().filter(r -> r.fqdn().isPresent() || r.vhost()).findFirst().ifPresent(r ->
                LOG.info("event=ctrl_fqdn_ignored workload={} rule_id={} fqdn={} note=\"fqdn and vhost are accepted, not matched\"",
                        p.macs().getFirst(), r.id(), r.fqdn().orElse("")));
    }

    /** Passes a replay's begin on, and its end only if it closes the replay that began (same gen). */
    private void sync(CtrlSync s) throws ControlException {
        if (s.phase() == SyncPhase.END && (syncBegun == null || syncBegun != s.gen())) {
            throw new ControlException(ControlError.INVALID_VALUE, CtrlSync.KEY + ".gen", "no replay began with gen "
                    + s.gen() + (syncBegun == null ? "" : " (the open one is " + syncBegun + ")") + "; end ignored");
        }
        handler.onSync(s);
        syncBegun = s.phase() == SyncPhase.BEGIN ? Long.valueOf(s.gen()) : null;
    }
}
