package dev.microseg.dp.nfq;

/**
 * Called on the queue's thread for every queued packet. The {@link NfqPacket} flyweight and its
 * payload are valid only during the call: copy what must outlive it. A handler that throws gets
 * the queue's fallback verdict for the packet (ACCEPT when fail-open, else DROP) and is counted
 * in {@link NfQueueStats#handlerErrors()}; the loop carries on.
 */
@FunctionalInterface
public interface PacketHandler {
    void onPacket(NfqPacket packet, Verdicts verdicts);

    /**
     * Called on the queue's thread after each {@link NfQueue#poll} sent its verdicts (also when
     * the poll timed out with none): every verdict given so far has been sent to the kernel, which
     * re-injects a packet within the {@code sendto} of its verdict. Nothing by default.
     */
    default void batchDone() {
    }
}
