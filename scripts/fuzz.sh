#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each; `bash scripts/fuzz.sh 300`).
# A crash or a hang (an input that takes longer than 10 s) fails the run; the input that
# caused it is kept under fuzz/artifacts/<target>/ and can be replayed with
# `cargo fuzz run <target> <file>`.
#
# cargo-fuzz needs a few unstable compiler flags (the sanitizer); this machine has only the
# stable toolchain, so RUSTC_BOOTSTRAP=1 lets that compiler accept them for this build alone.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: bash scripts/fuzz.sh [seconds-per-target]" >&2
  exit 2
fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked --version 0.13.2
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/fuzz/target}"
targets=$(cargo fuzz list)
status=0
for target in $targets; do
  echo "== fuzz $target for ${seconds}s"
  mkdir -p "fuzz/corpus/$target"
  if ! cargo fuzz run "$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
    echo "!! $target failed: see fuzz/artifacts/$target/" >&2
    status=1
  fi
done
exit "$status"
