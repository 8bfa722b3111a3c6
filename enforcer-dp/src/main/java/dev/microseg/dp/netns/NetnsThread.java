package dev.microseg.dp.netns;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A platform thread that enters a network namespace once and then runs the tasks given to it, in
 * order. Whatever a task creates (sockets, netlink queues) lives in that namespace. Used by the
 * dp for {@code --netns} and by tests to act from inside workload namespaces.
 */
public final class NetnsThread implements AutoCloseable {
    private final String namespace;
    private final Thread thread;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> entered = new CompletableFuture<>();
    private volatile boolean closed;

    private NetnsThread(String namespace, String threadName) {
        this.namespace = namespace;
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::loop);
    }

    /** Starts a thread in /run/netns/NAME; fails if the namespace cannot be entered. */
    public static NetnsThread start(String namespace) throws IOException {
        NetnsThread t = new NetnsThread(namespace, "netns-" + namespace);
        t.thread.start();
        try {
            t.entered.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted entering " + namespace, e);
        } catch (TimeoutException e) {
            throw new IOException("thread did not enter " + namespace + " within 10 s", e);
        }
        return t;
    }

    private void loop() {
        try {
            Netns.enter(namespace);
            entered.complete(null);
        } catch (IOException | RuntimeException e) {
            entered.completeExceptionally(e);
            return;
        }
        while (!closed) {
            try {
                Runnable r = tasks.poll(100, TimeUnit.MILLISECONDS);
                if (r != null) {
                    r.run();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public String namespace() {
        return namespace;
    }

    /** Runs {@code task} on the namespace thread and returns its future. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("netns thread for " + namespace + " is closed"));
            return f;
        }
        tasks.add(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Runs {@code task} on the namespace thread and waits for it. */
    public <T> T call(Callable<T> task) throws Exception {
        try {
            return submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /**
     * Starts a new dedicated platform thread that enters {@code namespace} and then runs
     * {@code body}; for long-running loops such as a queue's receive loop. If the namespace cannot
     * be entered, {@code body} does not run and the thread ends with an IllegalStateException
     * (its uncaught-exception handler sees it); callers that must react should call
     * {@link Netns#enter(String)} at the start of their own thread instead.
     */
    public static Thread startDedicated(String namespace, String threadName, Runnable body) {
        Thread t = Thread.ofPlatform().name(threadName).unstarted(() -> {
            try {
                Netns.enter(namespace);
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            body.run();
        });
        t.start();
        return t;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
