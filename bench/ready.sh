#!/usr/bin/env bash
# Start-up time: seconds from launch to the first 200 of /ready (database up, every feed's first poll done
# and evaluated), each configuration on a fresh data directory (so the embedded PostgreSQL's initdb is
# included), one after the other in the same run; ratios against the first. Also the rated targets then.
# Usage: bench/ready.sh [CONFIG ...]   (a path, or "default" for the bundled default; default: "default")
#   e.g. bench/ready.sh /tmp/old/config.yaml default    # the previous bundled default as the reference
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- default
# Builds what it runs (no -o: a fresh machine downloads the dependencies on first use).
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
PID=
DATA=
cleanup() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null && for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PID" 2>/dev/null || true
  fi
  [ -n "$DATA" ] && rm -rf "$DATA"
  PID=
  DATA=
}
trap cleanup EXIT
REF=
for CONFIG in "$@"; do
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  DATA=$(mktemp -d)
  ARGS=(run)
  [ "$CONFIG" = default ] || ARGS+=(--config "$CONFIG")
  START=$(date +%s.%N)
  FINGERPOST_HTTP_PORT=$PORT FINGERPOST_DATA_DIR="$DATA/data" \
    java -Xmx1g ${FINGERPOST_JAVA_OPTS:-} -cp "target/classes:$(cat target/bench-classpath.txt)" io.fingerpost.Main "${ARGS[@]}" \
    >"$DATA/service.log" 2>&1 &
  PID=$!
  for i in $(seq 1 1200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/ready" || true)" = 200 ] && break
    kill -0 "$PID" 2>/dev/null || { echo "the service exited:" >&2; tail -20 "$DATA/service.log" >&2; exit 1; }
    [ "$i" = 1200 ] && { echo "not ready after 120 s" >&2; tail -20 "$DATA/service.log" >&2; exit 1; }
    sleep 0.1
  done
  END=$(date +%s.%N)
  SECS=$(python3 -c "print(f'{$END - $START:.1f}')")
  RATED=$(curl -s "http://127.0.0.1:$PORT/api/targets" | python3 -c '
import json, sys
t = json.load(sys.stdin)
t = t.get("targets", t) if isinstance(t, dict) else t
rated = sum(1 for x in t if x.get("status") in ("ON_TRACK", "AT_RISK", "OFF_TRACK"))
print(f"{len(t)} targets, {rated} rated")')
  REF=${REF:-$SECS}
  echo "$CONFIG: ready in ${SECS} s ($(python3 -c "print(f'{$SECS / $REF:.2f}')")x the first); $RATED"
  cleanup
done
