#!/usr/bin/env bash
# The chair-side app's response times (issue 21; not a test): the median of 200 page API requests
# (GET /api/clients, /api/due on 50 clients) and a 12 MP consultation through the API beside the same
# consultation on the CLI. Prints its figures; record them in docs/benchmarks.md.
# Usage: bench/serve_bench.sh [build dir]
set -euo pipefail
build=${1:-build}
sc=$(cd "$build" && pwd)/bin/shadecast
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
export SHADECAST_TODAY=2026-11-22
for i in $(seq 1 50); do "$sc" client add "c$i" --name "Client $i" --db api.db >/dev/null; done
"$sc" client add cli01 --db cli.db >/dev/null
"$sc" synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --follicles 1200 --hairs 20 --with-chart \
  --size 4000x3000 --jpeg 92 --seed 5 --out p12.jpg --truth p12.json >/dev/null
"$sc" serve --db api.db --port 0 --data-dir data > serve.log &
pid=$!
for _ in $(seq 50); do grep -q http serve.log 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' serve.log); url=${url%/}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for path in /api/clients "/api/due?within=60d"; do
  m=$(for _ in $(seq 200); do curl -s -o /dev/null -w '%{time_total}\n' "$url$path"; done | median)
  awk -v p="$path" -v m="$m" 'BEGIN {printf "GET %-22s median of 200: %.2f ms\n", p, m * 1000}'
done
tok=$(curl -s "$url/api/session" | grep -o '[0-9a-f]\{64\}')
t0=$(date +%s.%N)
up=$(curl -s -X POST -H "X-CSRF-Token: $tok" -H 'Content-Type: image/jpeg' --data-binary @p12.jpg "$url/api/uploads")
id=$(echo "$up" | grep -o 'u[0-9a-f]\{24\}')
t1=$(date +%s.%N)
code=$(curl -s -o consult.json -w '%{http_code}' -X POST -H "X-CSRF-Token: $tok" -H 'Content-Type: application/json' \
  -d "{\"client_id\": \"c1\", \"upload_id\": \"$id\", \"chart_in_frame\": true}" "$url/api/consultations")
t2=$(date +%s.%N)
[ "$code" = 201 ] || { echo "consultation failed ($code): $(head -c 300 consult.json)"; exit 1; }
# A second consultation on the running server (its tables and OpenCV already loaded).
curl -s -o /dev/null -X POST -H "X-CSRF-Token: $tok" -H 'Content-Type: application/json' \
  -d "{\"client_id\": \"c2\", \"upload_id\": \"$id\", \"chart_in_frame\": true}" "$url/api/consultations"
t2b=$(date +%s.%N)
"$sc" consult --client cli01 --image p12.jpg --chart-in-frame --db cli.db --json > cli.json
t3=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v e="$t2b" -v d="$t3" 'BEGIN {
  printf "12 MP consultation: upload %.2f s, API consultation %.2f s (a second one on the warm server %.2f s), CLI consult %.2f s (ratio API/CLI %.2f, warm %.2f)\n",
    b - a, c - b, e - c, d - e, (c - b) / (d - e), (e - c) / (d - e) }'
