#!/usr/bin/env bash
# The data plane end to end (docs/benchmarks.md, "Data plane end to end"): a real microseg-dp
# enforcing a policy between two workload namespaces, against no dp in the same run, interleaved
# rounds, medians and ratios: iperf3 TCP throughput (offloaded and with every packet in user space),
# new TCP connections per second, iperf3 UDP 64-byte datagrams per second.
#
#   sudo bench/dp-e2e.sh [--seconds 5] [--rounds 3] [--queues-compare]
#
# Needs root (namespaces, NFQUEUE), iptables, conntrack and iperf3 (apt-get install -y iperf3).
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../scripts/common.sh"
run_kernel_bench "bench/dp-e2e.sh" dev.microseg.bench.dp.DpE2eBench "$@"
