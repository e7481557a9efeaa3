#!/usr/bin/env bash
# API load: req/s, p50 and p99 of a trivial endpoint (/health) and the hot endpoints (/api/targets,
# /api/targets/le-birth-male, one series' observations) and the places endpoints (/api/places, /api/compare,
# read from the database on every call) in one run, against the bundled default service
# started here on a free port with a temporary data directory. Then the size reference: the same bytes as
# /api/targets plain, answered by a bare Vert.x server (bench-http-reference: one event loop, the body in direct
# memory, as the service holds it), so the target list's plain rate is read against what the HTTP stack serves of
# a body that size, not only against /health's few bytes. Needs wrk (Debian: apt-get install wrk).
# Usage: bench/api.sh [seconds per endpoint, default 10] [connections, default "32 64"]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-10}"
CONNECTIONS="${2:-32 64}"
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use; bench/all.sh builds once
# and sets FINGERPOST_BENCH_SKIP_BUILD).
[ -n "${FINGERPOST_BENCH_SKIP_BUILD:-}" ] || mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATA=$(mktemp -d)
LOG="$DATA/service.log"
FINGERPOST_HTTP_PORT=$PORT FINGERPOST_DATA_DIR="$DATA/data" \
  java -Xmx1g ${FINGERPOST_JAVA_OPTS:-} -cp "target/classes:$(cat target/bench-classpath.txt)" io.fingerpost.Main run >"$LOG" 2>&1 &
PID=$!
REF_PID=""
stop() { # a process this script started, by its PID
  kill "$1" 2>/dev/null && for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  stop "$PID"
  [ -z "$REF_PID" ] || stop "$REF_PID"
  rm -rf "$DATA"
}
trap cleanup EXIT
BASE="http://127.0.0.1:$PORT"
for i in $(seq 1 240); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/ready" || true)" = 200 ] && break
  kill -0 "$PID" 2>/dev/null || { echo "the service exited:" >&2; tail -20 "$LOG" >&2; exit 1; }
  [ "$i" = 240 ] && { echo "not ready after 120 s" >&2; tail -20 "$LOG" >&2; exit 1; }
  sleep 0.5
done
SERIES=$(
curl -s "$BASE/api/series?indicator=90366&area=E08000027&sex=Male" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
# "gzip:" before a path: asked with Accept-Encoding: gzip, as browsers and Grafana ask (printed as PATH,gzip); the
# target list is hundreds of KB plain, so its plain rate measures copying bytes more than the endpoint
PATHS="/health /api/targets gzip:/api/targets /api/targets/le-birth-male /api/series/$SERIES/observations /api/places /api/compare?indicator=90366"
# the size reference (see the top): the target list's own bytes, served by a bare Vert.x server on a free port
curl -s -o "$DATA/targets.json" "$BASE/api/targets"
REF_LOG="$DATA/reference.log"
java -Xmx1g ${FINGERPOST_JAVA_OPTS:-} -cp "target/classes:$(cat target/bench-classpath.txt)" io.fingerpost.Main \
  bench-http-reference --body "$DATA/targets.json" >"$REF_LOG" 2>&1 &
REF_PID=$!
for i in $(seq 1 100); do
  grep -qs '^listening on ' "$REF_LOG" && break
  kill -0 "$REF_PID" 2>/dev/null || { echo "the size reference exited:" >&2; cat "$REF_LOG" >&2; exit 1; }
  [ "$i" = 100 ] && { echo "the size reference did not listen within 20 s" >&2; exit 1; }
  sleep 0.2
done
REF="http://127.0.0.1:$(awk '/^listening on / { print $3; exit }' "$REF_LOG")"
[ "$(curl -s "$REF/" | cmp - "$DATA/targets.json" && echo same)" = same ] \
  || { echo "the size reference does not answer the target list's bytes" >&2; exit 1; }
PATHS="$PATHS ref:/"
# "12.34ms" / "1.2s" / "800us" -> milliseconds
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
# runs wrk on one entry of PATHS (its other arguments first)
# "ref:" before a path: asked of the size reference (printed under the name below)
name() {
  case "$1" in gzip:*) echo "${1#gzip:},gzip" ;; ref:*) echo "/api/targets,same-bytes-bare-vertx" ;; *) echo "$1" ;; esac
}
run_wrk() {
  case "$1" in
    gzip:*) wrk "${@:2}" -H "Accept-Encoding: gzip" "$BASE${1#gzip:}" ;;
    ref:*) wrk "${@:2}" "$REF${1#ref:}" ;;
    *) wrk "${@:2}" "$BASE$1" ;;
  esac
}
# warm-up (discarded): the JIT compiles the hot paths and the start-up work (alerts, metrics) settles
for p in $PATHS; do run_wrk "$p" -t 2 -c 32 -d "${SECONDS_EACH}s" >/dev/null; done
printf '%-40s %5s %10s %9s %9s %8s\n' endpoint conns req/s p50_ms p99_ms vs_health
for c in $CONNECTIONS; do
  HEALTH=""
  for p in $PATHS; do
    out=$(run_wrk "$p" -t 2 -c "$c" -d "${SECONDS_EACH}s" --latency)
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p50=$(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
    [ -z "$HEALTH" ] && HEALTH=$rps
    printf '%-40s %5s %10.0f %9s %9s %7.0f%% %s\n' "$(name "$p")" "$c" "$rps" "$p50" "$p99" \
      "$(awk -v a="$rps" -v b="$HEALTH" 'BEGIN { print 100 * a / b }')" "$errors"
  done
done
