package dev.microseg.dp.session;

import java.util.function.ToIntFunction;

/**
 * The data plane's connection table: bounded, allocation-free on the packet path, safe for
 * any number of queue threads (with {@code --queue-cpu-fanout} both directions of a connection
 * may be handled by different threads).
 *
 * <p><b>Layout.</b> Open addressing over primitive {@code long[]} arrays, {@value Slots#STRIDE}
 * longs (104 bytes) per slot (see {@link Slots}) plus a 4-byte hash tag per slot that probes
 * compare first, at most {@value #MAX_LOAD_PERCENT}% full, split
 * into power-of-two many {@link Segment segments}, each with its own lock. A session is found by
 * the same key from either direction ({@link SessionKey} orders the endpoints canonically) and
 * remembers which side initiated. Memory is fixed at construction: {@link #memoryBytes()}.
 *
 * <p><b>Capacity.</b> Keys spread over segments binomially, so each segment is sized for its
 * share of {@code capacity} plus four standard deviations ({@link #segmentLimit}): the table
 * holds {@code capacity} sessions before a segment is likely to fill. A full segment makes room
 * for a new session by removing, within {@value Segment#EVICTION_WINDOW} slots of the new key's
 * home slot, the first expired session, else the least recently seen one.
 *
 * <p><b>Time.</b> Every method takes the caller's clock in milliseconds, so tests control time.
 * A session idle longer than its protocol/state timeout ({@link SessionTimeouts}) is treated as
 * absent at once and removed by {@link #sweep} or when its slot is needed.
 *
 * <p><b>Concurrency.</b> Each call locks one segment ({@link java.util.concurrent.locks.ReentrantLock},
 * an uncontended CAS); results are copied into the caller's {@link SessionView}, never shared.
 */
public final class SessionTable {
    /** Open addressing with linear probing stays fast below 75% load (Knuth: ~2.5 probes per hit, ~8.5 per miss). */
    static final int MAX_LOAD_PERCENT = 75;
    /** Sessions per segment the constructor aims at: small enough that a sweep holds a lock only ~10 µs. */
    static final int TARGET_SEGMENT_SESSIONS = 4096;
    static final int MAX_SEGMENTS = 1024;

    private final Segment[] segments;
    private final int segmentShift;
    private final int capacity;

    /** A table for {@code capacity} sessions with conntrack's timeouts and no removal listener. */
    public SessionTable(int capacity) {
        this(capacity, SessionTimeouts.CONNTRACK, SessionListener.NONE);
    }

    public SessionTable(int capacity, SessionTimeouts timeouts, SessionListener listener) {
        this(capacity, defaultSegments(capacity), timeouts, listener);
    }

