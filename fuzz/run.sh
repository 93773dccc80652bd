#!/usr/bin/env bash
# Short fuzz run of every target (default 60 s each), from the repository root:
#   fuzz/run.sh            # 60 s per target
#   SECONDS_PER_TARGET=3600 fuzz/run.sh journal   # longer, one target
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Crashes land in fuzz/artifacts/TARGET/; fix them and add the input to
# tests/data/fuzz-regressions/ (tests/props.rs replays every file there).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${SECONDS_PER_TARGET:-60}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(journal project rules spreadsheet)
for t in "${targets[@]}"; do
  [ -f "fuzz/fuzz_targets/$t.rs" ] || { echo "skip $t: no target"; continue; }
  echo "== fuzz $t for ${secs}s"
  # fuzz/corpus/ (not committed) grows as the fuzzer learns; fuzz/seeds/ are the
  # committed starting inputs, taken from the tests' data.
  mkdir -p "fuzz/corpus/$t"
  cargo +nightly fuzz run "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=262144
done
