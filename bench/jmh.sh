#!/usr/bin/env bash
# Builds the bench module (and what it needs) with the Maven wrapper, then runs the data-plane
# JMH benchmarks through dev.microseg.bench.BenchMain, which prints every result beside its
# baseline from the same run as a ratio, plus memory per session and classifier footprints.
#
#   bench/jmh.sh                       everything (about 5 minutes on 2 cores)
#   bench/jmh.sh 'ClassifierBench'     only benchmarks matching the regular expression(s)
#   bench/jmh.sh memory                only the memory and footprint measurements
#
# Figures and the command that produced them belong in docs/benchmarks.md.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../scripts/common.sh"
cd "$MICROSEG_HOME"
find_jdk
step "building bench (JDK: $JAVA_HOME)"
"$MICROSEG_HOME/mvnw" -B -q -pl bench -am package -DskipTests
step "running benchmarks: ${*:-all}"
exec "$JAVA_HOME/bin/java" -Xmx6g -XX:+UseParallelGC -XX:+UseTransparentHugePages -cp "bench/target/bench.jar:bench/target/lib/*" \
  dev.microseg.bench.BenchMain "$@"
