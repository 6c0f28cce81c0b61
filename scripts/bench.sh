#!/usr/bin/env bash
# Load benchmark of the public read API (`make bench`; not part of `make test`).
#
# For each corpus (the shared seed corpus, then a generated 10,000-article corpus) it
# starts the help center on a fresh private PostgreSQL, imports the corpus, records the
# bytes of each endpoint's answer, and runs wrk on loopback (-t2 -c64 -d10s) against:
#   - a bare Fiber handler answering those same bytes (the ceiling of this machine),
#   - the real endpoints: GET /api/v1/articles/{slug}, GET /api/v1/articles (first page),
#     GET /api/v1/search?q=... (rotating through the 25 queries of search_dev.jsonl),
#   - the same endpoints with "Cache-Control: no-cache", which the read cache honours,
#     so every request does the database (and search) work,
# and prints throughput, p50/p95/p99 latency, the server's RSS and the ratio to the
# ceiling as a Markdown table. docs/benchmarks.md records the figures.
#
# Environment: DURATION (default 10s), ROUNDS (2), SETTLE (seconds to wait after an
# import, 20), CONNECTIONS (64), THREADS (2), KEEP=1 keeps the work directory.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${SHARED:-$ROOT/../shared}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
SETTLE=${SETTLE:-20}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
CEILING_PORT=${CEILING_PORT:-18099}

if ! command -v wrk >/dev/null; then
  echo "installing wrk..." >&2
  apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

[ -x bin/helpcenter ] || go build -o bin/helpcenter ./cmd/helpcenter
go build -o bin/ceiling ./scripts/ceiling

