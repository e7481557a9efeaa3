#!/bin/sh
# Cluster figures (issue 15) on this machine: failover time (kill -9 of the member holding the feed and the
# receiver -> the next successful poll and the next delivery, from the database's clock) over RUNS runs
# (default 10), and push throughput through 1 member against the same pushes spread over 3 (the ratio is the
# figure). Members are child JVMs on loopback on one PostgreSQL (embedded, started by the benchmark).
#   bench/cluster.sh [RUNS] [PUSHES]
set -e
cd "$(dirname "$0")/.."
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use).
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
exec java -Xmx512m ${FINGERPOST_JAVA_OPTS:-} -Dlogback.configurationFile=src/test/resources/logback-test.xml -Dfingerpost.shared=src/test/resources/shared \
  -Dsurefire.test.class.path="$CP" -cp "$CP" io.fingerpost.reliability.ClusterBenchmark "$@"
