package dev.microseg.dp.nfq;

import dev.microseg.dp.netlink.NlWriter;

/**
 * Buffers the verdicts of one receive batch and encodes them in as few netlink messages as is
 * safe.
 *
 * <p>{@code NFQNL_MSG_VERDICT_BATCH} gives its verdict to <em>every</em> packet still queued with an
 * id up to the one it names ({@code nfqnl_recv_verdict_batch}, serial-number order), not just to
 * a range. It is therefore used only for a run of consecutive ids with the same verdict and no
 * mark, and only when no received packet is still waiting for a verdict (the caller passes
 * {@code allowBatch}); the messages go out in id order, so everything below a run has already
 * been decided when the kernel reaches it. Packets not yet received have higher ids than any
 * received one (ids are assigned and delivered in order under the queue lock). Everything else
 * gets an individual verdict.
 */
final class VerdictBatcher {
    private final int queue;
    private final int[] ids;
    private final int[] verdicts;
    private final int[] marks;
    private final boolean[] hasMark;
    private int size;
    private int lastMessages;
    private int lastBatchMessages;

    VerdictBatcher(int queue, int capacity) {
        this.queue = queue;
        this.ids = new int[capacity];
        this.verdicts = new int[capacity];
        this.marks = new int[capacity];
        this.hasMark = new boolean[capacity];
    }

    int capacity() {
        return ids.length;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == ids.length;
    }

    /** Buffers a verdict; the caller flushes first when {@link #isFull()}. */
    void add(int id, int verdict, boolean withMark, int mark) {
        ids[size] = id;
        verdicts[size] = verdict;
        hasMark[size] = withMark;
        marks[size] = mark;
        size++;
    }

    void clear() {
        size = 0;
    }

    /** Messages written by the last {@link #encode}. */
    int lastMessages() {
        return lastMessages;
    }

    /** Of those, how many were batch verdicts. */
    int lastBatchMessages() {
        return lastBatchMessages;
    }

    /** Largest encoding of a full buffer, for sizing the send buffer. */
    static int maxEncodedBytes(int capacity) {
        return capacity * NfqCodec.MAX_VERDICT_MESSAGE;
    }

    /** Writes the buffered verdicts into {@code w} (which the caller reset) in id order. */
    void encode(NlWriter w, boolean allowBatch) {
        sortById();
        lastMessages = 0;
        lastBatchMessages = 0;
        int i = 0;
        while (i < size) {
            int j = i;
            if (allowBatch && !hasMark[i]) {
                while (j + 1 < size && !hasMark[j + 1] && verdicts[j + 1] == verdicts[i] && ids[j + 1] == ids[j] + 1) {
                    j++;
                }
            }
            if (j > i) {
                NfqCodec.encodeBatchVerdict(w, queue, ids[j], verdicts[i]);
                lastBatchMessages++;
            } else {
                NfqCodec.encodeVerdict(w, queue, ids[i], verdicts[i], hasMark[i], marks[i]);
            }
            lastMessages++;
            i = j + 1;
        }
    }

    /** Insertion sort in serial-number order: linear for the usual, already ordered, batch. */
    private void sortById() {
        for (int i = 1; i < size; i++) {
            int id = ids[i];
            if (ids[i - 1] - id <= 0) {
                continue;
            }
            int v = verdicts[i];
            int m = marks[i];
            boolean hm = hasMark[i];
            int j = i - 1;
            while (j >= 0 && ids[j] - id > 0) {
                ids[j + 1] = ids[j];
                verdicts[j + 1] = verdicts[j];
                marks[j + 1] = marks[j];
                hasMark[j + 1] = hasMark[j];
                j--;
            }
            ids[j + 1] = id;
            verdicts[j + 1] = v;
            marks[j + 1] = m;
            hasMark[j + 1] = hm;
        }
    }
}
