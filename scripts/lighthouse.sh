#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) of pages.
#
#   scripts/lighthouse.sh URL...   audit these URLs
#   scripts/lighthouse.sh          build the sample site, serve public/ on
#                                  127.0.0.1 and audit / and the first post
#
# Needs node_modules (npm ci) and /usr/bin/chromium (scripts/setup-system-tools.sh);
# `make lighthouse` sets both up. About 12 s a page.
# Environment:
#   LIGHTHOUSE_FLAGS       extra lighthouse options, e.g. "--preset=desktop"
#   LIGHTHOUSE_REPORT_DIR  keep the JSON reports there (default: a temp dir, removed)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
--disable-background-networking --disable-component-update --disable-sync"

die() { echo "lighthouse.sh: $*" >&2; exit 1; }

[ -x node_modules/.bin/lighthouse ] || die "node_modules/.bin/lighthouse missing: run 'npm ci' (or 'make lighthouse')"
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing: run scripts/setup-system-tools.sh"

tmp="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

report_dir="${LIGHTHOUSE_REPORT_DIR:-$tmp}"
mkdir -p "$report_dir"

urls=("$@")
if [ ${#urls[@]} -eq 0 ]; then
    [ -x .venv/bin/dialogue ] || die ".venv/bin/dialogue missing: run 'make site' first"
    echo "Building the sample site ..."
    .venv/bin/dialogue build >/dev/null 2>"$tmp/build.err" || {
        cat "$tmp/build.err" >&2
        die "dialogue build failed"
    }
    [ -f public/index.html ] || die "public/index.html missing after the build"

    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    python3 -m http.server --bind 127.0.0.1 --directory public "$port" >"$tmp/server.log" 2>&1 &
    server_pid=$!
    base="http://127.0.0.1:$port"
    # Wait (at most 10 s) until the server answers.
    python3 - "$base/" <<'EOF' || die "the server on 127.0.0.1:$port did not start"
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
    urls=("$base/")
    post="$(find public -path 'public/20*' -name index.html -print 2>/dev/null | LC_ALL=C sort | head -n 1)"
    if [ -n "$post" ]; then
        path="${post#public/}"
        urls+=("$base/${path%index.html}")
    else
        echo "lighthouse.sh: no post page (public/20*/**/index.html) found; auditing / only" >&2
    fi
fi

status=0
reports=()
i=0
for url in "${urls[@]}"; do
    i=$((i + 1))
    out="$report_dir/lighthouse-$i.json"
    echo "Lighthouse: $url" >&2
    # shellcheck disable=SC2086  # LIGHTHOUSE_FLAGS is a list of options
    if CHROME_PATH=/usr/bin/chromium npx --no-install lighthouse "$url" \
        --output=json --output-path="$out" --quiet \
        --chrome-flags="$CHROME_FLAGS" ${LIGHTHOUSE_FLAGS:-} 2>"$tmp/lh-$i.err"; then
        reports+=("$url" "$out")
    else
        echo "lighthouse.sh: lighthouse failed for $url:" >&2
        tail -n 20 "$tmp/lh-$i.err" >&2
        status=1
        reports+=("$url" "")
    fi
done

python3 - "${reports[@]}" <<'EOF' || status=1
import json
import sys

args = sys.argv[1:]
cats = [
    ("performance", "perf"),
    ("accessibility", "a11y"),
    ("best-practices", "best-pr"),
    ("seo", "seo"),
]
rows, bad = [], False
for url, path in zip(args[::2], args[1::2]):
    if not path:
        rows.append([url] + ["fail"] * len(cats))
        bad = True
        continue
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    row = [url]
    for key, _ in cats:
        score = report.get("categories", {}).get(key, {}).get("score")
        row.append("n/a" if score is None else str(round(score * 100)))
        bad = bad or score is None
    rows.append(row)
    err = report.get("runtimeError")
    if err:
        print(f"{url}: runtime error: {err.get('code')}: {err.get('message')}", file=sys.stderr)
        bad = True
    for warning in report.get("runWarnings", []):
        print(f"{url}: warning: {warning}", file=sys.stderr)

header = ["URL"] + [short for _, short in cats]
width = max(len(r[0]) for r in rows + [header])
print()
print(f"{header[0]:<{width}}  " + "  ".join(f"{h:>7}" for h in header[1:]))
for r in rows:
    print(f"{r[0]:<{width}}  " + "  ".join(f"{c:>7}" for c in r[1:]))
sys.exit(1 if bad else 0)
EOF

if [ -n "${LIGHTHOUSE_REPORT_DIR:-}" ]; then
    echo "JSON reports in $report_dir" >&2
fi
exit "$status"
