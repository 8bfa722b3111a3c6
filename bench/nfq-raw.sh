#!/usr/bin/env bash
# NFQUEUE raw throughput (docs/benchmarks.md, "NFQUEUE raw"): iperf3 TCP ws1 -> ws2 through a
# routed topology with no queue, with every packet through a Java accept-all queue loop, and with
# first packets only + connmark offload. Prints ratios against the baseline of the same run.
#
#   sudo bench/nfq-raw.sh [--seconds 5] [--rounds 3] [--copy 128]
#
# Needs root (namespaces, NFQUEUE), iptables and iperf3 (apt-get install -y iptables iperf3).
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../scripts/common.sh"
run_kernel_bench "bench/nfq-raw.sh" dev.microseg.bench.nfq.NfqRawBench "$@"
