#!/usr/bin/env bash
# Browser tests: Debian Chromium driven by playwright-core (npm, pinned), with axe-core, against a
# real `los serve` (not a demo, so the second factor is enforced) on a temporary SQLite database.
# Ends with one plain line "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
here="$root/tests/browser"

summary_printed=false
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -s "$tmp/server.log" ]; then
    echo "-- last lines of the server log:" >&2
    tail -n 30 "$tmp/server.log" >&2 || true
  fi
  rm -rf "$tmp"
  # A failure before the tests ran still ends with the summary line.
  if [ "$summary_printed" = false ]; then echo "0 passed, 1 failed"; fi
  exit "$status"
}
trap cleanup EXIT

echo "-- chromium"
if ! [ -x /usr/bin/chromium ]; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
/usr/bin/chromium --version 2>/dev/null || true

echo "-- node and npm"
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "node and npm are needed (Node.js 20 or newer)" >&2
  exit 1
}
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || { echo "Node.js 20 or newer is needed, found $(node --version)" >&2; exit 1; }
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
if [ -n "${LOS_TEST_BINARY:-}" ] && [ -x "$LOS_TEST_BINARY" ]; then
  # CI has just built it for the integration tests.
  echo "-- los: $LOS_TEST_BINARY"
  los="$LOS_TEST_BINARY"
else
  echo "-- los (debug build)"
  cargo build -p los --locked
  los="$CARGO_TARGET_DIR/debug/los"
fi
db="sqlite://$tmp/los.db"

"$los" --database "$db" demo >/dev/null

port="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
base="http://127.0.0.1:$port"
echo "-- los serve on $base"
# Plain http on loopback, so cookies without Secure; not --demo, so the second factor is enforced.
LOS_SECURE_COOKIES=false "$los" --database "$db" serve --listen "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
    && node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$base/readyz"; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { echo "los serve exited" >&2; exit 1; }
  sleep 0.2
done
node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$base/readyz" \
  || { echo "los serve did not become ready" >&2; exit 1; }

echo "-- browser tests"
status=0
(cd "$here" && node los.spec.js "$base" "$tmp/results.json") || status=$?
if [ -s "$tmp/results.json" ]; then
  # A non-zero exit with no failed step (a crash after the steps) still counts as one failure.
  summary="$(node -p 'const r = require(process.argv[1]); const f = r.failed || (process.argv[2] === "0" ? 0 : 1);
    `${r.passed} passed, ${f} failed`' "$tmp/results.json" "$status")"
else
  summary="0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
summary_printed=true
echo "$summary"
exit "$status"
