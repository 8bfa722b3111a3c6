package dev.microseg.dp.engine;

import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.session.SessionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many sessions the heap can hold: a {@code max_sessions} (from {@code --max-sessions} or the
 * agent's {@code ctrl_sys_conf}) larger than that would fail with an {@link OutOfMemoryError}
 * when the table is allocated, or later, while the reporter tracks connections; it is capped, and
 * the cap logged ({@code event=sessions_capped}) and exported ({@code dp.sessions.heap_cap}).
 *
 * <p>Per session: the table's slots, ~150 bytes ({@link SessionTable#memoryBytesFor}, fixed at
 * allocation: 104-byte slot, 4-byte tag, 75% load, per-segment slack), plus the reporter's
 * ~250 bytes per tracked connection ({@link FlowTracker}) for up to two connections per session
 * (its bound); {@link #HEAP_PERCENT} of {@link Runtime#maxMemory()} may go to them.
 */
final class SessionBudget {
    private static final Logger LOG = LoggerFactory.getLogger(SessionBudget.class);
    /**
     * Share of the heap for sessions and tracked connections: the rest holds compiled policies
     * (up to 65536 rules each), the endpoint maps, receive buffers and a replay's batches.
     */
    static final int HEAP_PERCENT = 50;
    /** The reporter's bytes per tracked connection (docs/dp.md "Memory", measured with FlowLedger). */
    static final long FLOW_BYTES = 250;
    /** Tracked connections per session the reporter allows (Engine: 2 x max_sessions). */
    static final int FLOWS_PER_SESSION = 2;
    /** Rounds of shrinking towards the budget; each scales by the overshoot, so two or three suffice. */
    private static final int MAX_ROUNDS = 32;

    private final long maxHeap;

    SessionBudget(long maxHeap) {
        if (maxHeap <= 0) {
            throw new IllegalArgumentException("maxHeap must be positive, was " + maxHeap);
        }
        this.maxHeap = maxHeap;
    }

    static SessionBudget ofRuntime() {
        return new SessionBudget(Runtime.getRuntime().maxMemory());
    }

    /** Bytes sessions may take: {@link #HEAP_PERCENT} of the heap. */
    long budgetBytes() {
        return maxHeap / 100 * HEAP_PERCENT;
    }

    /** Heap bytes {@code sessions} sessions take, table and tracked connections. */
    static long bytesFor(int sessions) {
        return SessionTable.memoryBytesFor(sessions) + (long) sessions * FLOWS_PER_SESSION * FLOW_BYTES;
    }

    /** The most sessions the heap holds, at least {@link CtrlSysConf#MIN_SESSIONS}, at most {@code requested}. */
    int cap(int requested) {
        long budget = budgetBytes();
        int c = requested;
        for (int round = 0; round < MAX_ROUNDS && c > CtrlSysConf.MIN_SESSIONS; round++) {
            long bytes = bytesFor(c);
            if (bytes <= budget) {
                break;
            }
            long scaled = (long) ((double) c * budget / bytes);
            c = (int) Math.max(CtrlSysConf.MIN_SESSIONS, Math.min(scaled, c - Math.max(1, c / 100)));
        }
        return c;
    }

    /** {@link #cap}, logged: capped when it is below {@code requested}. */
    int capLogged(int requested, String source) {
        int c = cap(requested);
        var line = LOG.atLevel(c < requested ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO)
                .addKeyValue("source", source).addKeyValue("requested", requested).addKeyValue("cap", c)
                .addKeyValue("max_heap_mb", maxHeap >> 20).addKeyValue("heap_percent", HEAP_PERCENT)
                .addKeyValue("bytes_per_session", bytesFor(c) / c);
        line.log(c < requested ? "event=sessions_capped" : "event=sessions_sized");
        return c;
    }
}