mkdir -p var/bench
WORK=$(mktemp -d "$ROOT/var/bench/run-XXXXXX")
chmod 755 "$WORK"
SERVER_PID=""
CEILING_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$CEILING_PID" ] && kill "$CEILING_PID" 2>/dev/null && wait "$CEILING_PID" 2>/dev/null || true
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# The wrk script: rotates through the request paths in $WRK_PATHS_FILE (one per line),
# optionally asking for fresh answers (Cache-Control: no-cache, which the read cache
# honours), and prints the figures we need.
cat > "$WORK/bench.lua" <<'LUA'
local paths = {}
local bust = os.getenv("WRK_BUST") == "1"
for line in io.lines(os.getenv("WRK_PATHS_FILE")) do paths[#paths + 1] = line end
local counter = 0
request = function()
  counter = counter + 1
  local p = paths[(counter % #paths) + 1]
  if bust then
    return wrk.format("GET", p, {["Cache-Control"] = "no-cache"})
  end
  return wrk.format("GET", p)
end
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d\n", summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, bad))
end
LUA

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# run NAME BASE_URL PATHS_FILE BUST -> sets R_RPS R_P50 R_P95 R_P99 R_ERR
run_wrk() {
  local out
  out=$(WRK_PATHS_FILE="$3" WRK_BUST="$4" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$WORK/bench.lua" "$2" | grep '^RESULT')
  read -r _ R_RPS R_P50 R_P95 R_P99 R_ERR <<<"$out"
}

start_server() {
  local data=$1
  mkdir -p "$data"; chmod 755 "$data"
  HELPCENTER_DATA_DIR=$data HELPCENTER_ADDR=127.0.0.1:$PORT HELPCENTER_LOG_LEVEL=warn \
    HELPCENTER_API_RATE_LIMIT=1000000000 HELPCENTER_DEMO=false DATABASE_URL= \
    ./bin/helpcenter serve >"$data/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start; log:" >&2; cat "$data/server.log" >&2; exit 1
}

stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

TABLE="$WORK/table.md"
echo "| corpus | endpoint | requests/s | p50 ms | p95 ms | p99 ms | errors | ratio to ceiling | server RSS MB |" >"$TABLE"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|" >>"$TABLE"

bench_corpus() {
  local label=$1 corpus=$2 data=$WORK/$3
  local base=http://127.0.0.1:$PORT
  echo "== $label: importing $(wc -l <"$corpus/articles.jsonl") articles (load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  mkdir -p "$data"; chmod 755 "$data"
  local t0=$SECONDS
  HELPCENTER_DATA_DIR=$data HELPCENTER_LOG_LEVEL=warn DATABASE_URL= ./bin/helpcenter import "$corpus" >&2
  echo "   import took $((SECONDS - t0)) s" >&2
  start_server "$data"
  # Let PostgreSQL's autovacuum finish with the freshly imported tables first: it would
  # otherwise compete for the two cores with the first measurements.
  sleep "$SETTLE"

  # A public article and the search queries of the development set.
  local slug
  slug=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    a=json.loads(l)
    if a["audiences"]==["public"] and len(a["body_md"])>1500: print(a["slug"]); break' "$corpus/articles.jsonl")
  echo "/api/v1/articles/$slug" >"$WORK/slug.txt"
  echo "/api/v1/articles" >"$WORK/list.txt"
  python3 -c 'import json,sys,urllib.parse
for l in open(sys.argv[1]):
    print("/api/v1/search?q=" + urllib.parse.quote(json.loads(l)["query"]))' "$SHARED/data/helpcenter/search_dev.jsonl" >"$WORK/search.txt"
  curl -fsS "$base$(cat "$WORK/slug.txt")" >"$WORK/slug.json"
  curl -fsS "$base/api/v1/articles" >"$WORK/list.json"
  curl -fsS "$base$(head -1 "$WORK/search.txt")" >"$WORK/search.json"

  ./bin/ceiling -addr 127.0.0.1:$CEILING_PORT "/slug=$WORK/slug.json" "/list=$WORK/list.json" "/search=$WORK/search.json" 2>/dev/null &
  CEILING_PID=$!
  sleep 0.5
  # Warm the read cache (and the search statistics) before measuring.
  for name in slug list search; do
    while read -r p; do curl -fsS -o /dev/null "$base$p"; done <"$WORK/$name.txt"
  done

  # Other work on the machine shifts throughput from one second to the next, so the
  # ceiling and the endpoint run back to back, ROUNDS times; the best endpoint round is
  # reported against the best ceiling round (a conservative ratio).
  for spec in "slug:GET /api/v1/articles/{slug}" "list:GET /api/v1/articles (first page)" "search:GET /api/v1/search?q= (25 dev queries)"; do
    local name=${spec%%:*} title=${spec#*:}
    local best_ceiling=0 best=0 best_line=""
    echo "/$name" >"$WORK/ceiling.txt"
    for _ in $(seq 1 "$ROUNDS"); do
      run_wrk "ceiling" "http://127.0.0.1:$CEILING_PORT" "$WORK/ceiling.txt" 0
      local c_line="$R_RPS | $R_P50 | $R_P95 | $R_P99 | $R_ERR"
      if [ "$R_RPS" -gt "$best_ceiling" ]; then best_ceiling=$R_RPS; ceiling_line=$c_line; fi
      run_wrk "$title" "$base" "$WORK/$name.txt" 0
      if [ "$R_RPS" -gt "$best" ]; then best=$R_RPS; best_line="$R_RPS | $R_P50 | $R_P95 | $R_P99 | $R_ERR"; fi
    done
    printf "| %s | ceiling: bare Fiber, same bytes (%d B) | %s | 1.00 | %s |\n" "$label" "$(wc -c <"$WORK/$name.json")" "$ceiling_line" "$(rss_mb $CEILING_PID)" >>"$TABLE"
    printf "| %s | %s | %s | %s | %s |\n" "$label" "$title" "$best_line" \
      "$(awk -v a="$best" -v b="$best_ceiling" 'BEGIN {printf "%.2f", a/b}')" "$(rss_mb $SERVER_PID)" >>"$TABLE"
  done
  kill "$CEILING_PID"; wait "$CEILING_PID" 2>/dev/null || true; CEILING_PID=""

  # The same endpoints asking for fresh answers: every request does the database (and
  # search) work.
  for spec in "slug:GET /api/v1/articles/{slug}" "list:GET /api/v1/articles (first page)" "search:GET /api/v1/search?q= (25 dev queries)"; do
    local name=${spec%%:*} title=${spec#*:}
    run_wrk "$title" "$base" "$WORK/$name.txt" 1
    printf "| %s | %s, uncached | %s | %s | %s | %s | %s | | %s |\n" "$label" "$title" "$R_RPS" "$R_P50" "$R_P95" "$R_P99" "$R_ERR" "$(rss_mb $SERVER_PID)" >>"$TABLE"
  done
  echo "   server peak RSS: $(hwm_mb $SERVER_PID) MB" >&2
  printf "| %s | server peak RSS (VmHWM) | | | | | | | %s |\n" "$label" "$(hwm_mb $SERVER_PID)" >>"$TABLE"
  stop_server
}

bench_corpus "seed (133 articles)" "$SHARED/data/helpcenter" seed
python3 "$SHARED/tools/gen_corpus.py" --articles 10000 --tickets 0 --out "$WORK/corpus10k" --seed 7 >&2
bench_corpus "generated (10,000 articles)" "$WORK/corpus10k" big

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on loopback, best of $ROUNDS rounds; load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(go version | awk '{print $3}'); PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}' || echo '?')"
echo
cat "$TABLE"
