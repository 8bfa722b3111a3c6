package dev.microseg.dp.ctrl;

import dev.microseg.dp.ctrl.ControlCounters.Name;
import dev.microseg.dp.protocol.BatchAssembler;
import dev.microseg.dp.protocol.CommandKeys;
import dev.microseg.dp.protocol.ControlCommand;
import dev.microseg.dp.protocol.ControlDecoder;
import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.ErrorReport;
import dev.microseg.dp.protocol.ProtocolLimits;
import dev.microseg.dp.protocol.Report;
import dev.microseg.dp.protocol.ReportEncoder;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
 * <p>Nothing a handler throws stops it either: any exception or error out of a command is counted
 * ({@code ctrl.handler_failures}), logged and answered with {@code INTERNAL}, and the thread keeps
 * serving: an {@link OutOfMemoryError} (a command that asked for too much), a
 * {@link StackOverflowError}, a {@link LinkageError} (one handler's missing class) fail that one
 * command. The exceptions are the JVM's own failures, {@link InternalError} and
 * {@link UnknownError} ({@link #unrecoverable}): after one of those nothing in the process can be
 * trusted, so the thread stops and tells {@code fatal}, and the process exits non-zero.
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
    /**
     * Datagrams handled per turn before {@link ControlHandler#onIdle()} runs even though more wait:
     * a burst (a replay of up to 4096 endpoints and their policies) costs a handful of intercept
     * rewrites, and an agent that never stops sending cannot hold them back forever.
     */
    static final int MAX_DATAGRAMS_PER_TURN = 4096;
    /** Pause after a failed turn of the loop. */
    private static final long FAILURE_PAUSE_MILLIS = 10;

    private final ControlServerConfig config;
    private final ControlHandler handler;
    private final ControlCounters counters = new ControlCounters();
    private final AFUNIXDatagramChannel channel;
    private final Selector selector;
    private final ReportSender reports;
    private final RateLimitedLog badInput;
    private final BatchAssembler assembler;
    private final CommandDispatcher dispatcher;
    private final Consumer<String> fatal;
    private final ReportEncoder replyEncoder = new ReportEncoder();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
    private final byte[] datagram = new byte[RECEIVE_BUFFER];
    private final long startMillis = System.currentTimeMillis();
    private final Thread thread;
    private volatile boolean running = true;
    /** Set by the first {@link #close()}; separate from {@link #running}, which the thread clears itself when it fails. */
    private final AtomicBoolean closed = new AtomicBoolean();

    private ControlServer(ControlServerConfig config, ControlHandler handler, Consumer<String> fatal) throws IOException {
        this.config = config;
        this.handler = handler;
        this.fatal = fatal;
        this.assembler = new BatchAssembler(config.batchTimeout().toNanos());
        this.dispatcher = new CommandDispatcher(handler, assembler, counters, this::counters, startMillis, handler::onIdle);
        this.badInput = new RateLimitedLog(LOG, config.logsPerWindow(), config.logWindow().toNanos(), System::nanoTime,
                () -> counters.inc(Name.LOG_SUPPRESSED));
        this.channel = ControlSocketFile.bind(config);
        try {
            this.selector = channel.provider().openSelector();
            channel.register(selector, SelectionKey.OP_READ);
            this.reports = new ReportSender(config.reportPath(), counters, config.reconnectInterval().toNanos(), System::nanoTime,
                    config.logsPerWindow(), config.logWindow().toNanos());
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(config.socketPath());
            throw e;
        }
        this.thread = Thread.ofPlatform().name("microseg-dp-ctrl").daemon(true).unstarted(this::loop);
    }

    /** Binds the control socket and starts the control thread; an unrecoverable error is only logged. */
    public static ControlServer start(ControlServerConfig config, ControlHandler handler) throws IOException {
        return start(config, handler, reason -> { });
    }

    /**
     * Binds the control socket and starts the control thread.
     *
     * @param fatal told, with the reason, when the control thread met an error it cannot recover
     *              from ({@link #unrecoverable}) and stopped: the process should exit
     */
    public static ControlServer start(ControlServerConfig config, ControlHandler handler, Consumer<String> fatal)
            throws IOException {
        ControlServer s = new ControlServer(config, Objects.requireNonNull(handler, "handler"),
                Objects.requireNonNull(fatal, "fatal"));
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
                idle();
            } catch (IOException e) {
                if (running) {
                    LOG.warn("event=ctrl_receive_failed reason=\"{}\"", e.getMessage());
                }
            } catch (Throwable t) {
                if (unrecoverable(t)) {
                    running = false;
                    LOG.error("event=ctrl_thread_failed note=\"an error of the JVM itself: the process must end\"", t);
                    fatal.accept("the control thread cannot go on: " + t);
                    return;
                }
                counters.inc(Name.LOOP_FAILURES);
                badInput.error("event=ctrl_loop_failed reason=\"" + t + "\"", t);
                pause();
            }
        }
    }

    /**
     * The JVM's own failures, after which the process cannot be trusted: {@link InternalError},
     * {@link UnknownError}. Every other throwable fails one command, or one turn of the loop.
     */
    static boolean unrecoverable(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError) && !(t instanceof StackOverflowError);
    }

    /** After a failed turn: a short pause, so a failure that repeats does not spin the thread. */
    private static void pause() {
        try {
            Thread.sleep(FAILURE_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The socket is drained: the handler may now apply what it coalesced ({@link ControlHandler#onIdle()}). */
    private void idle() {
        try {
            handler.onIdle();
        } catch (ControlException e) {
            badInput.warn("event=ctrl_idle_failed path=" + e.path() + " reason=\"" + e.getMessage() + "\"");
        }
    }

    private void drain() throws IOException {
        for (int n = 0; running && n < MAX_DATAGRAMS_PER_TURN; n++) {
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
            dispatcher.dispatch(cmd, r -> reply(from, r));
        } catch (ControlException e) {
            counters.inc(Name.REJECTED);
            badInput.warn(LogLines.refused("ctrl_rejected", cmd.key(), e, len, from));
            reply(from, ErrorReport.of(cmd.key(), e));
        } catch (RuntimeException | Error e) {
            counters.inc(Name.HANDLER_FAILURES);
            LOG.error("event=ctrl_handler_failed command={} from={}", cmd.key(), LogLines.name(from), e);
            if (unrecoverable(e)) {
                throw e;
            }
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
        if (!closed.compareAndSet(false, true)) {
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
