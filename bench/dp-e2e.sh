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
cd "$MICROSEG_HOME"
[ "$(id -u)" -eq 0 ] || die "bench/dp-e2e.sh needs root (network namespaces, NFQUEUE)"
command -v iperf3 >/dev/null || die "iperf3 is missing: apt-get install -y iperf3"
command -v iptables >/dev/null || die "iptables is missing: ./microseg setup"
find_jdk
step "building bench and enforcer-dp (tests skipped)"
./mvnw -q -B -pl bench -am package -DskipTests
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/bench.jar:bench/target/lib/*" \
  dev.microseg.bench.dp.DpE2eBench "$@"
