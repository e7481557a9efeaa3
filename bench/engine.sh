#!/bin/sh
# Engine benchmark (JMH): all statistical methods on 100,000 series of 10 points, next to parsing the
# same data from a Fingertips CSV in the same run. Extra arguments go to JMH, e.g. -wi 1 -i 5.
#   bench/engine.sh                 # short settings: 1 fork, 2 warm-up and 3 measured single shots
set -e
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main \
  'io.fingerpost.bench.EngineBenchmark' -f 1 -wi 2 -i 3 -jvmArgs '-Xmx4g' "$@"
