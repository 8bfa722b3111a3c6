package dev.microseg.dp.nfq;

/**
 * Counters of one queue since it was opened.
 *
 * @param packets           packets handed to the handler
 * @param receiveCalls      recvmmsg calls that returned at least one datagram
 * @param verdicts          verdicts sent (individual, or covered by a batch)
 * @param verdictMessages   netlink messages those verdicts took
 * @param batchMessages     of which NFQNL_MSG_VERDICT_BATCH
 * @param deferred          packets currently left without a verdict by the handler
 * @param malformed         datagrams that failed to decode (given the fallback verdict when their id was readable)
 * @param truncated         datagrams larger than a receive slot (MSG_TRUNC)
 * @param handlerErrors     handler calls that threw
 * @param fallbackVerdicts  verdicts the loop gave on its own (malformed, truncated, handler errors)
 * @param kernelErrors      NLMSG_ERROR messages the kernel sent for earlier verdicts
 * @param lastKernelErrno   errno of the most recent of those, 0 if none
 * @param overruns          ENOBUFS seen on receive (the kernel dropped messages for this socket)
 */
public record NfQueueStats(long packets, long receiveCalls, long verdicts, long verdictMessages, long batchMessages,
                           long deferred, long malformed, long truncated, long handlerErrors, long fallbackVerdicts,
                           long kernelErrors, int lastKernelErrno, long overruns) {
}
