# shellcheck shell=bash
# Shared by ./microseg and the launchers under bin/: locate the checkout and a JDK 25.

MICROSEG_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MICROSEG_HOME
MICROSEG_STATE="${MICROSEG_STATE:-$MICROSEG_HOME/.microseg}"
export MICROSEG_STATE

die() { printf 'microseg: %s\n' "$*" >&2; exit 1; }
step() { printf '==> %s\n' "$*" >&2; }

# Prints the major version of the java binary given, or nothing.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

# Sets JAVA_HOME to a JDK 25 or newer: JAVA_HOME if it qualifies, else a known install path,
# else any JDK under /usr/lib/jvm. Fails with what to install.
find_jdk() {
  local candidate v
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    v="$(java_major "$candidate/bin/java")"
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  die "no JDK 25 found (JAVA_HOME=${JAVA_HOME:-unset}). Install one, e.g. Temurin 25 into /usr/lib/jvm/temurin-25-jdk-amd64, or point JAVA_HOME at it."
}

# java -cp for a module built by ./microseg build: its jar plus target/lib/*.
module_classpath() {
  local module="$1" dir="$MICROSEG_HOME/$1/target"
  [ -f "$dir/$module.jar" ] || die "$module is not built: run ./microseg build"
  printf '%s:%s/lib/*' "$dir/$module.jar" "$dir"
}

# run_kernel_bench SCRIPT CLASS ARGS...: the kernel benchmarks' common start (root, iperf3,
# iptables, a JDK 25, the bench module built), then the harness CLASS with ARGS.
run_kernel_bench() {
  local script="$1" class="$2"
  shift 2
  cd "$MICROSEG_HOME"
  [ "$(id -u)" -eq 0 ] || die "$script needs root (network namespaces, NFQUEUE)"
  command -v iperf3 >/dev/null || die "iperf3 is missing: apt-get install -y iperf3"
  command -v iptables >/dev/null || die "iptables is missing: ./microseg setup"
  find_jdk
  step "building bench and enforcer-dp (tests skipped)"
  "$MICROSEG_HOME/mvnw" -q -B -pl bench -am package -DskipTests
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$(module_classpath bench)" "$class" "$@"
}
