package dev.microseg.dp.nfq;

import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.Libc;
import dev.microseg.dp.netlink.NetlinkException;
import dev.microseg.dp.netlink.NetlinkSocket;
import dev.microseg.dp.netlink.Nl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * One NFQUEUE (nfnetlink_queue) bound on its own netlink socket, and its receive loop.
 *
 * <p>Threading: one queue per thread. {@link #open}, {@link #poll}/{@link #run}, the verdict
 * methods, {@link #flush} and {@link #close} belong to the owner thread; {@link #stop} and
 * {@link #stats} may be called from anywhere. The socket lives in the network namespace of the
 * thread that opens the queue.
 *
 * <p>Receiving: each {@link #poll} takes up to {@code receiveBatch} datagrams with one
 * {@code recvmmsg(MSG_WAITFORONE)} (waiting at most {@code pollInterval} for the first), hands
 * each packet to the handler as the reused {@link NfqPacket} flyweight, then flushes all verdicts
 * in one {@code sendto}. Nothing is allocated per packet once the loop is compiled (until C2
 * scalar-replaces it, the JDK's errno capture allocates a small segment per native call). A
 * datagram that is malformed or larger
 * than its slot, or a handler that throws, is counted and the packet gets the fallback verdict
 * (ACCEPT when {@code failOpen}, else DROP) instead of staying queued; the loop never dies of it.
 *
 * <p>Shutdown: when the queue is unbound (by {@link #close} or because the process died) the
 * kernel drops the packets still waiting for a verdict; new packets then follow the rule's
 * {@code --queue-bypass} (accepted) or are dropped. Remove the intercept rules before closing
 * to shut down without loss.
 */
public final class NfQueue implements Verdicts, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NfQueue.class);
    /** sizeof(struct mmsghdr) on 64-bit Linux: msghdr (56) + msg_len (4) + padding. */
    private static final int MMSGHDR = 64;
    private static final int MSGHDR_IOV = 16;
    private static final int MSGHDR_IOVLEN = 24;
    private static final int MSGHDR_FLAGS = 48;
    private static final int MMSG_LEN = 56;
    private static final int IOVEC = 16;

    private final NfQueueConfig config;
    private final NetlinkSocket socket;
    private final MemorySegment errno;
    private final NfqDispatcher dispatcher;
    private final MemorySegment slots;
    private final MemorySegment mmsg;
    private final int slotBytes;
    private volatile boolean stopping;
    private boolean closed;

    private NfQueue(NfQueueConfig config, NetlinkSocket socket) {
        this.config = config;
        this.socket = socket;
        this.errno = socket.errnoBox();
        this.slotBytes = config.slotBytes();
        int capacity = Math.max(256, 2 * config.receiveBatch());
        this.dispatcher = new NfqDispatcher(config.queueNumber(), config.failOpen(), slotBytes, capacity,
                socket.arena().allocate(NfqDispatcher.sendBufferBytes(capacity), 8), socket::send);
        int n = config.receiveBatch();
        this.slots = socket.arena().allocate((long) slotBytes * n, 64);
        this.mmsg = socket.arena().allocate((long) MMSGHDR * n, 8);
        MemorySegment iov = socket.arena().allocate((long) IOVEC * n, 8);
        for (int i = 0; i < n; i++) {
            long io = (long) i * IOVEC;
            iov.set(ValueLayout.ADDRESS, io, slots.asSlice((long) i * slotBytes, slotBytes));
            iov.set(ValueLayout.JAVA_LONG, io + 8, slotBytes);
            long m = (long) i * MMSGHDR;
            mmsg.set(ValueLayout.ADDRESS, m + MSGHDR_IOV, iov.asSlice(io, IOVEC));
            mmsg.set(ValueLayout.JAVA_LONG, m + MSGHDR_IOVLEN, 1);
        }
    }

    /**
     * Opens a netlink socket in the calling thread's network namespace and binds queue
     * {@code config.queueNumber()} with the configured copy mode, range, length and flags, all in
     * one request.
     *
     * @throws NetlinkException naming the step, e.g. "binding queue 0 (...): EPERM (Operation not
     *                          permitted) - queue 0 is bound by another process ..."
     */
    public static NfQueue open(NfQueueConfig config) throws NetlinkException {
        NetlinkSocket socket = NetlinkSocket.open(Nl.NETLINK_NETFILTER, "nfqueue " + config.queueNumber());
        try {
            socket.setReceiveBuffer(config.receiveBufferBytes());
            socket.setNoEnobufs(true);
            NfQueue queue = new NfQueue(config, socket);
            queue.bind();
            socket.setReceiveTimeout(config.pollInterval());
            LOG.atInfo().addKeyValue("queue", config.queueNumber()).addKeyValue("copyMode", config.copyMode())
                    .addKeyValue("copyRange", config.copyRange()).addKeyValue("gso", config.gso())
                    .addKeyValue("failOpen", config.failOpen())
                    .addKeyValue("portId", Integer.toUnsignedString(socket.portId())).log("nfqueue bound");
            return queue;
        } catch (NetlinkException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    private void bind() throws NetlinkException {
        int q = config.queueNumber();
        String step = "binding queue " + q + " (copy " + config.copyMode() + " " + config.copyRange() + " bytes, maxlen "
                + config.maxQueueLength() + (config.gso() ? ", GSO" : "") + (config.failOpen() ? ", FAIL_OPEN" : "") + ")";
        NfqCodec.encodeBind(socket.requestWriter(), socket.nextSequence(), config);
        try {
            socket.transact(step, false, reply -> { }, dispatcher::repeatEarly);
        } catch (NetlinkException e) {
            String hint = null;
            if (e.is(Errno.EPERM)) {
                hint = "queue " + q + " is bound by another process in this network namespace, "
                        + "or this process lacks CAP_NET_ADMIN";
            } else if (e.is(Errno.EBUSY)) {
                hint = "queue " + q + " is already bound by this socket";
            } else if (e.is(Errno.EOPNOTSUPP)) {
                hint = "the kernel lacks nfnetlink_queue or one of the requested flags";
            }
            if (hint == null) {
                throw e;
            }
            NetlinkException explained = new NetlinkException(step, e.errno(), hint);
            explained.initCause(e);
            throw explained;
        }
        dispatcher.flush();
    }

    public NfQueueConfig config() {
        return config;
    }

    /** The netlink port id holding the queue (as {@code /proc/net/netfilter/nfnetlink_queue} shows). */
    public int portId() {
        return socket.portId();
    }

    /** Runs {@link #poll} until {@link #stop()} is called, then flushes. */
    public void run(PacketHandler handler) throws NetlinkException {
        while (!stopping) {
            poll(handler);
        }
        dispatcher.flush();
    }

    /** Asks {@link #run} to return within one poll interval. Any thread. */
    public void stop() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    /**
     * Receives one batch (waiting up to the poll interval for its first datagram), hands every
     * packet to {@code handler} and flushes the verdicts.
     *
     * @return packets handed to the handler (0 on timeout)
     * @throws NetlinkException only when the socket itself fails
     */
    public int poll(PacketHandler handler) throws NetlinkException {
        int n = Libc.recvmmsg(errno, socket.fd(), mmsg, config.receiveBatch(), Libc.MSG_WAITFORONE,
                MemorySegment.NULL);
        if (n < 0) {
            int e = Libc.errno(errno);
            if (e == Errno.ENOBUFS.number()) {
                dispatcher.counters.inc(QueueCounters.OVERRUNS);
            } else if (e != Errno.EAGAIN.number() && e != Errno.EINTR.number()) {
                throw new NetlinkException("receiving from queue " + config.queueNumber(), e, null);
            }
            dispatcher.flush();
            handler.batchDone();
            return 0;
        }
        dispatcher.counters.inc(QueueCounters.RECEIVE_CALLS);
        int handled = 0;
        for (int i = 0; i < n; i++) {
            long m = (long) i * MMSGHDR;
            long len = Integer.toUnsignedLong(mmsg.get(ValueLayout.JAVA_INT, m + MMSG_LEN));
            boolean truncated = (mmsg.get(ValueLayout.JAVA_INT, m + MSGHDR_FLAGS) & Libc.MSG_TRUNC) != 0;
            handled += dispatcher.process(slots, (long) i * slotBytes, Math.min(len, slotBytes), truncated, handler);
        }
        dispatcher.flush();
        handler.batchDone();
        return handled;
    }

    @Override
    public void verdict(int packetId, Verdict verdict) {
        dispatcher.verdict(packetId, verdict);
    }

    @Override
    public void verdict(int packetId, Verdict verdict, int mark) {
        dispatcher.verdict(packetId, verdict, mark);
    }

    /**
     * Sends the buffered verdicts in one datagram. {@link #poll} calls it after every batch; call
     * it yourself after issuing deferred verdicts outside a handler.
     */
    public void flush() throws NetlinkException {
        dispatcher.flush();
    }

    /** A snapshot of the counters; any thread. */
    public NfQueueStats stats() {
        return dispatcher.counters.snapshot();
    }

    /**
     * Flushes pending verdicts, unbinds the queue and closes the socket. Idempotent; call it from
     * the owner thread after {@link #run} returned.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        try {
            dispatcher.flush();
        } catch (NetlinkException e) {
            LOG.atWarn().addKeyValue("queue", config.queueNumber()).setCause(e).log("flushing verdicts at close failed");
        }
        try {
            socket.setReceiveTimeout(Duration.ofMillis(250));
            NfqCodec.encodeUnbind(socket.requestWriter(), socket.nextSequence(), config.queueNumber());
            socket.transact("unbinding queue " + config.queueNumber(), false, reply -> { }, unsolicited -> { });
        } catch (NetlinkException e) {
            LOG.atWarn().addKeyValue("queue", config.queueNumber()).setCause(e)
                    .log("unbinding failed; closing the socket unbinds");
        }
        socket.close();
        LOG.atInfo().addKeyValue("queue", config.queueNumber()).addKeyValue("stats", stats()).log("nfqueue closed");
    }
}
