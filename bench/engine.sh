#!/bin/sh
# Engine benchmark (JMH): all statistical methods on 100,000 series of 10 points, next to parsing the
# same data from a Fingertips CSV in the same run (compare the two scores: same data, same JVM settings).
#   bench/engine.sh                      # the defaults (EngineBenchmark's annotations): average time, 10 warm-up
#                                        # and 10 measured iterations of 1 s (20 for the parse), 1 fork,
#                                        # -Xms4g -Xmx4g; ~2 min
#   bench/engine.sh -f 2                 # JMH options override them (a second fork doubles the time)
#   bench/engine.sh -f 1 -wi 0 -i 1 -p series=1000   # a quick check that it runs
# Why these defaults (stop 14): with 2 warm-up and 3 measured single shots the errors were ±10-40 s, because on
# 2 cores C2 is still compiling the engine during the first 4-5 calls of evaluate (1.5-4.8 s each, 0.45 s warm)
# and 3 shots make JMH's 99.9% interval ±18 standard deviations wide; 10 warm-up seconds get past the compiler
# and 10 measured iterations narrow it to ±1.5 (Student t, 99.9%, over the square root of the count). The fixed heap keeps the parse's
# ~1 GB a call from resizing it mid-run. Both benchmarks run with the same settings.
set -e
cd "$(dirname "$0")/.."
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use; bench/all.sh builds once
# and sets FINGERPOST_BENCH_SKIP_BUILD).
[ -n "${FINGERPOST_BENCH_SKIP_BUILD:-}" ] || mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java ${FINGERPOST_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main \
  'io.fingerpost.bench.EngineBenchmark' "$@"
