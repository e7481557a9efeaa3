#!/bin/sh
# Report rendering: GET /report (HTML, charts) for N targets (default 500) with 10 observations each, next to
# GET /api/targets (JSON of the same targets, from the database) in the same run; prints medians and the ratio.
#   bench/report.sh [targets] [rounds]
set -e
cd "$(dirname "$0")/.."
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use).
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -Xmx2g ${FINGERPOST_JAVA_OPTS:-} -Dlogback.configurationFile=src/test/resources/logback-test.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.fingerpost.bench.ReportBenchmark "$@"
