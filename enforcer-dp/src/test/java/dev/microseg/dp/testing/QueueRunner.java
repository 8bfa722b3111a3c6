package dev.microseg.dp.testing;

import dev.microseg.dp.netns.Netns;
import dev.microseg.dp.nfq.NfQueue;
import dev.microseg.dp.nfq.NfQueueConfig;
import dev.microseg.dp.nfq.NfQueueStats;
import dev.microseg.dp.nfq.PacketHandler;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one {@link NfQueue} on a dedicated thread that first entered a namespace (the router, in
 * the tests): opens the queue there, runs its loop with the handler, closes it on
 * {@link #close()}. A failure of the loop (an Error thrown by a test's handler, a socket error)
 * is rethrown by {@link #close()}, so a test cannot pass over it.
 */
public final class QueueRunner implements AutoCloseable {
    private final CompletableFuture<NfQueue> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final Thread thread;
    private volatile NfQueue queue;

    private QueueRunner(String netns, NfQueueConfig config, PacketHandler handler) {
        this.thread = Thread.ofPlatform().name("nfq-" + config.queueNumber() + "-" + netns).start(() -> {
            NfQueue q;
            try {
                Netns.enter(netns);
                q = NfQueue.open(config);
            } catch (Throwable e) {
                opened.completeExceptionally(e);
                finished.complete(null);
                return;
            }
            queue = q;
            opened.complete(q);
            try {
                q.run(handler);
                finished.complete(null);
            } catch (Throwable e) {
                finished.completeExceptionally(e);
            } finally {
                q.close();
            }
        });
    }

    /** Starts the loop and returns once the queue is bound (or throws why it could not be). */
    public static QueueRunner start(String netns, NfQueueConfig config, PacketHandler handler) throws IOException {
        QueueRunner r = new QueueRunner(netns, config, handler);
        try {
            r.opened.get(10, TimeUnit.SECONDS);
            return r;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            r.thread.interrupt();
            throw new IOException("queue " + config.queueNumber() + " in " + netns + " did not open within 10 s", e);
        }
    }

    public NfQueueStats stats() {
        return queue.stats();
    }

    /**
     * Bytes the queue's thread has allocated so far (HotSpot's per-thread counter), to check the
     * receive loop allocates nothing per packet.
     */
    public long threadAllocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(thread.threadId());
    }

    /** The netlink port id holding the queue. */
    public int portId() {
        return queue.portId();
    }

    /** Stops the loop, waits for the queue to be closed, and rethrows what the loop died of. */
    @Override
    public void close() throws Exception {
        NfQueue q = queue;
        if (q != null) {
            q.stop();
        }
        try {
            finished.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw (Error) e.getCause();
        }
        thread.join(5000);
    }
}
