#!/usr/bin/env bash
# /metrics scrape time and size with N monitored series (default 100,000), over real HTTP, next to a
# scrape with no indicator state measured in the same run. Usage: bench/metrics.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
exec java -Xmx4g -cp "target/classes:target/test-classes:$(cat target/cp.txt)" \
  io.fingerpost.metrics.MetricsScrapeBenchmark "${1:-100000}"