    /**
     * @param segments a power of two; 1 gives an exact capacity bound (tests of eviction)
     */
    public SessionTable(int capacity, int segments, SessionTimeouts timeouts, SessionListener listener) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        if (segments < 1 || Integer.bitCount(segments) != 1 || segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("segments must be a power of two in [1, " + MAX_SEGMENTS + "], was " + segments);
        }
        if (timeouts == null || listener == null) {
            throw new IllegalArgumentException((timeouts == null ? "timeouts" : "listener") + " must not be null");
        }
        this.capacity = capacity;
        this.segments = new Segment[segments];
        this.segmentShift = 64 - Integer.numberOfTrailingZeros(segments);
        int limit = segmentLimit(capacity, segments);
        int slots = slotsPerSegment(limit);
        for (int i = 0; i < segments; i++) {
            this.segments[i] = new Segment(limit, slots, timeouts, listener);
        }
    }

    private static int slotsPerSegment(int limit) {
        return (int) Math.min(Integer.MAX_VALUE / Slots.STRIDE, (long) limit * 100 / MAX_LOAD_PERCENT + 1);
    }

    /**
     * What {@link #memoryBytes()} will be for a table of {@code capacity} sessions with the default
     * segments, without allocating it (the dp sizes its table to the heap with it).
     */
    public static long memoryBytesFor(int capacity) {
        int segments = defaultSegments(capacity);
        long slots = slotsPerSegment(segmentLimit(capacity, segments));
        return segments * slots * ((long) Slots.STRIDE * Long.BYTES + Integer.BYTES);
    }

    static int defaultSegments(int capacity) {
        int want = Math.max(1, Math.min(MAX_SEGMENTS, capacity / TARGET_SEGMENT_SESSIONS));
        return Integer.highestOneBit(want);
    }

    /** A segment's share of the capacity plus four binomial standard deviations. */
    static int segmentLimit(int capacity, int segments) {
        if (segments == 1) {
            return capacity;
        }
        double share = (double) capacity / segments;
        return (int) Math.ceil(share + 4 * Math.sqrt(share * (1 - 1.0 / segments)));
    }

    private Segment segment(long h) {
        return segments.length == 1 ? segments[0] : segments[(int) (h >>> segmentShift)];
    }

    /**
     * Finds or creates the packet's session and accounts the packet: direction, packet and byte
     * counters, last seen, TCP state. Fills {@code out} with the session after the update.
     *
     * @param tcpFlags the TCP flags byte (ignored for other protocols)
     * @param bytes the packet's length for the byte counters
     */
    public TrackOutcome track(SessionKey key, int tcpFlags, int bytes, long now, SessionView out) {
        long h = key.hash();
        Segment s = segment(h);
        s.lock.lock();
        try {
            return s.track(key, h, tcpFlags, bytes, now, out);
        } finally {
            s.lock.unlock();
        }
    }

    /** Reads a live session without accounting a packet; false when absent or expired. */
    public boolean get(SessionKey key, long now, SessionView out) {
        long h = key.hash();
        Segment s = segment(h);
        s.lock.lock();
        try {
            s.lookups++;
            int i = s.find(key, h);
            if (i < 0 || s.expired(i * Slots.STRIDE, now)) {
                return false;
            }
            s.hits++;
            out.fill(s.d, i * Slots.STRIDE);
            out.fromInitiator = key.reversed == ((s.d[i * Slots.STRIDE + Slots.META] & Slots.INIT_B) != 0);
            return true;
        } finally {
            s.lock.unlock();
        }
    }

    /** Records the engine's decision. False when the session is gone. */
    public boolean decide(SessionKey key, Verdict verdict, int ruleId, int policyGeneration) {
        return update(key, (d, b) -> {
            d[b + Slots.META] = Slots.withVerdict(d[b + Slots.META], verdict.ordinal());
            d[b + Slots.RULE_APP] = Slots.pack(ruleId, (int) d[b + Slots.RULE_APP]);
            d[b + Slots.ENDPOINT_GEN] = Slots.pack((int) (d[b + Slots.ENDPOINT_GEN] >>> 32), policyGeneration);
        });
    }

    /** Records the application DPI identified. */
    public boolean setApplication(SessionKey key, int applicationId) {
        return update(key, (d, b) -> d[b + Slots.RULE_APP] = Slots.pack((int) (d[b + Slots.RULE_APP] >>> 32), applicationId));
    }

    /** Records the workload endpoint the session belongs to. */
    public boolean setEndpoint(SessionKey key, int endpoint) {
        return update(key, (d, b) -> d[b + Slots.ENDPOINT_GEN] = Slots.pack(endpoint, (int) d[b + Slots.ENDPOINT_GEN]));
    }

    /** Marks the session as offloaded to the kernel (its packets stop reaching the queue). */
    public boolean setOffloaded(SessionKey key, boolean offloaded) {
        return update(key, (d, b) -> d[b + Slots.META] = flag(d[b + Slots.META], Slots.OFFLOADED, offloaded));
    }

    /** Marks the session as reported to the agent. */
    public boolean setReported(SessionKey key, boolean reported) {
        return update(key, (d, b) -> d[b + Slots.META] = flag(d[b + Slots.META], Slots.REPORTED, reported));
    }

    private static long flag(long meta, long bit, boolean on) {
        return on ? meta | bit : meta & ~bit;
    }

    /** Removes the session, telling the listener ({@link RemovalCause#REMOVED}). */
    public boolean remove(SessionKey key) {
        long h = key.hash();
        Segment s = segment(h);
        s.lock.lock();
        try {
            int i = s.find(key, h);
            if (i < 0) {
                return false;
            }
            s.delete(i, RemovalCause.REMOVED);
            return true;
        } finally {
            s.lock.unlock();
        }
    }

    @FunctionalInterface
    private interface SlotUpdate {
        void apply(long[] d, int base);
    }

    private boolean update(SessionKey key, SlotUpdate u) {
        long h = key.hash();
        Segment s = segment(h);
        s.lock.lock();
        try {
            int i = s.find(key, h);
            if (i < 0) {
                return false;
            }
            u.apply(s.d, i * Slots.STRIDE);
            return true;
        } finally {
            s.lock.unlock();
        }
    }

    /** Removes every expired session (the listener hears {@link RemovalCause#EXPIRED}); returns how many. */
    public int sweep(long now) {
        return sumOverSegments(s -> s.sweep(now));
    }

    /**
     * Visits every live session, one segment at a time with that segment locked (other segments
     * stay available to the packet path). Returns how many were visited.
     */
    public int forEach(long now, SessionVisitor visitor) {
        SessionView view = new SessionView();
        return sumOverSegments(s -> s.forEach(now, visitor, view));
    }

    private int sumOverSegments(ToIntFunction<Segment> f) {
        int n = 0;
        for (Segment s : segments) {
            s.lock.lock();
            try {
                n += f.applyAsInt(s);
            } finally {
                s.lock.unlock();
            }
        }
        return n;
    }

    /** Sessions held, expired ones not yet removed included. */
    public int size() {
        return sumOverSegments(s -> s.count);
    }

    public int capacity() {
        return capacity;
    }

    public int segmentCount() {
        return segments.length;
    }

    /** Bytes of the slot and tag arrays: the table's whole memory apart from a few objects per segment. */
    public long memoryBytes() {
        long n = 0;
        for (Segment s : segments) {
            n += (long) s.d.length * Long.BYTES + (long) s.tags.length * Integer.BYTES;
        }
        return n;
    }

    public SessionCounters counters() {
        long[] c = new long[6];
        for (Segment s : segments) {
            s.lock.lock();
            try {
                c[0] += s.inserts;
                c[1] += s.lookups;
                c[2] += s.hits;
                c[3] += s.expirations;
                c[4] += s.evictions;
                c[5] += s.failures;
            } finally {
                s.lock.unlock();
            }
        }
        return new SessionCounters(c[0], c[1], c[2], c[3], c[4], c[5]);
    }
}
