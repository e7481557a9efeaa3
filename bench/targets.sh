#!/bin/sh
# Target evaluation benchmark (JMH): TargetEvaluation.evaluate on 10,000 series of 10 points, next to the
# bare least-squares projection of the same series in the same run (compare the two scores).
# Extra arguments go to JMH, e.g. -wi 2 -i 5.
set -e
cd "$(dirname "$0")/.."
[ $# -eq 0 ] && set -- -wi 3 -i 5
mvn -q -B -o test-compile
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main \
  'io.fingerpost.bench.TargetBenchmark' -f 1 -jvmArgs '-Xmx2g' "$@"
