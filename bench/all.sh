#!/usr/bin/env bash
# Every figure of issue 14's table, measured by the project's own benchmark commands, RUNS times each (default
# 3), printed as one table with each run's value and the median. Each figure is a ratio against a reference
# measured in the same run of the same command (or a latency), so the table compares across machines better
# than absolute times do. Rows (choose with --only, comma-separated; default all):
#   load     bench-load --rows N (default 1,000,000) --pairs 3: first load ÷ psql \copy rate (the JVM's first pair,
#            and the median over the run's 3 pairs); unchanged re-read ÷ first load
#   engine   bench/engine.sh: engine (100k series × 10 points) ÷ parsing the same CSV
#   alerts   bench/alerts.sh 100: push → webhook p50/p99
#   metrics  bench/metrics.sh N (default 100,000): bytes a series (plain, gzip), scrape plain/gzip, full and
#            incremental render, blocked-thread warnings, longest event-loop lag
#   api      bench/api.sh S 32: req/s of /api/targets, /api/targets/{id}, one series' observations ÷ /health; p99s
# Usage: bench/all.sh [--runs N] [--only load,engine,alerts,metrics,api] [--rows N] [--series N]
#                     [--api-seconds S] [--out DIR] [--table-only]
# Every command's whole output is kept under DIR (default target/bench-all/<UTC time>); the table is printed
# at the end and written to DIR/table.md (--table-only --out DIR prints it again from DIR's logs, running
# nothing). Run on a quiet machine: the commands use every core.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=3
ONLY=load,engine,alerts,metrics,api
ROWS=1000000
SERIES=100000
API_SECONDS=5
OUT=""
TABLE_ONLY=""
GIVEN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; GIVEN="$GIVEN RUNS"; shift 2 ;;
    --only) ONLY="$2"; GIVEN="$GIVEN ONLY"; shift 2 ;;
    --rows) ROWS="$2"; GIVEN="$GIVEN ROWS"; shift 2 ;;
    --series) SERIES="$2"; GIVEN="$GIVEN SERIES"; shift 2 ;;
    --api-seconds) API_SECONDS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --table-only) TABLE_ONLY=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see bench/all.sh --help)" >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer, got: $RUNS" >&2; exit 2; }
for row in ${ONLY//,/ }; do
  case "$row" in load|engine|alerts|metrics|api) ;; *) echo "unknown row in --only: $row" >&2; exit 2 ;; esac
done
if [ -n "$TABLE_ONLY" ]; then
  [ -n "$OUT" ] && [ -d "$OUT" ] || { echo "--table-only needs --out DIR of an earlier run" >&2; exit 2; }
  # the run's settings (runs, rows chosen, --rows, --series), unless given here
  if [ -f "$OUT/params" ]; then
    for kv in $(grep -E '^(RUNS|ONLY|ROWS|SERIES)=' "$OUT/params"); do
      [[ " $GIVEN " == *" ${kv%%=*} "* ]] || declare "$kv"
    done
  fi
else
OUT="${OUT:-target/bench-all/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
printf 'RUNS=%s\nONLY=%s\nROWS=%s\nSERIES=%s\nAPI_SECONDS=%s\n' "$RUNS" "$ONLY" "$ROWS" "$SERIES" "$API_SECONDS" >"$OUT/params"

# Build once (no -o: a fresh machine downloads the dependencies on first use); the scripts then skip theirs.
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
export FINGERPOST_BENCH_SKIP_BUILD=1
CP="target/classes:$(cat target/bench-classpath.txt)"

run_row() { # row run -> the command's output in $OUT/row-run.log (a failed run is kept and reported, not fatal)
  local row=$1 run=$2 log="$OUT/$1-$2.log"
  echo "[$(date -u +%H:%M:%S)] $row, run $run of $RUNS -> $log" >&2
  local start=$SECONDS rc=0
  case "$row" in
    load) java -Xmx2g ${FINGERPOST_JAVA_OPTS:-} -cp "$CP" io.fingerpost.Main bench-load --rows "$ROWS" --pairs 3 >"$log" 2>&1 || rc=$? ;;
    engine) bench/engine.sh >"$log" 2>&1 || rc=$? ;;
    alerts) bench/alerts.sh 100 >"$log" 2>&1 || rc=$? ;;
    metrics) bench/metrics.sh "$SERIES" >"$log" 2>&1 || rc=$? ;;
    api) bench/api.sh "$API_SECONDS" 32 >"$log" 2>&1 || rc=$? ;;
  esac
  echo "exit $rc after $((SECONDS - start)) s" >>"$log"
  [ "$rc" = 0 ] || echo "  $row run $run failed (exit $rc): see $log" >&2
}

