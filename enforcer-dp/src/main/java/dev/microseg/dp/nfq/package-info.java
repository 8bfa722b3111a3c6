/**
 * NFQUEUE through nfnetlink_queue ({@code linux/netfilter/nfnetlink_queue.h}): bind a queue
 * ({@link dev.microseg.dp.nfq.NfQueue#open}), receive packets as a zero-copy flyweight
 * ({@link dev.microseg.dp.nfq.NfqPacket}) in batches ({@code recvmmsg}), return verdicts with or
 * without a packet mark, batched with {@code NFQNL_MSG_VERDICT_BATCH} where that is safe. One
 * queue per thread.
 *
 * <pre>{@code
 * try (NfQueue q = NfQueue.open(NfQueueConfig.defaults(0).withFailOpen(true))) {
 *     q.run((packet, verdicts) -> verdicts.verdict(packet.id(), Verdict.REPEAT,
 *             MarkBits.DEFAULT.acceptMark(packet.mark())));   // decide once, offload the rest
 * }
 * }</pre>
 */
package dev.microseg.dp.nfq;
