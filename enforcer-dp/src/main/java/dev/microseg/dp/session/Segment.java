package dev.microseg.dp.session;

import static dev.microseg.dp.session.Slots.*;

import dev.microseg.dp.packet.IpProtocols;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock-protected open-addressing table (linear probing, backward-shift deletion, Knuth TAOCP
 * vol. 3 §6.4 Algorithm R, so there are no tombstones). The session table is an array of these,
 * picked by the high bits of the key's hash, so threads contend only when two packets hash to
 * the same segment at the same moment.
 */
final class Segment {
    /**
     * Slots scanned from a new key's home slot for a victim when the segment is full: the first
     * expired session there is removed, else the least recently seen. 32 slots of 104 bytes are
     * 52 cache lines read sequentially, a bounded cost per insert, and a sample wide enough that
     * the victim is among the oldest few percent of the segment (an approximate LRU, as sampled
     * eviction in Redis's {@code maxmemory-policy allkeys-lru} is).
     */
    static final int EVICTION_WINDOW = 32;

    final ReentrantLock lock = new ReentrantLock();
    final long[] d;
    /**
     * One int per slot: 0 when empty, else the low 32 bits of the key's hash with bit 0 set. The
     * home slot is derived from it and a probe compares it before touching the 104-byte slot, so
     * a probe reads 4 bytes per slot (16 slots a cache line) instead of two cache lines.
     */
    final int[] tags;
    final int slots;
    final int limit;
    int count;
    long inserts;
    long lookups;
    long hits;
    long expirations;
    long evictions;
    long failures;
    private final SessionView scratch = new SessionView();
    private final SessionTimeouts timeouts;
    private final SessionListener listener;

    Segment(int limit, int slots, SessionTimeouts timeouts, SessionListener listener) {
        this.limit = limit;
        this.slots = slots;
        this.d = new long[Math.multiplyExact(slots, STRIDE)];
        this.tags = new int[slots];
        this.timeouts = timeouts;
        this.listener = listener;
    }

    static int tag(long h) {
        return (int) h | 1;
    }

    private int home(int tag) {
        return (int) (((tag & 0xffff_ffffL) * slots) >>> 32);
    }

    /** Slot index of the key, or {@code -(empty slot + 1)} where it would go. Lock held. */
    int find(SessionKey k, long h) {
        int tag = tag(h);
        int i = home(tag);
        long mk = k.metaKey;
        while (true) {
            int t = tags[i];
            if (t == 0) {
                return -(i + 1);
            }
            int b = i * STRIDE;
            if (t == tag && (d[b + META] & KEY_MASK) == mk && d[b + ALO] == k.aLo && d[b + BLO] == k.bLo
                && d[b + AHI] == k.aHi && d[b + BHI] == k.bHi) {
                return i;
            }
            if (++i == slots) {
                i = 0;
            }
        }
    }

    boolean expired(int b, long now) {
        return now - d[b + LAST] > timeout(b);
    }

    private long timeout(int b) {
        long m = d[b + META];
        return switch (proto(m)) {
            case IpProtocols.TCP -> timeouts.tcp(TcpState.of(state(m)));
            case IpProtocols.UDP -> d[b + PKTS_RESP] > 0 ? timeouts.udpRepliedMs() : timeouts.udpUnrepliedMs();
            case IpProtocols.ICMP, IpProtocols.ICMPV6 -> timeouts.icmpMs();
            default -> timeouts.otherMs();
        };
    }

    /** Lock held. */
    TrackOutcome track(SessionKey k, long h, int tcpFlags, int bytes, long now, SessionView out) {
        lookups++;
        boolean tcp = k.protocol() == IpProtocols.TCP;
        int i = find(k, h);
        TrackOutcome created = TrackOutcome.CREATED;
        if (i >= 0) {
            int b = i * STRIDE;
            if (expired(b, now)) {
                expirations++;
                if (tcp && TcpTracker.initial(tcpFlags) == TcpTracker.NO_SESSION) {
                    delete(i, RemovalCause.EXPIRED);
                    failures++;
                    return TrackOutcome.NOT_CREATED;
                }
                tell(b, RemovalCause.EXPIRED);
            } else {
                hits++;
                long m = d[b + META];
                boolean fromInitiator = k.reversed == ((m & INIT_B) != 0);
                if (tcp) {
                    int next = TcpTracker.next(state(m), fin(m), fromInitiator, tcpFlags);
                    if (next == TcpTracker.REOPEN) {
                        tell(b, RemovalCause.REPLACED);
                        created = TrackOutcome.REOPENED;
                        return create(b, k, tcpFlags, bytes, now, out, created);
                    }
                    d[b + META] = withState(m, next & 0xf, (next >>> 4) & 0x3);
                }
                int dir = fromInitiator ? 0 : 1;
                d[b + PKTS_INIT + dir]++;
                d[b + BYTES_INIT + dir] += bytes;
                d[b + LAST] = now;
                out.fill(d, b);
                out.fromInitiator = fromInitiator;
                return TrackOutcome.EXISTING;
            }
            return create(b, k, tcpFlags, bytes, now, out, created);
        }
        if (tcp && TcpTracker.initial(tcpFlags) == TcpTracker.NO_SESSION) {
            failures++;
            return TrackOutcome.NOT_CREATED;
        }
        if (count >= limit) {
            makeRoom(h, now);
            i = find(k, h);
        }
        count++;
        tags[-(i + 1)] = tag(h);
        return create(-(i + 1) * STRIDE, k, tcpFlags, bytes, now, out, created);
    }

