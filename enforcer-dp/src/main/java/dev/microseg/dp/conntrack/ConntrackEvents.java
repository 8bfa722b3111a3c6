package dev.microseg.dp.conntrack;

import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.NetlinkException;
import dev.microseg.dp.netlink.NetlinkSocket;
import dev.microseg.dp.netlink.Nl;
import dev.microseg.dp.netlink.NlCursor;
import dev.microseg.dp.netlink.NlDecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A subscription to ctnetlink's event groups, typically {@link ConntrackEvent.Type#DESTROY}: the
 * last word on a connection, with its final counters when accounting is on. The data plane needs
 * it for offloaded connections, whose packets it no longer sees.
 *
 * <p>Events are multicast: when this socket's buffer fills, the kernel drops events and reports
 * ENOBUFS once; that is counted in {@link #lost()} (not hidden with NETLINK_NO_ENOBUFS) so the
 * caller knows its view has a gap. A malformed event is counted and skipped. Owner thread only,
 * except {@link #stop()} and the counters.
 */
public final class ConntrackEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConntrackEvents.class);
    /** Default SO_RCVBUFFORCE: a burst of closing connections must not overrun it (~300 bytes each). */
    public static final int DEFAULT_RECEIVE_BUFFER = 8 << 20;
    /** One event is well under 1 KiB; a datagram carries one event. */
    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final NetlinkSocket socket;
    private final CtCodec codec = new CtCodec();
    private final NlCursor cursor = new NlCursor();
    private final MemorySegment buf;
    private volatile boolean stopping;
    private volatile long lost;
    private volatile long malformed;

    private ConntrackEvents(NetlinkSocket socket) {
        this.socket = socket;
        this.buf = socket.arena().allocate(RECEIVE_BUFFER, 8);
    }

    /** Subscribes to DESTROY events in the calling thread's network namespace. */
    public static ConntrackEvents subscribeDestroy() throws NetlinkException {
        return subscribe(EnumSet.of(ConntrackEvent.Type.DESTROY), DEFAULT_RECEIVE_BUFFER, Duration.ofMillis(100));
    }

    public static ConntrackEvents subscribe(Set<ConntrackEvent.Type> types, int receiveBuffer, Duration pollInterval)
            throws NetlinkException {
        NetlinkSocket s = NetlinkSocket.open(Nl.NETLINK_NETFILTER, "conntrack events " + types);
        try {
            s.setReceiveBuffer(receiveBuffer);
            for (ConntrackEvent.Type t : types) {
                s.addMembership(t.group());
            }
            s.setReceiveTimeout(pollInterval);
            return new ConntrackEvents(s);
        } catch (NetlinkException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Waits up to the poll interval for one datagram and hands its events to {@code consumer}.
     *
     * @return events delivered
     * @throws NetlinkException when the socket fails (not on overruns, which are counted)
     */
    public int poll(Consumer<ConntrackEvent> consumer) throws NetlinkException {
        long n;
        try {
            n = socket.receive(buf, "receiving conntrack events");
        } catch (NetlinkException e) {
            if (e.is(Errno.ENOBUFS)) {
                lost++;
                LOG.atWarn().addKeyValue("overruns", lost).log("conntrack events lost: socket buffer overrun");
                return 0;
            }
            throw e;
        }
        if (n < 0) {
            return 0;
        }
        int delivered = 0;
        cursor.reset(buf, 0, n);
        try {
            while (cursor.next()) {
                ConntrackEvent.Type type = typeOf(cursor);
                if (type != null) {
                    consumer.accept(new ConntrackEvent(type, codec.decodeEntry(cursor)));
                    delivered++;
                }
            }
        } catch (NlDecodeException e) {
            malformed++;
            LOG.atWarn().addKeyValue("problem", e.getMessage()).addKeyValue("malformed", malformed)
                    .log("skipped a malformed conntrack event");
        }
        return delivered;
    }

    private static ConntrackEvent.Type typeOf(NlCursor c) {
        if (c.type() == CtCodec.DELETE_TYPE) {
            return ConntrackEvent.Type.DESTROY;
        }
        if (c.type() == CtCodec.NEW_TYPE) {
            return (c.flags() & (Nl.NLM_F_CREATE | Nl.NLM_F_EXCL)) != 0 ? ConntrackEvent.Type.NEW
                    : ConntrackEvent.Type.UPDATE;
        }
        return null;
    }

    /** Polls until {@link #stop()}. */
    public void run(Consumer<ConntrackEvent> consumer) throws NetlinkException {
        while (!stopping) {
            poll(consumer);
        }
    }

    public void stop() {
        stopping = true;
    }

    /** ENOBUFS overruns seen: each means one or more events were dropped by the kernel. */
    public long lost() {
        return lost;
    }

    public long malformed() {
        return malformed;
    }

    @Override
    public void close() {
        socket.close();
    }
}
