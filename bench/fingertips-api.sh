#!/bin/sh
# fingertips-api feed: a poll of N unchanged indicators (default 200) next to a poll that downloads them all,
# in the same run, against a local API serving the bundled real export; prints the ratio.
#   bench/fingertips-api.sh [N]
set -e
cd "$(dirname "$0")/.."
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use).
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -Xmx2g ${FINGERPOST_JAVA_OPTS:-} -Dlogback.configurationFile=src/test/resources/logback-test.xml \
  -Dfingerpost.shared=src/test/resources/shared \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.fingerpost.feed.fingertips.FingertipsApiBenchmark "$@"
