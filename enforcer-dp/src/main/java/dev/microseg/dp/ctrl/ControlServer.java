package dev.microseg.dp.ctrl;

import dev.microseg.dp.ctrl.ControlCounters.Name;
import dev.microseg.dp.protocol.BatchAssembler;
import dev.microseg.dp.protocol.CommandKeys;
import dev.microseg.dp.protocol.ControlCommand;
import dev.microseg.dp.protocol.ControlDecoder;
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
import dev.microseg.dp.protocol.ErrorReport;
import dev.microseg.dp.protocol.KeepAliveEcho;
import dev.microseg.dp.protocol.ProtocolLimits;
import dev.microseg.dp.protocol.Report;
import dev.microseg.dp.protocol.ReportEncoder;
import dev.microseg.dp.protocol.SyncPhase;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dp end of the control protocol (docs/dp-protocol.md): binds the control socket, receives
 * command datagrams on one dedicated thread, decodes and assembles them, dispatches them to the
 * engine's {@link ControlHandler}, answers keep-alives, stats requests and refused commands to the
 * sender's address, and sends the report stream to the agent's socket.
 *
 * <p>Nothing a peer sends stops it: a malformed datagram is counted, logged (rate-limited,
 * key=value) and answered with an error report, and the next datagram is served. Nothing a peer
 * fails to do blocks it: replies and reports are non-blocking and counted as dropped when the peer's
 * queue is full or its socket absent.
 *
 * <pre>{@code
 * try (ControlServer server = ControlServer.start(ControlServerConfig.defaults(), engine)) {
 *     server.report(new ConnectionReport(records));   // from any thread
 * }
 * }</pre>
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** Receive buffer: the datagram bound plus a margin, so an oversize datagram is seen as such, not cut. */
    static final int RECEIVE_BUFFER = ProtocolLimits.MAX_DATAGRAM + 64 * 1024;
    /** The control thread wakes at least this often to expire stale batches and notice close(). */
    private static final long TICK_MILLIS = 1000;
    /** Longest wait for the control thread on close; a handler stuck longer is logged. */
    private static final long CLOSE_JOIN_MILLIS = 5000;

    private final ControlServerConfig config;
    private final ControlHandler handler;
    private final ControlCounters counters = new ControlCounters();
    private final AFUNIXDatagramChannel channel;
    private final Selector selector;
    private final ReportSender reports;
    private final RateLimitedLog badInput;
    private final BatchAssembler assembler;
    private final ReportEncoder replyEncoder = new ReportEncoder();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
    private final byte[] datagram = new byte[RECEIVE_BUFFER];
    private final long startMillis = System.currentTimeMillis();
    private final Thread thread;
    private volatile boolean running = true;
    /** The gen of the replay in progress ({@code ctrl_sync} begin seen, end not yet); control thread only. */
    private Long syncBegun;

    private ControlServer(ControlServerConfig config, ControlHandler handler) throws IOException {
        this.config = config;
        this.handler = handler;
        this.assembler = new BatchAssembler(config.batchTimeout().toNanos());
        this.badInput = new RateLimitedLog(LOG, config.logsPerWindow(), config.logWindow().toNanos(), System::nanoTime,
                () -> counters.inc(Name.LOG_SUPPRESSED));
        this.channel = ControlSocketFile.bind(config);
        try {
            this.selector = channel.provider().openSelector();
            channel.register(selector, SelectionKey.OP_READ);
            this.reports = new ReportSender(config.reportPath(), counters, config.reconnectInterval().toNanos(), System::nanoTime);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(config.socketPath());
            throw e;
        }
        this.thread = Thread.ofPlatform().name("microseg-dp-ctrl").daemon(true).unstarted(this::loop);
    }

    /** Binds the control socket and starts the control thread. */
    public static ControlServer start(ControlServerConfig config, ControlHandler handler) throws IOException {
        ControlServer s = new ControlServer(config, java.util.Objects.requireNonNull(handler, "handler"));
        s.thread.start();
        LOG.info("event=ctrl_listening path={} report_path={} version={}", config.socketPath(), config.reportPath(),
                ProtocolLimits.PROTOCOL_VERSION);
        return s;
    }

    // ---------------------------------------------------------------------------------- the thread

    private void loop() {
        while (running) {
            try {
                selector.select(TICK_MILLIS);
                selector.selectedKeys().clear();
                drain();
                expire();
            } catch (IOException e) {
                if (running) {
                    LOG.warn("event=ctrl_receive_failed reason=\"{}\"", e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.error("event=ctrl_loop_failed", e);
            }
        }
    }

    private void drain() throws IOException {
        while (running) {
            receiveBuffer.clear();
            SocketAddress from = channel.receive(receiveBuffer);
            int len = receiveBuffer.position();
            if (len == 0) {
                // Nothing queued (or an empty datagram from an unbound sender, which carries nothing).
                return;
            }
            receiveBuffer.flip();
            receiveBuffer.get(datagram, 0, len);
            handle(len, from instanceof AFUNIXSocketAddress a ? a : null);
        }
    }

    private void expire() {
        if (assembler.pending() > 0) {
            assembler.expire(System.nanoTime());
        }
        syncBatchCounters();
    }

    private void syncBatchCounters() {
        counters.set(Name.BATCH_RESTARTED, assembler.restarted());
        counters.set(Name.BATCH_EXPIRED, assembler.expired());
        counters.set(Name.BATCH_PENDING, assembler.pending());
    }

    /** One datagram of {@code len} bytes in {@link #datagram}, from {@code from} (null if unbound). */
    private void handle(int len, AFUNIXSocketAddress from) {
        counters.inc(Name.RX_DATAGRAMS);
        counters.add(Name.RX_BYTES, len);
        ControlCommand cmd;
        try {
            cmd = ControlDecoder.decode(datagram, 0, len);
        } catch (ControlException e) {
            counters.inc(Name.MALFORMED);
            if (e.error() == ControlError.OVERSIZE) {
                counters.inc(Name.OVERSIZE);
            }
            String key = commandOf(e.path());
            badInput.warn(LogLines.refused("ctrl_malformed", key, e, len, from));
            reply(from, ErrorReport.of(key, e));
            return;
        }
        counters.inc(Name.COMMANDS);
        try {
            dispatch(cmd, from);
        } catch (ControlException e) {
            counters.inc(Name.REJECTED);
            badInput.warn(LogLines.refused("ctrl_rejected", cmd.key(), e, len, from));
            reply(from, ErrorReport.of(cmd.key(), e));
        } catch (RuntimeException | StackOverflowError e) {
            counters.inc(Name.HANDLER_FAILURES);
            LOG.error("event=ctrl_handler_failed command={} from={}", cmd.key(), LogLines.name(from), e);
            reply(from, new ErrorReport(ControlError.INTERNAL, cmd.key(), "",
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        } finally {
            syncBatchCounters();
        }
    }

    /** The command a refused datagram was, when the error's path starts with a known key; else empty. */
    private static String commandOf(String path) {
        int dot = path.indexOf('.');
        String head = dot < 0 ? path : path.substring(0, dot);
        return CommandKeys.ALL.contains(head) ? head : "";
    }

    private void dispatch(ControlCommand cmd, AFUNIXSocketAddress from) throws ControlException {
        switch (cmd) {
            case CtrlKeepAlive k -> {
                counters.inc(Name.KEEPALIVES);
                handler.onKeepAlive(k);
                reply(from, new KeepAliveEcho(k.seqNum(), ProtocolLimits.PROTOCOL_VERSION, startMillis));
            }
            case CtrlStats s -> reply(from, CountersReport.of(s.seqNum(), counters()));
            case CtrlAddMac a -> handler.onAddMac(a);
            case CtrlDelMac d -> handler.onDelMac(d);
            case CtrlCfgMac c -> handler.onCfgMac(c);
            case CtrlCfgPolicy p -> {
                var whole = assembler.offer(p, System.nanoTime());
                if (whole.isPresent()) {
                    whole.get().rules().stream().filter(r -> r.fqdn().isPresent() || r.vhost()).findFirst().ifPresent(r ->
                            LOG.info("event=ctrl_fqdn_ignored workload={} rule_id={} fqdn={} note=\"fqdn and vhost are accepted, not matched\"",
                                    whole.get().macs().getFirst(), r.id(), r.fqdn().orElse("")));
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

    /** Passes a replay's begin on, and its end only if it closes the replay that began (same gen). */
    private void sync(CtrlSync s) throws ControlException {
        if (s.phase() == SyncPhase.END && (syncBegun == null || syncBegun != s.gen())) {
            throw new ControlException(ControlError.INVALID_VALUE, CtrlSync.KEY + ".gen", "no replay began with gen "
                    + s.gen() + (syncBegun == null ? "" : " (the open one is " + syncBegun + ")") + "; end ignored");
        }
        handler.onSync(s);
        syncBegun = s.phase() == SyncPhase.BEGIN ? Long.valueOf(s.gen()) : null;
    }

    private void reply(AFUNIXSocketAddress to, Report report) {
        if (to == null) {
            counters.inc(Name.REPLIES_NO_ADDRESS);
            return;
        }
        for (byte[] m : replyEncoder.encode(report)) {
            try {
                if (channel.send(ByteBuffer.wrap(m), to) == m.length) {
                    counters.inc(Name.REPLIES_SENT);
                } else {
                    counters.inc(Name.REPLIES_DROPPED);
                }
            } catch (IOException e) {
                counters.inc(Name.REPLIES_DROPPED);
                LOG.debug("event=ctrl_reply_failed to={} reason=\"{}\"", LogLines.name(to), e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------------------------- public API

    /**
     * Sends a report to the agent's report socket, from any thread, never blocking. Returns false if
     * a message was dropped (agent absent or its queue full); drops are counted in
     * {@code report.messages_dropped}.
     */
    public boolean report(Report report) {
        return reports.send(report);
    }

    /** The server's counters followed by the engine's, as in a {@code ctrl_stats} reply. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>(counters.snapshot());
        try {
            m.putAll(handler.counters());
        } catch (RuntimeException e) {
            LOG.warn("event=ctrl_handler_counters_failed reason=\"{}\"", e.getMessage());
        }
        return m;
    }

    public Path socketPath() {
        return config.socketPath();
    }

    /** Epoch ms this server started, as sent in keep-alive echoes. */
    public long startMillis() {
        return startMillis;
    }

    /** Stops the control thread, closes the sockets and removes the socket file. Idempotent. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(CLOSE_JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("event=ctrl_close_timeout note=\"control thread still busy in the handler\"");
        }
        try {
            selector.close();
            channel.close();
            Files.deleteIfExists(config.socketPath());
        } catch (IOException e) {
            LOG.warn("event=ctrl_close_failed reason=\"{}\"", e.getMessage());
        }
        reports.close();
        LOG.info("event=ctrl_closed path={}", config.socketPath());
    }
}
