#!/usr/bin/env bash
# The two jobs of the README's Quick start.
#   scripts/run.sh shell [PATH]   install what is missing, build, open the lsmdb shell
#   scripts/run.sh test           install what is missing, build, run the whole suite:
#                                 release, the Python package, then ASan+UBSan, then
#                                 the concurrency tests under TSan, then every fuzz
#                                 target for a bounded time
#   scripts/run.sh fuzz [TARGET..] build and run the fuzz targets (FUZZ_SECONDS each)
set -euo pipefail
cd "$(dirname "$0")/.."

job=${1:-}
shift || true
jobs=${LSMDB_JOBS:-$(nproc)}
extra=()
if [ "${CI:-}" = "true" ]; then extra+=(-DLSMDB_WERROR=ON); fi

build() {  # build PRESET [TARGETS...]
  local preset=$1
  shift
  cmake --preset "$preset" "${extra[@]}" >/dev/null
  if [ $# -gt 0 ]; then
    cmake --build --preset "$preset" -j "$jobs" --target "$@"
  else
    cmake --build --preset "$preset" -j "$jobs"
  fi
}

case "$job" in
  shell)
    scripts/setup.sh
    build release lsmdb_cli
    exec build/release/tools/lsmdb "$@"
    ;;
  test)
    scripts/setup.sh
    start=$(date +%s)
    echo "== release build and full suite"
    build release
    ctest --preset release -j "$jobs"
    echo "== layering and format checks"
    scripts/check_layers.sh
    scripts/check_format.sh
    echo "== install and consume the package"
    tests/install/check_install.sh build/release
    echo "== Python package (built against build/release, tests under /usr/bin/python3)"
    LSMDB_JOBS=$jobs /usr/bin/python3 python/build_backend.py --inplace \
      --lib build/release/src/liblsmdb.a
    PYTHONPATH=python /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests
    echo "== ASan+UBSan build and full suite"
    build asan
    ctest --preset asan -j "$jobs"
    echo "== TSan build and concurrency tests"
    build tsan
    ctest --preset tsan -j "$jobs"
    echo "== fuzz targets, ${FUZZ_SECONDS:=10} s each"
    FUZZ_SECONDS=$FUZZ_SECONDS fuzz/build_and_run.sh
    echo "== all passed in $(( $(date +%s) - start )) s"
    ;;
  fuzz)
    scripts/setup.sh
    exec fuzz/build_and_run.sh "$@"
    ;;
  *)
    echo "usage: scripts/run.sh shell [PATH] | test | fuzz [TARGET...]" >&2
    exit 2
    ;;
esac
