package dev.microseg.dp.nfq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters written by the queue thread and read by anyone: opaque accesses, so a reader sees
 * progress without fences on the packet path.
 */
final class QueueCounters {
    static final int PACKETS = 0;
    static final int RECEIVE_CALLS = 1;
    static final int VERDICTS = 2;
    static final int VERDICT_MESSAGES = 3;
    static final int BATCH_MESSAGES = 4;
    static final int MALFORMED = 5;
    static final int TRUNCATED = 6;
    static final int HANDLER_ERRORS = 7;
    static final int FALLBACK = 8;
    static final int KERNEL_ERRORS = 9;
    static final int OVERRUNS = 10;
    static final int LAST_ERRNO = 11;
    static final int DEFERRED = 12;
    private static final int SIZE = 13;
    private static final VarHandle AT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values = new long[SIZE];

    long inc(int counter) {
        return add(counter, 1);
    }

    long add(int counter, long n) {
        long v = (long) AT.getOpaque(values, counter) + n;
        AT.setOpaque(values, counter, v);
        return v;
    }

    void set(int counter, long v) {
        AT.setOpaque(values, counter, v);
    }

    long get(int counter) {
        return (long) AT.getOpaque(values, counter);
    }

    NfQueueStats snapshot() {
        return new NfQueueStats(get(PACKETS), get(RECEIVE_CALLS), get(VERDICTS), get(VERDICT_MESSAGES),
                get(BATCH_MESSAGES), get(DEFERRED), get(MALFORMED), get(TRUNCATED), get(HANDLER_ERRORS),
                get(FALLBACK), get(KERNEL_ERRORS), (int) get(LAST_ERRNO), get(OVERRUNS));
    }
}
