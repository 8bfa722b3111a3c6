/**
 * NFQUEUE harnesses: real traffic (iperf3) through real queues in network namespaces, each run
 * printing its ratios against a no-queue baseline measured in the same run.
 */
package dev.microseg.bench.nfq;
