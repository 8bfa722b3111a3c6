package dev.microseg.dp.nfq;

/**
 * Where a packet handler issues verdicts. Verdicts are buffered and sent together at the end of
 * each receive batch (or on {@link NfQueue#flush()}); a packet left without a verdict when its
 * handler returns is "deferred" and must get one later through the same queue, from its thread.
 */
public interface Verdicts {
    /** Verdict without touching the packet mark. */
    void verdict(int packetId, Verdict verdict);

    /**
     * Verdict that also sets the packet mark. The kernel replaces the whole 32-bit mark, so
     * compute it from the packet's mark (e.g. {@code MarkBits#acceptMark(int)}) to keep other
     * users' bits.
     */
    void verdict(int packetId, Verdict verdict, int mark);

    default void accept(int packetId) {
        verdict(packetId, Verdict.ACCEPT);
    }

    default void drop(int packetId) {
        verdict(packetId, Verdict.DROP);
    }
}
