package dev.microseg.dp.protocol;

/**
 * The {@code flag} of a batched command ({@code ctrl_cfg_policy}, {@code ctrl_cfg_internal_net}), as in
 * NeuVector's dp: the first datagram of a batch carries {@link #MSG_START}, the last {@link #MSG_END},
 * a datagram that is the whole batch carries both, and middle datagrams carry neither.
 */
public final class BatchFlags {
    /** Bit 1: the first datagram of a batch. */
    public static final int MSG_START = 1;
    /** Bit 2: the last datagram of a batch. */
    public static final int MSG_END = 2;
    /** A batch that fits in one datagram. */
    public static final int WHOLE = MSG_START | MSG_END;

    private BatchFlags() {
    }

    public static boolean isStart(int flag) {
        return (flag & MSG_START) != 0;
    }

    public static boolean isEnd(int flag) {
        return (flag & MSG_END) != 0;
    }

    /** The flag for part {@code index} of {@code count} parts. */
    public static int forPart(int index, int count) {
        return (index == 0 ? MSG_START : 0) | (index == count - 1 ? MSG_END : 0);
    }
}
