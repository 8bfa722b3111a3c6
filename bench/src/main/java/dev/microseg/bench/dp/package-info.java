/**
 * End-to-end data-plane harness: a real {@code microseg-dp} process enforcing a policy in the
 * router namespace of a routed topology, measured against no dp in the same run (iperf3 TCP and
 * UDP, a connect/close loop for new connections per second). {@code bench/dp-e2e.sh}.
 */
package dev.microseg.bench.dp;
