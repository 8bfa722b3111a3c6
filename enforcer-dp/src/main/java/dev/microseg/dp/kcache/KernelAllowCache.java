package dev.microseg.dp.kcache;

import dev.microseg.dp.intercept.MarkBits;
import dev.microseg.dp.netlink.NetlinkException;
import dev.microseg.dp.netlink.NetlinkSocket;
import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netns.Netns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The kernel allow cache ({@link NftAllowTable}): queue threads {@link #offer} the keys of
 * connections decided as a final L3/L4 allow into a bounded queue; one writer thread takes them in
 * batches of at most {@link #MAX_BATCH} and adds each batch to the set with one nf_tables netlink
 * batch ({@link NftSetCodec}). New connections with a cached key then get the ACCEPT mark in the
 * kernel and never reach the queue.
 *
 * <p>Correctness across policy changes: every key carries the policy generation its decision was
 * made under. The writer compares it with the current generation and sends, both under
 * {@link #lock}; {@link #flush} (called after the generation was bumped, before the re-evaluation
 * is requested) empties the sets under the same lock. So a key of an older generation is either
 * written before the flush (and removed by it) or dropped by the writer, never left behind. A flush
 * that fails deletes the whole table (no lookup left, nothing stale can accept) and switches the
 * cache off ({@code kcache.enabled} 0).
 *
 * <p>Only while the dp fails open: a killed dp cannot empty the set, and with fail-closed a dead
 * dp must stop new connections, so the engine offers nothing, the writer writes nothing and the
 * set is flushed when {@code ctrl_sys_conf} switches to fail-closed ({@code admitting}). Failing
 * open, a dead dp's queue rule accepts every new connection anyway.
 */
public final class KernelAllowCache implements AllowCache, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelAllowCache.class);
    /** Keys waiting for the writer: a burst of new pairs beyond this is dropped (counted), its next connection offers again. */
    static final int QUEUE_CAPACITY = 4096;
    /** Keys per netlink batch: ~68 bytes each for IPv6, well inside the 64 KiB request buffer. */
    static final int MAX_BATCH = 256;
    /** How long the writer waits for a key before it looks at {@link #running} again. */
    private static final long POLL_MILLIS = 100;

    private final List<String> commandPrefix;
    private final String table;
    private final IntSupplier generation;
    private final BooleanSupplier admitting;
    private final ArrayBlockingQueue<AllowKey> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Object lock = new Object();
    private final AtomicLong adds = new AtomicLong();
    private final AtomicLong addFailures = new AtomicLong();
    private final AtomicLong queueDrops = new AtomicLong();
    private final AtomicLong staleDrops = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong flushFailures = new AtomicLong();
    private final AtomicLong sinceFlush = new AtomicLong();
    private volatile boolean enabled = true;
    /** The cache is off but its table could not be deleted: every later flush tries again. */
    private volatile boolean tableLeft;
    private volatile boolean running = true;
    private NetlinkSocket socket;
    private Thread writer;

    private KernelAllowCache(List<String> commandPrefix, String table, IntSupplier generation, BooleanSupplier admitting) {
        this.commandPrefix = commandPrefix;
        this.table = table;
        this.generation = generation;
        this.admitting = admitting;
    }

    /**
     * Installs the table (replacing an earlier run's) and starts the writer thread in {@code netns}.
     *
     * @param generation the engine's current policy generation
     * @param admitting  whether keys may be written now (the dp fails open); read under the lock,
     *                   so a switch to fail-closed followed by {@link #flush} leaves the set empty
     */
    public static KernelAllowCache start(List<String> commandPrefix, Optional<String> netns, String table, MarkBits marks,
                                         IntSupplier generation, BooleanSupplier admitting) throws IOException {
        NftAllowTable.install(commandPrefix, table, marks);
        KernelAllowCache c = new KernelAllowCache(commandPrefix, table, generation, admitting);
        CompletableFuture<Void> opened = new CompletableFuture<>();
        c.writer = Thread.ofPlatform().name("microseg-dp-kcache").daemon().start(() -> {
            try {
                if (netns.isPresent()) {
                    Netns.enter(netns.get());
                }
                c.socket = NetlinkSocket.open(Nl.NETLINK_NETFILTER, "kernel allow cache");
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                return;
            }
            opened.complete(null);
            c.run();
        });
        try {
            opened.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            c.running = false;
            NftAllowTable.remove(commandPrefix, table);
            throw new IOException("opening the netlink socket of the kernel allow cache: " + e, e);
        }
        LOG.atInfo().addKeyValue("table", "inet " + table).addKeyValue("timeout_s", NftAllowTable.ENTRY_TIMEOUT.toSeconds())
                .log("event=kernel_allow_cache_ready");
        return c;
    }

    public String table() {
        return table;
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public void offer(AllowKey key) {
        if (enabled && !queue.offer(key)) {
            queueDrops.incrementAndGet();
        }
    }

    private void run() {
        List<AllowKey> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                AllowKey first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.atWarn().setCause(e).log("event=kernel_allow_cache_write_failed");
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<AllowKey> batch) {
        synchronized (lock) {
            if (!enabled) {
                return;
            }
            if (!admitting.getAsBoolean()) {
                staleDrops.addAndGet(batch.size());
                return;
            }
            int current = generation.getAsInt();
            Set<AllowKey> v4 = new LinkedHashSet<>();
            Set<AllowKey> v6 = new LinkedHashSet<>();
            for (AllowKey k : batch) {
                if (k.generation() != current) {
                    staleDrops.incrementAndGet();
                } else {
                    (k.ipv6() ? v6 : v4).add(k);
                }
            }
            send(NftAllowTable.SET4, v4);
            send(NftAllowTable.SET6, v6);
        }
    }

    private void send(String set, Set<AllowKey> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            NftSetCodec.encodeAdd(socket.requestWriter(), socket.nextSequence(), table, set, keys,
                    NftAllowTable.ENTRY_TIMEOUT.toMillis());
            socket.transact("adding " + keys.size() + " elements to set " + set, false, m -> { }, null);
            adds.addAndGet(keys.size());
            sinceFlush.addAndGet(keys.size());
        } catch (NetlinkException e) {
            long n = addFailures.addAndGet(keys.size());
            if (n == keys.size() || n % 1000 < keys.size()) {
                LOG.atWarn().addKeyValue("reason", e.getMessage()).addKeyValue("failures", n)
                        .log("event=kernel_allow_cache_add_failed");
            }
        }
    }

    @Override
    public void flush(String reason) {
        synchronized (lock) {
            if (!enabled) {
                if (tableLeft) {
                    removeTable();
                }
                return;
            }
            queue.clear();
            try {
                for (String set : List.of(NftAllowTable.SET4, NftAllowTable.SET6)) {
                    NftSetCodec.encodeFlush(socket.requestWriter(), socket.nextSequence(), table, set);
                    socket.transact("flushing set " + set, false, m -> { }, null);
                }
                flushes.incrementAndGet();
                sinceFlush.set(0);
                LOG.atDebug().addKeyValue("reason", reason).log("event=kernel_allow_cache_flushed");
            } catch (NetlinkException | RuntimeException e) {
                flushFailures.incrementAndGet();
                enabled = false;
                LOG.atError().addKeyValue("reason", e.getMessage())
                        .log("event=kernel_allow_cache_flush_failed action=\"deleting the table, cache off\"");
                removeTable();
            }
        }
    }

    /**
     * After a failed flush: deletes the table, or leaves {@link #tableLeft} set so the next flush
     * tries again. Its entries are never refreshed in the kernel, so what is left expires within
     * {@link NftAllowTable#ENTRY_TIMEOUT} even when every attempt fails.
     */
    private void removeTable() {
        try {
            NftAllowTable.remove(commandPrefix, table);
            tableLeft = false;
        } catch (IOException | RuntimeException r) {
            tableLeft = true;
            LOG.atError().setCause(r).log("event=kernel_allow_cache_remove_failed action=\"tried again at the next flush\"");
        }
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("kcache.enabled", enabled ? 1L : 0L);
        m.put("kcache.adds", adds.get());
        m.put("kcache.add_failures", addFailures.get());
        m.put("kcache.queue_drops", queueDrops.get());
        m.put("kcache.stale_drops", staleDrops.get());
        m.put("kcache.flushes", flushes.get());
        m.put("kcache.flush_failures", flushFailures.get());
        m.put("kcache.table_left", tableLeft ? 1L : 0L);
        m.put("kcache.added_since_flush", sinceFlush.get());
        return m;
    }

    /** Stops the writer and deletes the table. */
    @Override
    public void close() {
        running = false;
        enabled = false;
        if (writer != null) {
            try {
                writer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            if (socket != null) {
                socket.close();
            }
        }
        try {
            NftAllowTable.remove(commandPrefix, table);
        } catch (IOException e) {
            LOG.atError().setCause(e).log("event=kernel_allow_cache_remove_failed");
        }
    }
}
