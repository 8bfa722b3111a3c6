package dev.microseg.dp.engine;

import dev.microseg.dp.ctrl.ControlServer;
import dev.microseg.dp.ctrl.ControlServerConfig;
import dev.microseg.dp.intercept.InterceptBackend;
import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.kcache.AllowCache;
import dev.microseg.dp.kcache.KernelAllowCache;
import dev.microseg.dp.kcache.NftAllowTable;
import dev.microseg.dp.netns.Netns;
import dev.microseg.dp.nfq.CopyMode;
import dev.microseg.dp.nfq.NfQueueConfig;
import dev.microseg.dp.nfq.PacketHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * A running data plane: intercept rules, one thread per queue, the reporter thread, the control
 * socket, wired to one {@link Engine}. {@link #start} brings them up in an order that never
 * blackholes traffic (rules that queue nothing yet, then queues, then the control socket that
 * brings endpoints); {@link #close} takes them down rules first, so no new packet is queued,
 * then the queues (unbinding drops what still waits for a verdict), then the sockets.
 */
public final class Dataplane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dataplane.class);
    private static final Duration THREAD_START = Duration.ofSeconds(10);
    private static final Duration THREAD_STOP = Duration.ofSeconds(5);

    /**
     * The process's settings.
     *
     * @param ctrlSocket   the control socket the dp binds
     * @param reportSocket the agent's socket reports go to
     * @param firstQueue   first NFQUEUE number
     * @param queues       queues (and threads); flows are spread by a hash symmetric in the addresses
     * @param failOpen     {@code --queue-bypass} and the fail verdict
     * @param netns        a named network namespace to work in, instead of the process's own
     * @param offload      decided connections continue in the kernel
     * @param maxSessions  session table capacity until the agent's {@code ctrl_sys_conf}
     * @param cpuFanout    {@code --queue-cpu-fanout}: pick the queue by CPU instead of by flow hash
     * @param copyRange    bytes of each packet copied to user space (headers; DPI will want more)
     * @param chain        the intercept chain's name prefix
     * @param kernelAllowCache new connections matching an earlier final allow are accepted in the
     *                     kernel ({@link KernelAllowCache}); only with {@code offload}
     */
    public record Options(Path ctrlSocket, Path reportSocket, int firstQueue, int queues, boolean failOpen,
                          Optional<String> netns, boolean offload, int maxSessions, boolean cpuFanout, int copyRange,
                          String chain, boolean kernelAllowCache) {
        /** With the kernel allow cache on (the default). */
        public Options(Path ctrlSocket, Path reportSocket, int firstQueue, int queues, boolean failOpen,
                       Optional<String> netns, boolean offload, int maxSessions, boolean cpuFanout, int copyRange,
                       String chain) {
            this(ctrlSocket, reportSocket, firstQueue, queues, failOpen, netns, offload, maxSessions, cpuFanout, copyRange,
                    chain, true);
        }

        public Options {
            Objects.requireNonNull(ctrlSocket, "ctrlSocket");
            Objects.requireNonNull(reportSocket, "reportSocket");
            Objects.requireNonNull(netns, "netns");
            if (queues < 1 || queues > 64) {
                throw new IllegalArgumentException("--queues must be 1..64, was " + queues);
            }
            if (copyRange < 128 || copyRange > NfQueueConfig.MAX_COPY_RANGE) {
                throw new IllegalArgumentException("--copy-range must be 128.." + NfQueueConfig.MAX_COPY_RANGE
                        + " (headers must fit), was " + copyRange);
            }
            netns.ifPresent(Netns::path);
        }
    }

    private final Options options;
    private final Engine engine;
    private final InterceptRules rules;
    private final QueueThreads queues;
    private final CompletableFuture<String> failure = new CompletableFuture<>();
    private Thread reporterThread;
    private KernelAllowCache cache;
    private ControlServer server;
    private boolean closed;

    private Dataplane(Options options, Engine engine, InterceptRules rules) {
        this.options = options;
        this.engine = engine;
        this.rules = rules;
        this.queues = new QueueThreads(options.netns(), this::fail);
    }

    /** Brings the data plane up; on failure everything started so far is taken down again. */
    public static Dataplane start(Options o) throws IOException {
        return start(o, UnaryOperator.identity());
    }

    /**
     * As {@link #start(Options)}, with each queue's packet handler wrapped by {@code handlers}:
     * tests inject failures into a queue's loop through it.
     */
    static Dataplane start(Options o, UnaryOperator<PacketHandler> handlers) throws IOException {
        InterceptConfig ic = InterceptConfig.of(o.queues(), o.failOpen()).withQueues(o.firstQueue(), o.queues())
                .withCpuFanout(o.cpuFanout()).withChainPrefix(o.chain());
        if (o.netns().isPresent()) {
            ic = ic.inNamespace(o.netns().get());
        }
        InterceptBackend backend = InterceptManager.create(ic).detectBackend();
        if (!backend.ip6tables()) {
            ic = ic.withIpv6(false);
        }
        InterceptRules rules = new InterceptRules(InterceptManager.create(ic));
        Engine engine = new Engine(new EngineConfig(o.failOpen(), o.offload(), o.maxSessions(),
                EngineConfig.DEFAULT_MAX_ENDPOINTS, MarkBits.DEFAULT), rules, AppIdentifier.NONE);
        Dataplane dp = new Dataplane(o, engine, rules);
        try {
            dp.startReporter();
            rules.manager().install();
            String table = NftAllowTable.tableName(o.chain());
            if (o.offload() && o.kernelAllowCache()) {
                dp.cache = KernelAllowCache.start(ic.commandPrefix(), o.netns(), table, engine.marks(), engine::generation,
                        engine::failOpen);
                engine.allowCache(dp.cache);
            } else if (NftAllowTable.remove(ic.commandPrefix(), table)) {
                LOG.atWarn().addKeyValue("table", "inet " + table).log("event=kernel_allow_cache_stale_removed");
            }
            for (int i = 0; i < o.queues(); i++) {
                NfQueueConfig config = NfQueueConfig.defaults(o.firstQueue() + i)
                        .withCopy(CopyMode.PACKET, o.copyRange()).withFailOpen(o.failOpen());
                dp.queues.start(config, handlers.apply(engine.newPacketHandler()), THREAD_START);
            }
            engine.queueStatistics(() -> QueueProcStats.read(QueueProcStats.FILE, o.firstQueue(), o.queues()),
                    dp.queues::counters);
            dp.server = ControlServer.start(ControlServerConfig.of(o.ctrlSocket(), o.reportSocket()), engine, dp::fail);
            engine.reportTo(dp.server::report);
        } catch (IOException | RuntimeException e) {
            dp.close();
            throw e;
        }
        LOG.atInfo().addKeyValue("interception", backend.description()).addKeyValue("queues", o.queues())
                .addKeyValue("first_queue", o.firstQueue()).addKeyValue("fail_open", o.failOpen())
                .addKeyValue("offload", o.offload()).addKeyValue("kernel_allow_cache", dp.cache != null)
                .addKeyValue("cpu_fanout", o.cpuFanout())
                .addKeyValue("netns", o.netns().orElse("")).addKeyValue("ctrl_socket", o.ctrlSocket())
                .addKeyValue("report_socket", o.reportSocket()).addKeyValue("pid", ProcessHandle.current().pid())
                .log("event=dp_ready");
        return dp;
    }

    public Engine engine() {
        return engine;
    }

    /**
     * Completes, with the reason, when a part of the data plane can no longer work: a queue that
     * cannot be served ({@link QueueSupervisor}), a reporter or control thread ended by an error it
     * cannot recover from. The process then stops with {@link #closeAfterFailure()} and exits
     * non-zero, so its supervisor (or the agent) restarts it.
     */
    public CompletableFuture<String> failure() {
        return failure;
    }

    private void fail(String reason) {
        if (failure.complete(reason)) {
            LOG.atError().addKeyValue("reason", reason).log("event=dp_failed");
        }
    }

    /** The counters a {@code ctrl_stats} reply carries (control server's and engine's). */
    public Map<String, Long> counters() {
        ControlServer s = server;
        return s == null ? engine.counters() : s.counters();
    }

    private void startReporter() throws IOException {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        reporterThread = Thread.ofPlatform().name("microseg-dp-reporter").start(() -> {
            KernelConntrack ct;
            try {
                if (options.netns().isPresent()) {
                    Netns.enter(options.netns().get());
                }
                ct = KernelConntrack.open();
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                return;
            }
            opened.complete(null);
            try {
                engine.runReporter(ct);
            } catch (Throwable t) {
                LOG.atError().setCause(t).log("event=reporter_thread_failed");
                fail("the reporter thread ended: " + t);
            }
        });
        await(opened, "opening conntrack (netlink) for the reporter", THREAD_START);
    }

    static <T> T await(CompletableFuture<T> f, String step, Duration timeout) throws IOException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(step + ": " + c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new IOException(step + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(step + ": interrupted", e);
        }
    }

    /** Rules first, then queues, then the reporter and the sockets. Idempotent. */
    @Override
    public synchronized void close() {
        stop(true);
    }

    /**
     * Stops after {@link #failure()}: as {@link #close()} when the dp fails open (the rules go and
     * traffic flows unfiltered); when it fails closed the rules stay, so once the queues are
     * unbound traffic to and from workloads is dropped until a restarted dp takes over (as after a
     * crash). Which one follows the fail mode in force ({@code ctrl_sys_conf} may have changed it).
     */
    public synchronized void closeAfterFailure() {
        stop(engine.failOpen());
    }

    private void stop(boolean removeRules) {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        if (removeRules) {
            rules.manager().close();
        }
        if (cache != null) {
            // Removed even when failing closed: a crashed dp's cache must not keep admitting new connections.
            engine.allowCache(AllowCache.NONE);
            cache.close();
        }
        queues.stop();
        join(queues.threads());
        engine.stopReporter();
        if (reporterThread != null) {
            join(List.of(reporterThread));
        }
        if (server != null) {
            server.close();
        }
        LOG.atInfo().addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).addKeyValue("rules_removed", removeRules)
                .log("event=dp_stopped");
    }

    private static void join(Collection<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join(THREAD_STOP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.atWarn().addKeyValue("thread", t.getName()).log("event=thread_stop_timeout");
            }
        }
    }
}
