#!/usr/bin/env bash
# Throughput of the comment intake on loopback: a throwaway site, the intake under waitress
# (`dialogue comments serve`, 4 threads), wrk posting distinct comments for a bounded time.
#   benchmarks/intake.sh [DURATION_SECONDS] [CONNECTIONS]
# Client and server share the machine: compare figures only with each other, in one run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
python="${PYTHON:-$repo/.venv/bin/python}"
duration="${1:-5}"
connections="${2:-20}"
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup-system-tools.sh" >&2; exit 2; }

site="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$site"
}
trap cleanup EXIT

cat >"$site/site.yaml" <<YAML
title: Intake benchmark
base_url: https://bench.example/
comments:
  trusted_proxies: [127.0.0.1]
YAML
mkdir -p "$site/public/_dialogue"
cat >"$site/public/_dialogue/posts.json" <<JSON
{"posts": [{"slug": "bench-post", "url": "https://bench.example/2026/11/bench-post/",
  "path": "/2026/11/bench-post/", "title": "Bench", "comments_open": true, "authors": []}]}
JSON

cd "$site"
PYTHONPATH="$repo" "$python" -m comments_moderation.cli comments serve --port 0 >"$site/serve.out" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q "http://" "$site/serve.out" 2>/dev/null && break; sleep 0.1; done
url="$(grep -o 'http://[^ ]*' "$site/serve.out" | head -1)"
[ -n "$url" ] || { cat "$site/serve.out" >&2; exit 1; }

wrk -t2 -c"$connections" -d"${duration}s" -s "$here/intake_post.lua" "$url"
rows="$("$python" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*), sum(status = \"pending\") from comments").fetchone())' "$site/.dialogue/comments.sqlite3")"
echo "queue rows (total, pending): $rows"
