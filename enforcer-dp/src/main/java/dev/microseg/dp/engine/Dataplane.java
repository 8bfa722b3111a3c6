package dev.microseg.dp.engine;

import dev.microseg.dp.ctrl.ControlServer;
import dev.microseg.dp.ctrl.ControlServerConfig;
import dev.microseg.dp.intercept.InterceptBackend;
import dev.microseg.dp.intercept.InterceptConfig;
import dev.microseg.dp.intercept.InterceptManager;
import dev.microseg.dp.intercept.IpFamily;
import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.netns.Netns;
import dev.microseg.dp.nfq.CopyMode;
import dev.microseg.dp.nfq.NfQueue;
import dev.microseg.dp.nfq.NfQueueConfig;
import dev.microseg.dp.nfq.NfQueueStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
     */
    public record Options(Path ctrlSocket, Path reportSocket, int firstQueue, int queues, boolean failOpen,
                          Optional<String> netns, boolean offload, int maxSessions, boolean cpuFanout, int copyRange,
                          String chain) {
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
    private final Rules rules;
    private final List<Thread> queueThreads = new ArrayList<>();
    private final List<NfQueue> queues = new ArrayList<>();
    private Thread reporterThread;
    private ControlServer server;
    private boolean closed;

    private Dataplane(Options options, Engine engine, Rules rules) {
        this.options = options;
        this.engine = engine;
        this.rules = rules;
    }

    /** Brings the data plane up; on failure everything started so far is taken down again. */
    public static Dataplane start(Options o) throws IOException {
        InterceptConfig ic = InterceptConfig.of(o.queues(), o.failOpen()).withQueues(o.firstQueue(), o.queues())
                .withCpuFanout(o.cpuFanout()).withChainPrefix(o.chain());
        if (o.netns().isPresent()) {
            ic = ic.inNamespace(o.netns().get());
        }
        InterceptBackend backend = InterceptManager.create(ic).detectBackend();
        if (!backend.ip6tables()) {
            ic = ic.withIpv6(false);
        }
        Rules rules = new Rules(InterceptManager.create(ic));
        Engine engine = new Engine(new EngineConfig(o.failOpen(), o.offload(), o.maxSessions(),
                EngineConfig.DEFAULT_MAX_ENDPOINTS, MarkBits.DEFAULT), rules, AppIdentifier.NONE);
        Dataplane dp = new Dataplane(o, engine, rules);
        try {
            dp.startReporter();
            rules.manager.install();
            for (int i = 0; i < o.queues(); i++) {
                dp.startQueue(o.firstQueue() + i);
            }
            engine.queueStatistics(() -> QueueProcStats.read(QueueProcStats.FILE, o.firstQueue(), o.queues()),
                    dp::queueCounters);
            dp.server = ControlServer.start(ControlServerConfig.of(o.ctrlSocket(), o.reportSocket()), engine);
            engine.reportTo(dp.server::report);
        } catch (IOException | RuntimeException e) {
            dp.close();
            throw e;
        }
        LOG.atInfo().addKeyValue("interception", backend.description()).addKeyValue("queues", o.queues())
                .addKeyValue("first_queue", o.firstQueue()).addKeyValue("fail_open", o.failOpen())
                .addKeyValue("offload", o.offload()).addKeyValue("cpu_fanout", o.cpuFanout())
                .addKeyValue("netns", o.netns().orElse("")).addKeyValue("ctrl_socket", o.ctrlSocket())
                .addKeyValue("report_socket", o.reportSocket()).addKeyValue("pid", ProcessHandle.current().pid())
                .log("event=dp_ready");
        return dp;
    }

    public Engine engine() {
        return engine;
    }

    /** The counters a {@code ctrl_stats} reply carries (control server's and engine's). */
    public Map<String, Long> counters() {
        ControlServer s = server;
        return s == null ? engine.counters() : s.counters();
    }

    private void enterNamespace() throws IOException {
        if (options.netns().isPresent()) {
            Netns.enter(options.netns().get());
        }
    }

    private void startReporter() throws IOException {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        reporterThread = Thread.ofPlatform().name("microseg-dp-reporter").start(() -> {
            KernelConntrack ct;
            try {
                enterNamespace();
                ct = KernelConntrack.open();
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                return;
            }
            opened.complete(null);
            engine.runReporter(ct);
        });
        await(opened, "opening conntrack (netlink) for the reporter");
    }

    private void startQueue(int number) throws IOException {
        NfQueueConfig config = NfQueueConfig.defaults(number).withCopy(CopyMode.PACKET, options.copyRange())
                .withFailOpen(options.failOpen());
        dev.microseg.dp.nfq.PacketHandler pipeline = engine.newPacketHandler();
        CompletableFuture<NfQueue> opened = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("microseg-dp-queue-" + number).start(() -> {
            NfQueue q;
            try {
                enterNamespace();
                q = NfQueue.open(config);
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                return;
            }
            opened.complete(q);
            try {
                q.run(pipeline);
            } catch (IOException | RuntimeException e) {
                LOG.atError().setCause(e).addKeyValue("queue", number).log("event=queue_loop_failed");
            } finally {
                q.close();
            }
        });
        queueThreads.add(t);
        synchronized (queues) {
            queues.add(await(opened, "binding queue " + number));
        }
    }

    private static <T> T await(CompletableFuture<T> f, String step) throws IOException {
        try {
            return f.get(THREAD_START.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(step + ": " + c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new IOException(step + ": no answer within " + THREAD_START.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(step + ": interrupted", e);
        }
    }

    private Map<String, Long> queueCounters() {
        long packets = 0;
        long malformed = 0;
        long truncated = 0;
        long handlerErrors = 0;
        long fallback = 0;
        long overruns = 0;
        long kernelErrors = 0;
        long verdictMessages = 0;
        synchronized (queues) {
            for (NfQueue q : queues) {
                NfQueueStats s = q.stats();
                packets += s.packets();
                malformed += s.malformed();
                truncated += s.truncated();
                handlerErrors += s.handlerErrors();
                fallback += s.fallbackVerdicts();
                overruns += s.overruns();
                kernelErrors += s.kernelErrors();
                verdictMessages += s.verdictMessages();
            }
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("nfq.packets", packets);
        m.put("nfq.verdict_messages", verdictMessages);
        m.put("nfq.malformed", malformed);
        m.put("nfq.truncated", truncated);
        m.put("nfq.handler_errors", handlerErrors);
        m.put("nfq.fallback_verdicts", fallback);
        m.put("nfq.overruns", overruns);
        m.put("nfq.kernel_errors", kernelErrors);
        return m;
    }

    /** Rules first, then queues, then the reporter and the sockets. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        rules.manager.close();
        synchronized (queues) {
            queues.forEach(NfQueue::stop);
        }
        join(queueThreads);
        engine.stopReporter();
        if (reporterThread != null) {
            join(List.of(reporterThread));
        }
        if (server != null) {
            server.close();
        }
        LOG.atInfo().addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("event=dp_stopped");
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

    /** The engine's hold on the intercept rules; {@code setFailOpen} reinstalls them with or without bypass. */
    private static final class Rules implements KernelRules {
        private volatile InterceptManager manager;

        Rules(InterceptManager manager) {
            this.manager = manager;
        }

        @Override
        public synchronized void setWorkloads(Collection<InetAddress> addresses) throws IOException {
            boolean v6 = manager.config().ipv6();
            manager.setWorkloads(addresses.stream().filter(a -> v6 || IpFamily.of(a) == IpFamily.IPV4).toList());
        }

        @Override
        public synchronized void setFailOpen(boolean failOpen) throws IOException {
            InterceptConfig c = manager.config();
            InterceptManager next = InterceptManager.create(new InterceptConfig(c.chainPrefix(), c.firstQueue(),
                    c.queueCount(), failOpen, c.cpuFanout(), c.marks(), c.commandPrefix(), c.ipv6()));
            next.setWorkloads(manager.workloads());
            next.install();
            manager = next;
            LOG.atInfo().addKeyValue("fail_open", failOpen).log("event=intercept_bypass_changed");
        }
    }
}
