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
cd "$MICROSEG_HOME"
[ "$(id -u)" -eq 0 ] || die "bench/nfq-raw.sh needs root (network namespaces, NFQUEUE)"
command -v iperf3 >/dev/null || die "iperf3 is missing: apt-get install -y iperf3"
command -v iptables >/dev/null || die "iptables is missing: ./microseg setup"
find_jdk
step "building bench and enforcer-dp (tests skipped)"
./mvnw -q -B -pl bench -am package -DskipTests
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/bench.jar:bench/target/lib/*" \
  dev.microseg.bench.nfq.NfqRawBench "$@"
