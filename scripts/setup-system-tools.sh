#!/usr/bin/env bash
# Install the Debian packages the test suite drives: chromium (Playwright,
# Lighthouse), jing (Atom schema checks), wrk (load on the comment intake) and
# postgresql (the shared comment queue: the tests start a throwaway cluster of
# their own from its binaries, /usr/lib/postgresql/<version>/bin).
# Idempotent: does nothing when all four are already there.
# Never runs `playwright install`: Playwright uses /usr/bin/chromium.
set -euo pipefail

packages=(chromium jing wrk postgresql)

# initdb of any installed PostgreSQL version (Debian keeps them out of PATH).
have_postgresql() {
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v jing >/dev/null 2>&1 || missing+=(jing)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
have_postgresql || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    echo "System tools present: chromium, jing, wrk, postgresql"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-system-tools: missing ${missing[*]} and apt-get is not available;" >&2
    echo "install these packages by hand: ${packages[*]}" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "setup-system-tools: missing ${missing[*]}; installing them needs root" >&2
    echo "and sudo is not available. As root, run:" >&2
    echo "  apt-get update && apt-get install -y ${packages[*]}" >&2
    exit 1
fi

echo "Installing Debian packages: ${missing[*]} (apt-get, about a minute)"
export DEBIAN_FRONTEND=noninteractive
start=$SECONDS
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o Dpkg::Use-Pty=0 "${missing[@]}" </dev/null
echo "Installed ${missing[*]} in $((SECONDS - start)) s"

# Check that what the tests need is really there now.
[ -x /usr/bin/chromium ] || { echo "setup-system-tools: /usr/bin/chromium still missing" >&2; exit 1; }
command -v jing >/dev/null 2>&1 || { echo "setup-system-tools: jing still missing" >&2; exit 1; }
command -v wrk >/dev/null 2>&1 || { echo "setup-system-tools: wrk still missing" >&2; exit 1; }
have_postgresql || { echo "setup-system-tools: PostgreSQL's initdb still missing" >&2; exit 1; }
