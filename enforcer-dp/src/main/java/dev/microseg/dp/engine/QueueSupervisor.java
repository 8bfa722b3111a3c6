package dev.microseg.dp.engine;

import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.NetlinkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Keeps one queue's receive loop running, so a queue thread can never end unnoticed while the
 * process goes on answering keep-alives (with {@code --queue-bypass} traffic would then pass
 * unfiltered, without it the queue would blackhole every workload's new connections).
 *
 * <p>What ends a loop, and what happens then:
 * <ul>
 *   <li>a transient netlink error ({@link #TRANSIENT}: the kernel was short of memory or buffer
 *       space, or a call was interrupted) or an unexpected exception of the loop itself: the loop
 *       is restarted on the same socket ({@code nfq.loop_restarts}); the queue stays bound, so
 *       the kernel keeps packets waiting (up to the queue's maxlen) and verdicts that could not
 *       be sent are sent again by the next flush;</li>
 *   <li>any other netlink error (the socket itself is broken: {@code EBADF}, {@code ENOTSOCK},
 *       {@code EINVAL}, ...): the socket is closed and the queue bound again on a new one
 *       ({@code nfq.rebinds}, also a restart). While it is unbound the kernel applies the fail
 *       mode: with {@code --queue-bypass} (fail-open) packets are accepted unseen, without it
 *       (fail-closed) they are dropped;</li>
 *   <li>an {@link Error} (out of memory, a stack overflow, a linkage failure), a rebind that
 *       fails, or more than {@link #MAX_RESTARTS} restarts within {@link #RESTART_WINDOW}: the
 *       queue cannot be served. {@code fatal} is told (once, with the reason), and the loop is
 *       not restarted; the data plane then exits non-zero (docs/dp.md, "When a queue cannot be
 *       served").</li>
 * </ul>
 * Every restart waits a back-off of {@link #FIRST_BACKOFF}, doubling up to {@link #MAX_BACKOFF}.
 * A loop that returns normally was stopped ({@code NfQueue#stop}) and ends the supervision.
 */
final class QueueSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(QueueSupervisor.class);
    /**
     * errnos after which the same socket can be used again: the kernel could not allocate
     * (ENOMEM, ENOBUFS on sendto), had no room (EAGAIN), or a signal interrupted the call (EINTR).
     */
    static final Set<Integer> TRANSIENT = Set.of(Errno.ENOBUFS.number(), Errno.ENOMEM.number(),
            Errno.EAGAIN.number(), Errno.EINTR.number());
    static final Duration FIRST_BACKOFF = Duration.ofMillis(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    /**
     * Restarts tolerated within {@link #RESTART_WINDOW}: a loop failing more often than every 6 s
     * for a minute is not recovering, and the packets it leaves waiting cost more than a restart
     * of the process by its supervisor.
     */
    static final int MAX_RESTARTS = 10;
    static final Duration RESTART_WINDOW = Duration.ofMinutes(1);

    /** One queue's receive loop: returns when stopped, throws when it fails. */
    @FunctionalInterface
    interface Loop {
        void run() throws NetlinkException;
    }

    /** Closes the queue's socket and binds the queue again on a new one. */
    @FunctionalInterface
    interface Rebind {
        void rebind() throws IOException;
    }

    /** What to do after a loop failed. */
    enum Action { RESTART, REBIND, FATAL }

    /** How the supervisor waits between restarts (tests record instead of sleeping). */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final int queue;
    private final Consumer<String> fatal;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final Deque<Long> recentRestarts = new ArrayDeque<>();
    private volatile long restarts;
    private volatile long rebinds;
    private volatile boolean serving;

    /**
     * @param fatal told once, with the reason, when the queue cannot be served
     */
    QueueSupervisor(int queue, Consumer<String> fatal, LongSupplier nanoClock, Sleeper sleeper) {
        this.queue = queue;
        this.fatal = fatal;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    static QueueSupervisor of(int queue, Consumer<String> fatal) {
        return new QueueSupervisor(queue, fatal, System::nanoTime, d -> Thread.sleep(d));
    }

    /** Restarts of the loop so far. Any thread. */
    long restarts() {
        return restarts;
    }

    /** Rebinds of the queue so far (each also counted as a restart). Any thread. */
    long rebinds() {
        return rebinds;
    }

    /** True while the loop runs (between a start or restart and its end). Any thread. */
    boolean serving() {
        return serving;
    }

    /**
     * Runs {@code loop} until it returns normally; restarts it after transient failures, rebinds
     * the queue ({@code rebind}) after a failure of its socket.
     *
     * @return true when the loop was stopped, false when the queue could not be served
     */
    boolean supervise(Loop loop, Rebind rebind) {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            Throwable failure;
            serving = true;
            try {
                loop.run();
                return true;
            } catch (Throwable t) {
                failure = t;
            } finally {
                serving = false;
            }
            Action action = classify(failure);
            String why = action == Action.FATAL ? "an error of the JVM (" + failure.getClass().getSimpleName() + ")" : null;
            long now = nanoClock.getAsLong();
            while (!recentRestarts.isEmpty() && now - recentRestarts.peekFirst() > RESTART_WINDOW.toNanos()) {
                recentRestarts.removeFirst();
            }
            if (recentRestarts.isEmpty()) {
                backoff = FIRST_BACKOFF;
            }
            if (why == null && recentRestarts.size() >= MAX_RESTARTS) {
                why = "more than " + MAX_RESTARTS + " restarts within " + RESTART_WINDOW.toSeconds() + " s";
            }
            if (why != null) {
                String reason = "queue " + queue + " cannot be served: " + why + ": " + failure;
                LOG.atError().setCause(failure).addKeyValue("queue", queue).addKeyValue("restarts", restarts)
                        .log("event=queue_loop_failed reason=\"" + reason + "\"");
                fatal.accept(reason);
                return false;
            }
            recentRestarts.addLast(now);
            restarts++;
            LOG.atWarn().setCause(failure).addKeyValue("queue", queue).addKeyValue("restarts", restarts)
                    .addKeyValue("rebind", action == Action.REBIND).addKeyValue("backoff_ms", backoff.toMillis())
                    .log("event=queue_loop_restarting");
            try {
                sleeper.sleep(backoff);
                if (action == Action.REBIND) {
                    rebind.rebind();
                    rebinds++;
                    LOG.atInfo().addKeyValue("queue", queue).addKeyValue("rebinds", rebinds).log("event=queue_rebound");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fatal.accept("queue " + queue + " cannot be served: interrupted while restarting after " + failure);
                return false;
            } catch (IOException | RuntimeException | Error e) {
                // an Error too (e.g. no memory for the new socket's slots): the queue is unbound now,
                // and a thread that ended here without telling would leave the dp answering keep-alives
                String reason = "queue " + queue + " cannot be served: binding it again failed: " + e;
                LOG.atError().setCause(e).addKeyValue("queue", queue).log("event=queue_loop_failed reason=\"" + reason + "\"");
                fatal.accept(reason);
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** What a failure calls for: an {@link Error} is fatal, a broken socket is rebound, the rest restarts. */
    static Action classify(Throwable t) {
        if (t instanceof Error) {
            return Action.FATAL;
        }
        Throwable io = t instanceof UncheckedIOException u ? u.getCause() : t;
        if (io instanceof NetlinkException ne && ne.errno() != 0 && !TRANSIENT.contains(ne.errno())) {
            return Action.REBIND;
        }
        return Action.RESTART;
    }
}
