#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, coverage-instrumented library) in
# build/fuzz, regenerates the seed corpora in fuzz/corpus/ from the real encoders, and
# runs every target for FUZZ_SECONDS (default 20) seconds. Exits non-zero if a target
# crashes, leaks, times out or trips a check; the reproducer is left in build/fuzz/findings.
#
#   fuzz/build_and_run.sh [TARGET...]      default: every target
# Environment: FUZZ_SECONDS, FUZZ_JOBS (build parallelism), FUZZ_BUILD_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build/fuzz}
seconds=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-$(nproc)}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(wal_reader block table table_fixup version_edit write_batch db_ops resp_parser)
fi

cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DLSMDB_SANITIZE='address;undefined' \
  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  >/dev/null
cmake --build "$build" -j "$jobs" --target fuzz_seed_gen "${targets[@]/#/fuzz_}"

"$build/fuzz_seed_gen" "$root/fuzz/corpus"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/findings"
failed=()
for t in "${targets[@]}"; do
  seeds=$root/fuzz/corpus/$t
  [ "$t" = table_fixup ] && seeds=$root/fuzz/corpus/table
  work=$build/corpus/$t  # new inputs go here, the committed seeds stay untouched
  mkdir -p "$work"
  log=$build/findings/$t.log
  echo "== $t (${seconds}s)"
  if "$build/fuzz_$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/findings/$t-" \
       "$work" "$seeds" >"$log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$log" | tr '\n' ' '
    echo
  else
    echo "FAILED: see $log"
    tail -n 30 "$log"
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz findings in: ${failed[*]}"
  exit 1
fi
echo "== all fuzz targets ran clean"
