#!/bin/sh
# Engine benchmark (JMH): all statistical methods on 100,000 series of 10 points, next to parsing the
# same data from a Fingertips CSV in the same run (compare the two scores: same data, same JVM).
#   bench/engine.sh                      # short settings: 1 fork, 2 warm-up and 3 measured single shots
#   bench/engine.sh -f 1 -wi 2 -i 5      # any JMH options replace the defaults
#   bench/engine.sh -f 1 -wi 0 -i 1 -p series=1000   # a quick check that it runs
set -e
cd "$(dirname "$0")/.."
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use; bench/all.sh builds once
# and sets FINGERPOST_BENCH_SKIP_BUILD).
[ -n "${FINGERPOST_BENCH_SKIP_BUILD:-}" ] || mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
if [ $# -eq 0 ]; then set -- -f 1 -wi 2 -i 3; fi
exec java ${FINGERPOST_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main \
  'io.fingerpost.bench.EngineBenchmark' -jvmArgs '-Xmx4g' "$@"