# Runs interleaved (every row once, then again), so a burst of load on the machine spreads over the rows.
for run in $(seq 1 "$RUNS"); do
  for row in ${ONLY//,/ }; do run_row "$row" "$run"; done
done
fi

TABLE="$OUT/table.md"
[ -z "$TABLE_ONLY" ] || TABLE=/dev/null
python3 - "$OUT" "$RUNS" "$ONLY" "$ROWS" "$SERIES" <<'EOF' | tee "$TABLE"
import re, statistics, sys
from pathlib import Path

out, runs, only, rows, series = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4], sys.argv[5]

def text(row, run):
    p = out / f"{row}-{run}.log"
    return p.read_text(errors="replace") if p.exists() else None

def find(pattern, t, group=1, scale=1.0):
    m = re.search(pattern, t, re.M)
    return float(m.group(group).replace(",", "")) * scale if m else None

def api_row(t, endpoint):
    # bench/api.sh: "endpoint conns req/s p50_ms p99_ms vs_health%" at 32 connections
    for line in t.splitlines():
        f = line.split()
        if len(f) >= 6 and f[1] == "32" and re.fullmatch(endpoint, f[0]):
            return float(f[2]), float(f[4])
    return None

def jmh(t, name):
    m = re.search(r"^EngineBenchmark\.%s\s.*?\s(?:ss|avgt|thrpt|sample)\s+(?:\d+\s+)?([\d.,]+)" % name, t, re.M)
    return float(m.group(1).replace(",", "")) if m else None

def ratio(a, b):
    return a / b if a is not None and b else None

def api_ratio(t, endpoint):
    h, e = api_row(t, "/health"), api_row(t, endpoint)
    return ratio(e[0], h[0]) if h and e else None

def api_p99(t, endpoint):
    e = api_row(t, endpoint)
    return e[1] if e else None

