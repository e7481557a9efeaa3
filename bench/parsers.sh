#!/bin/sh
# CSV parser benchmark (JMH, issue 14): commons-csv, FastCSV and univocity on the real Fingertips export
# (scaled up), next to the whole FingertipsCsvReader; lower is better.
# Conclusion (stop 9, ~511k records): commons-csv 2,242 ms, FastCSV 671 ms, univocity 1,489 ms. The feed now
# reads with FastCSV (feed.CsvRecords, strict mode; broken quoting found and read past by feed.CsvTape, with the
# rules and messages the feed had under commons-csv); commons-csv stays here, as a test dependency, for comparison.
#   bench/parsers.sh                   # 1 fork, 2 warm-up and 3 measured single shots
#   bench/parsers.sh -p copies=50      # a quick check
set -e
cd "$(dirname "$0")/.."
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use).
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
if [ $# -eq 0 ]; then set -- -f 1 -wi 2 -i 3; fi
exec java ${FINGERPOST_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main \
  'io.fingerpost.bench.CsvParserBenchmark' -jvmArgs '-Xmx4g' "$@"