    private TrackOutcome create(int b, SessionKey k, int tcpFlags, int bytes, long now, SessionView out,
                                TrackOutcome outcome) {
        boolean srcInitiates = !k.response;
        long meta = k.metaKey;
        if (k.protocol() == IpProtocols.TCP) {
            int init = TcpTracker.initial(tcpFlags);
            srcInitiates = (init & TcpTracker.DST_INITIATES) == 0;
            meta = withState(meta, init & 0xf, (init >>> 4) & 0x3);
            if ((init & TcpTracker.PICKED_UP) != 0) {
                meta |= MIDSTREAM;
            }
        }
        boolean initB = srcInitiates == k.reversed;
        if (initB) {
            meta |= INIT_B;
        }
        d[b + AHI] = k.aHi;
        d[b + ALO] = k.aLo;
        d[b + BHI] = k.bHi;
        d[b + BLO] = k.bLo;
        d[b + META] = meta;
        d[b + RULE_APP] = 0;
        d[b + ENDPOINT_GEN] = pack(-1, 0);
        int dir = srcInitiates ? 0 : 1;
        d[b + PKTS_INIT] = 1 - dir;
        d[b + PKTS_RESP] = dir;
        d[b + BYTES_INIT] = srcInitiates ? bytes : 0;
        d[b + BYTES_RESP] = srcInitiates ? 0 : bytes;
        d[b + FIRST] = now;
        d[b + LAST] = now;
        inserts++;
        out.fill(d, b);
        out.fromInitiator = srcInitiates;
        return outcome;
    }

    /** Frees one slot: the first expired session in the window, else the least recently seen. */
    private void makeRoom(long h, long now) {
        int i = home(tag(h));
        int victim = -1;
        long oldest = Long.MAX_VALUE;
        for (int n = 0; n < slots && (n < EVICTION_WINDOW || victim < 0); n++, i = i + 1 == slots ? 0 : i + 1) {
            int b = i * STRIDE;
            if (tags[i] == 0) {
                continue;
            }
            if (expired(b, now)) {
                expirations++;
                delete(i, RemovalCause.EXPIRED);
                return;
            }
            if (d[b + LAST] < oldest) {
                oldest = d[b + LAST];
                victim = i;
            }
        }
        evictions++;
        delete(victim, RemovalCause.EVICTED);
    }

    private void tell(int b, RemovalCause cause) {
        if (listener != SessionListener.NONE) {
            scratch.fill(d, b);
            listener.removed(scratch, cause);
        }
    }

    /** Removes slot i, telling the listener, and shifts the probe run back over it. Lock held. */
    void delete(int i, RemovalCause cause) {
        tell(i * STRIDE, cause);
        count--;
        int j = i;
        while (true) {
            j = j + 1 == slots ? 0 : j + 1;
            int bj = j * STRIDE;
            if (tags[j] == 0) {
                break;
            }
            int k = home(tags[j]);
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                System.arraycopy(d, bj, d, i * STRIDE, STRIDE);
                tags[i] = tags[j];
                i = j;
            }
        }
        d[i * STRIDE + META] = 0;
        tags[i] = 0;
    }

    /** Removes every expired session; returns how many. Lock held. */
    int sweep(long now) {
        int removed = 0;
        for (int i = 0; i < slots; i++) {
            int b = i * STRIDE;
            while (tags[i] != 0 && expired(b, now)) {
                expirations++;
                delete(i, RemovalCause.EXPIRED);
                removed++;
            }
        }
        return removed;
    }

    /** Visits live sessions. Lock held. */
    int forEach(long now, SessionVisitor visitor, SessionView view) {
        int visited = 0;
        for (int i = 0; i < slots; i++) {
            int b = i * STRIDE;
            if (tags[i] != 0 && !expired(b, now)) {
                view.fill(d, b);
                view.fromInitiator = true;
                visitor.visit(view);
                visited++;
            }
        }
        return visited;
    }
}
