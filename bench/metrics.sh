#!/usr/bin/env bash
# /metrics scrape time and size with N monitored series (default 100,000), over real HTTP, next to a
# scrape with no indicator state measured in the same run. Usage: bench/metrics.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use; bench/all.sh builds once
# and sets FINGERPOST_BENCH_SKIP_BUILD).
[ -n "${FINGERPOST_BENCH_SKIP_BUILD:-}" ] || mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -Xmx4g ${FINGERPOST_JAVA_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  io.fingerpost.metrics.MetricsScrapeBenchmark "${1:-100000}"
