#!/bin/sh
# Target evaluation benchmark (JMH): TargetEvaluation.evaluate on 10,000 series of 10 points, next to the
# bare least-squares projection of the same series in the same run (compare the two scores).
# Extra arguments go to JMH, e.g. -wi 2 -i 5 (a quick check that it runs: -wi 0 -i 1 -p targets=100).
set -e
cd "$(dirname "$0")/.."
[ $# -eq 0 ] && set -- -wi 3 -i 5
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use).
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java ${FINGERPOST_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main \
  'io.fingerpost.bench.TargetBenchmark' -f 1 -jvmArgs '-Xmx2g' "$@"