OBS = r"/api/series/[^/]+/observations"
FIGURES = {
    "load": [
        (f"bench-load {int(rows):,}: first load ÷ \\copy rate", "≥ 0.8×", "%.2f×",
         lambda t: find(r"^first load / \\copy rate: ([\d.]+)", t)),
        # logs from before --pairs have no such line: "not printed" there, not "failed"
        ("… median over 3 pairs in one JVM (pairs 2–3 JIT-warm)", "≥ 0.8×", "%.2f×",
         lambda t: find(r"^first load / \\copy rate over \d+ pairs: median ([\d.]+)", t), "optional"),
        ("unchanged re-read ÷ first load", "≤ 25%", "%.1f%%",
         lambda t: find(r"^unchanged re-read time / first load time: ([\d.]+)%", t)),
        # the same read as the service makes it after a first poll (chunks, by digests); older logs lack it
        ("… by the service's path (chunks)", "≤ 25%", "%.1f%%",
         lambda t: find(r"^unchanged re-read, the service's path / first load time: ([\d.]+)%", t), "optional"),
        # the first row and "unchanged re-read ÷ first load" hold at once only when the re-read is at most
        # 25% ÷ 0.8 of the \copy (a faster first load raises the re-read's share of it); older logs lack it
        ("… unchanged re-read ÷ \\copy (both load wants at once: ≤ 31.25%)", "≤ 31.25%", "%.1f%%",
         lambda t: find(r"^unchanged re-read time / \\copy time: ([\d.]+)%", t), "optional"),
        ("CPU bound of the first load on this machine (JVM + database CPU ÷ cores)", "", "%.2f×",
         lambda t: find(r"^  first load: JVM [\d.]+ \+ database [\d.]+ = [\d.]+ core-s, so at least [\d.]+ s: rate at most ([\d.]+)", t), "optional"),
        ("… without the JIT compiler threads' CPU", "", "%.2f×",
         lambda t: find(r"^  first load: JVM .* without the JIT's [\d.]+ s: at most ([\d.]+)", t), "optional"),
    ],
    "engine": [
        ("engine (100k series × 10) ÷ parse", "≤ 0.25×", "%.2f×",
         lambda t: ratio(jmh(t, "evaluate"), jmh(t, "parseCsv"))),
    ],
    "alerts": [
        ("push → webhook p50, ms", "", "%.1f", lambda t: find(r"^push -> webhook receipt\s+n=\d+ p50=([\d.]+) ms", t)),
        ("push → webhook p99, ms", "≤ 150", "%.1f", lambda t: find(r"^push -> webhook receipt\s+n=\d+ p50=[\d.]+ ms p99=([\d.]+) ms", t)),
    ],
    "metrics": [
        (f"/metrics {int(series):,} series: bytes a series, plain", "≤ 1,500", "%.0f",
         lambda t: find(r"^bytes per series: plain ([\d.]+)", t)),
        ("bytes a series, gzip", "", "%.0f", lambda t: find(r"^bytes per series: plain [\d.]+, gzip ([\d.]+)", t)),
        ("scrape plain, ms", "≤ 1,000", "%.0f", lambda t: find(r"^\d+ series, plain\s+([\d.,]+)", t)),
        ("scrape gzip, ms", "≤ 300", "%.0f", lambda t: find(r"^\d+ series, gzip\s+([\d.,]+)", t)),
        ("scrape plain ÷ a scrape without state", "", "%.1f×", lambda t: find(r"^\d+ series, plain\s+[\d.,]+\s+[\d,]+\s+([\d.]+)", t)),
        ("render every state (start-up only), ms", "", "%.0f", lambda t: find(r"^render, every state \(start-up\): ([\d.,]+) ms", t)),
        ("render refresh, 1% spread, ms", "≤ 1,000", "%.0f", lambda t: find(r"1% of the targets spread ([\d.,]+) ms", t)),
        ("render refresh, one indicator, ms", "", "%.0f", lambda t: find(r"targets changed ([\d.,]+) ms;", t)),
        ("blocked-thread warnings", "0", "%.0f", lambda t: find(r"blocked-thread warnings \(whole run\): (\d+)", t)),
        ("longest event-loop lag in scrapes, ms", "", "%.0f", lambda t: find(r"longest lag during the scrapes ([\d.,]+) ms", t)),
        ("… in the measured plain scrapes (warm-ups left out), ms", "", "%.0f", lambda t: find(r"warm-ups left out\): plain ([\d.,]+) ms", t)),
        ("server CPU a plain scrape, ms", "", "%.0f", lambda t: find(r"^CPU a plain scrape \(raw client\): server ([\d.,]+) ms", t)),
        ("scrape plain, JDK HttpClient as the client, ms", "", "%.0f", lambda t: find(r"^\d+ series, plain, JDK client\s+([\d.,]+)", t)),
    ],
    "api": [
        ("/health req/s at 32 clients (reference)", "", "%.0f", lambda t: (api_row(t, "/health") or (None,))[0]),
        ("/health p99, ms", "", "%.1f", lambda t: api_p99(t, "/health")),
        ("/api/targets req/s ÷ /health", "≥ 50%", "%.0f%%", lambda t: pct(api_ratio(t, "/api/targets"))),
        ("/api/targets p99, ms", "≤ 20", "%.1f", lambda t: api_p99(t, "/api/targets")),
        # the same bytes from a bare Vert.x server (bench-http-reference): what the stack serves of a body that size
        ("/api/targets plain req/s ÷ its bytes from a bare Vert.x server", "", "%.0f%%",
         lambda t: pct(ratio(*[(api_row(t, e) or (None,))[0] for e in ("/api/targets", "/api/targets,same-bytes-bare-vertx")])),
         "optional"),
        ("… that bare server's req/s ÷ /health", "", "%.0f%%",
         lambda t: pct(api_ratio(t, "/api/targets,same-bytes-bare-vertx")), "optional"),
        ("/api/targets with Accept-Encoding: gzip, req/s ÷ /health", "", "%.0f%%",
         lambda t: pct(api_ratio(t, "/api/targets,gzip"))),
        ("/api/targets with Accept-Encoding: gzip, p99, ms", "", "%.1f", lambda t: api_p99(t, "/api/targets,gzip")),
        ("/api/targets/{id} req/s ÷ /health", "≥ 50%", "%.0f%%", lambda t: pct(api_ratio(t, "/api/targets/[^/]+"))),
        ("/api/targets/{id} p99, ms", "≤ 20", "%.1f", lambda t: api_p99(t, "/api/targets/[^/]+")),
        ("one series' observations req/s ÷ /health", "≥ 50%", "%.0f%%", lambda t: pct(api_ratio(t, OBS))),
        ("one series' observations p99, ms", "≤ 20", "%.1f", lambda t: api_p99(t, OBS)),
    ],
}

def pct(r):
    return None if r is None else 100 * r

def fmt(f, v):
    return "failed" if v is None else f % v

head = ["figure"] + [f"run {i}" for i in range(1, runs + 1)] + ["median", "wanted"]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for row in only:
    for name, wanted, f, get, *optional in FIGURES[row]:
        logs = [text(row, r) for r in range(1, runs + 1)]
        values = [None if t is None else get(t) for t in logs]
        got = [v for v in values if v is not None]
        median = statistics.median(got) if got else None
        cells = ["not run" if t is None else "running" if re.search(r"^exit \d+ after", t, re.M) is None
                 else "not printed" if v is None and optional and re.search(r"^exit 0 after", t, re.M)
                 else fmt(f, v) for t, v in zip(logs, values)]
        print("| " + " | ".join([name] + cells + [fmt(f, median) if got else "—", wanted]) + " |")
EOF
echo "logs and table.md in $OUT" >&2
