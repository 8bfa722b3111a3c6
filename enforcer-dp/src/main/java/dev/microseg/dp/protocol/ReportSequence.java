package dev.microseg.dp.protocol;

/**
 * Agent-side loss detection for one {@code seq} sequence of the dp (replies or the report stream,
 * see {@link ReportKind#isReply()}). The dp gives every message a seq, including the ones it had to
 * drop because the agent's queue was full, so the distance between consecutive seqs counts exactly
 * the messages lost. Not thread-safe: feed it from the receiving thread.
 */
public final class ReportSequence {
    private long expected = -1;
    private long lost;
    private long received;

    /**
     * Notes a received message's seq; returns how many messages were lost just before it. A seq that
     * goes backwards (a restarted dp starts again from 0) restarts the count without reporting a loss.
     */
    public long observe(long seq) {
        Check.u32("seq", seq);
        received++;
        long gap = 0;
        if (expected >= 0) {
            long d = (seq - expected) & 0xFFFF_FFFFL;
            // Within half the sequence space it is a forward jump (loss), beyond it a step back (restart).
            if (d < 0x8000_0000L) {
                gap = d;
            }
        }
        lost += gap;
        expected = (seq + 1) & 0xFFFF_FFFFL;
        return gap;
    }

    /** Messages lost so far. */
    public long lost() {
        return lost;
    }

    /** Messages received so far. */
    public long received() {
        return received;
    }
}
