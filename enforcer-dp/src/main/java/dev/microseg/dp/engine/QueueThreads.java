package dev.microseg.dp.engine;

import dev.microseg.dp.netns.Netns;
import dev.microseg.dp.nfq.NfQueue;
import dev.microseg.dp.nfq.NfQueueConfig;
import dev.microseg.dp.nfq.NfQueueStats;
import dev.microseg.dp.nfq.PacketHandler;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The queue threads of a data plane: each opens (binds) its queue in the dp's namespace and serves
 * it under a {@link QueueSupervisor}, which restarts a failed loop, binds the queue again on a new
 * socket when its socket failed, or reports that the queue cannot be served ({@code fatal}).
 * Their counters (of every socket a queue had) are summed for {@code ctrl_stats}.
 */
final class QueueThreads {
    private final Optional<String> netns;
    private final Consumer<String> fatal;
    private final List<Thread> threads = new ArrayList<>();
    private final List<NfQueue> queues = new ArrayList<>();
    private final List<QueueSupervisor> supervisors = new ArrayList<>();
    private boolean stopped;
    /** Counters of sockets replaced by a rebind, in {@link #QUEUE_COUNTERS} order: kept as sums, not as sockets. */
    private final long[] retired = new long[QUEUE_COUNTERS.size()];

    /** The per-socket counters, in the order {@link #add} sums them. */
    static final List<String> QUEUE_COUNTERS = List.of("nfq.packets", "nfq.verdict_messages", "nfq.malformed",
            "nfq.truncated", "nfq.handler_errors", "nfq.fallback_verdicts", "nfq.overruns", "nfq.kernel_errors");

    private static void add(long[] sums, NfQueueStats s) {
        sums[0] += s.packets();
        sums[1] += s.verdictMessages();
        sums[2] += s.malformed();
        sums[3] += s.truncated();
        sums[4] += s.handlerErrors();
        sums[5] += s.fallbackVerdicts();
        sums[6] += s.overruns();
        sums[7] += s.kernelErrors();
    }

    QueueThreads(Optional<String> netns, Consumer<String> fatal) {
        this.netns = netns;
        this.fatal = fatal;
    }

    /** Starts a thread that binds queue {@code config.queueNumber()} and serves it with {@code handler}; returns once bound. */
    void start(NfQueueConfig config, PacketHandler handler, Duration bindTimeout) throws IOException {
        int number = config.queueNumber();
        QueueSupervisor supervisor = QueueSupervisor.of(number, fatal);
        CompletableFuture<NfQueue> opened = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("microseg-dp-queue-" + number).start(() -> {
            NfQueue[] q = new NfQueue[1];
            try {
                if (netns.isPresent()) {
                    Netns.enter(netns.get());
                }
                q[0] = NfQueue.open(config);
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                return;
            }
            synchronized (this) { // listed before it serves, so a rebind finds it and stop() reaches it
                queues.add(q[0]);
                if (stopped) {
                    q[0].stop();
                }
            }
            opened.complete(q[0]);
            try {
                supervisor.supervise(() -> q[0].run(handler), () -> q[0] = rebind(q[0]));
            } finally {
                q[0].close();
            }
        });
        synchronized (this) {
            threads.add(t);
            supervisors.add(supervisor);
        }
        Dataplane.await(opened, "binding queue " + number, bindTimeout);
    }

    /**
     * On the queue's thread: closes {@code old} (its socket failed) and binds the queue on a new
     * socket, which replaces it for {@link #stop()}; {@code old}'s counters stay counted in
     * {@link #retired}, so a queue that is rebound often holds one socket, not one per rebind.
     */
    private NfQueue rebind(NfQueue old) throws IOException {
        old.close();
        NfQueue next = NfQueue.open(old.config());
        synchronized (this) {
            add(retired, old.stats());
            queues.set(queues.indexOf(old), next);
            if (stopped) {
                next.stop();
            }
        }
        return next;
    }

    /** Asks every loop to return (within one poll interval); the threads then unbind their queues. */
    synchronized void stop() {
        stopped = true;
        queues.forEach(NfQueue::stop);
    }

    synchronized List<Thread> threads() {
        return List.copyOf(threads);
    }

    /** The queues' own counters, summed, and the supervision's. */
    synchronized Map<String, Long> counters() {
        long[] sums = retired.clone();
        for (NfQueue q : queues) {
            add(sums, q.stats());
        }
        long restarts = 0;
        long rebinds = 0;
        long serving = 0;
        for (QueueSupervisor s : supervisors) {
            restarts += s.restarts();
            rebinds += s.rebinds();
            serving += s.serving() ? 1 : 0;
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < QUEUE_COUNTERS.size(); i++) {
            m.put(QUEUE_COUNTERS.get(i), sums[i]);
        }
        m.put("nfq.loop_restarts", restarts);
        m.put("nfq.rebinds", rebinds);
        m.put("nfq.queues_serving", serving);
        return m;
    }
}
