#!/bin/sh
# Alert latency on loopback: push an observation → its first evaluation, and → webhook receives the alert,
# p50/p99 over N pushes (default 100), next to the push round trip and a bare loopback POST measured in the
# same run. Also says whether push → first evaluation stays under 1 s at p99 (was a timed assertion in
# TargetsAppTest).
#   bench/alerts.sh [N]
set -e
cd "$(dirname "$0")/.."
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use; bench/all.sh builds once
# and sets FINGERPOST_BENCH_SKIP_BUILD).
[ -n "${FINGERPOST_BENCH_SKIP_BUILD:-}" ] || mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -Xmx2g ${FINGERPOST_JAVA_OPTS:-} -Dlogback.configurationFile=src/test/resources/logback-test.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.fingerpost.bench.AlertLatencyBenchmark "$@"
