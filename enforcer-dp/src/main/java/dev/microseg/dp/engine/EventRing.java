package dev.microseg.dp.engine;

import dev.microseg.dp.session.SessionView;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Hands connection events from one queue thread to the reporter thread without allocating or
 * locking: a single-producer single-consumer ring of fixed-size records in one {@code long[]}
 * (Lamport's ring buffer; the producer publishes its tail with a release store, the consumer its
 * head). A full ring refuses the event; the caller counts it ({@code report.events_dropped}) and
 * the connection is still reported at the next interval, from the session table or conntrack.
 *
 * <p>Record layout ({@value #STRIDE} longs): see the {@code F_*} offsets.
 */
final class EventRing {
    static final int STRIDE = 17;
    /** A decision was made or changed (first packet, or a packet under a newer policy). */
    static final int DECIDED = 1;
    /** A session left the table on the queue thread (evicted, replaced, expired on lookup). */
    static final int REMOVED = 2;
    /** DPI identified the application. */
    static final int APPLICATION = 3;

    /** kind (bits 0-7) | verdict ordinal (8-15) | protocol (16-23) | flags (24-31) | decision kind ordinal + 1 (32-39). */
    static final int F_HEAD = 0;
    static final int F_IHI = 1;
    static final int F_ILO = 2;
    static final int F_RHI = 3;
    static final int F_RLO = 4;
    /** initiator port (bits 16-31) | responder port (0-15). */
    static final int F_PORTS = 5;
    static final int F_ENDPOINT_REF = 6;
    static final int F_RULE = 7;
    static final int F_APP = 8;
    static final int F_AT = 9;
    static final int F_PKTS_INIT = 10;
    static final int F_PKTS_RESP = 11;
    static final int F_BYTES_INIT = 12;
    static final int F_BYTES_RESP = 13;
    static final int F_FIRST = 14;
    static final int F_LAST = 15;
    /** The length of the packet behind the event (set for {@link #FLAG_NEW_CONNECTION}). */
    static final int F_PACKET_BYTES = 16;

    static final int FLAG_OFFLOADED = 1;
    static final int FLAG_MIDSTREAM = 2;
    /** The decision opens a new connection on a session that carried an earlier one (ports reused). */
    static final int FLAG_NEW_CONNECTION = 4;

    /** Events a queue thread may be ahead of the reporter: at 10,000 new connections/s, 0.4 s of them. */
    static final int DEFAULT_CAPACITY = 4096;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(EventRing.class, "head", long.class);
            TAIL = l.findVarHandle(EventRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] slots;
    private final int mask;
    @SuppressWarnings("unused")
    private long head;
    @SuppressWarnings("unused")
    private long tail;

    EventRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2, was " + capacity);
        }
        this.slots = new long[capacity * STRIDE];
        this.mask = capacity - 1;
    }

    /** What the consumer does with each record; {@code base} indexes {@code slots}. */
    @FunctionalInterface
    interface Consumer {
        void accept(long[] slots, int base);
    }

    /**
     * Producer: writes one event about {@code s} (counters and times from the view).
     *
     * @return false when the ring is full
     */
    boolean offer(int kind, SessionView s, int verdict, int decisionKind, int flags, int endpointRef, int rule, int app,
                  long at, int packetBytes) {
        long t = (long) TAIL.getOpaque(this);
        if (t - (long) HEAD.getAcquire(this) > mask) {
            return false;
        }
        int b = (int) (t & mask) * STRIDE;
        long[] d = slots;
        d[b + F_HEAD] = kind | (long) verdict << 8 | (long) s.protocol() << 16 | (long) flags << 24
                | (long) (decisionKind + 1) << 32;
        d[b + F_IHI] = s.initiatorHi();
        d[b + F_ILO] = s.initiatorLo();
        d[b + F_RHI] = s.responderHi();
        d[b + F_RLO] = s.responderLo();
        d[b + F_PORTS] = (long) s.initiatorPort() << 16 | s.responderPort();
        d[b + F_ENDPOINT_REF] = endpointRef;
        d[b + F_RULE] = rule;
        d[b + F_APP] = app;
        d[b + F_AT] = at;
        d[b + F_PKTS_INIT] = s.packetsFromInitiator();
        d[b + F_PKTS_RESP] = s.packetsFromResponder();
        d[b + F_BYTES_INIT] = s.bytesFromInitiator();
        d[b + F_BYTES_RESP] = s.bytesFromResponder();
        d[b + F_FIRST] = s.firstSeen();
        d[b + F_LAST] = s.lastSeen();
        d[b + F_PACKET_BYTES] = packetBytes;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Consumer: hands every published event to {@code c}; returns how many. */
    int drain(Consumer c) {
        long h = (long) HEAD.getOpaque(this);
        long t = (long) TAIL.getAcquire(this);
        int n = 0;
        for (; h < t; h++, n++) {
            c.accept(slots, (int) (h & mask) * STRIDE);
        }
        HEAD.setRelease(this, h);
        return n;
    }

    static int kind(long head) {
        return (int) (head & 0xff);
    }

    static int verdict(long head) {
        return (int) ((head >>> 8) & 0xff);
    }

    static int protocol(long head) {
        return (int) ((head >>> 16) & 0xff);
    }

    static int flags(long head) {
        return (int) ((head >>> 24) & 0xff);
    }

    /** The decision kind ordinal, or -1 when none. */
    static int decisionKind(long head) {
        return (int) ((head >>> 32) & 0xff) - 1;
    }
}
