#!/usr/bin/env bash
# Builds release (NDEBUG) shared libraries of LevelDB and RocksDB from Debian 12's own
# source packages, for lsmdb_bench to measure against (docs/PERFORMANCE.md, "Anchors").
#
#   scripts/bench_anchors.sh [leveldb|rocksdb ...]   # default: both
#
# Everything lives in $LSMDB_ANCHORS (default ~/.cache/lsmdb-anchors), outside the
# repository: src/ holds the unpacked source packages, lib/ the built libraries. Nothing
# here is committed. Use the result with
#
#   LD_LIBRARY_PATH=$LSMDB_ANCHORS/lib build/release/tools/bench/lsmdb_bench --engine=all
#
# The built libraries keep Debian's sonames (libleveldb.so.1d, librocksdb.so.7.8), so the
# lsmdb_bench linked against Debian's packages loads them in place of /lib's. lsmdb_bench
# reports in each section header which build it loaded and whether it has assertions.
#
# Needs root to add a deb-src entry (only if none exists) and to run apt-get update.
# RocksDB takes a long time on 2 cores; the build runs under nice -n 19 with -j2
# (LSMDB_ANCHORS_JOBS overrides). Not run in CI.
set -euo pipefail

ANCHORS="${LSMDB_ANCHORS:-$HOME/.cache/lsmdb-anchors}"
JOBS="${LSMDB_ANCHORS_JOBS:-2}"
engines=("$@")
[ ${#engines[@]} -eq 0 ] && engines=(leveldb rocksdb)

log() { echo "bench_anchors: $*"; }

# apt-get source needs a deb-src line for the release the machine runs (bookworm).
ensure_deb_src() {
  if grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return
  fi
  local f=/etc/apt/sources.list.d/lsmdb-deb-src.sources
  log "adding $f (deb-src for bookworm)"
  cat >"$f" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get update -qq
}

# Unpacks the Debian source package $1 (with Debian's patches applied) under src/.
fetch_source() {
  local pkg=$1
  mkdir -p "$ANCHORS/src"
  local dir
  dir=$(find "$ANCHORS/src" -maxdepth 1 -type d -name "$pkg-*" | head -n1)
  if [ -z "$dir" ]; then
    (cd "$ANCHORS/src" && apt-get source -qq "$pkg" >/dev/null)
    dir=$(find "$ANCHORS/src" -maxdepth 1 -type d -name "$pkg-*" | head -n1)
  fi
  [ -n "$dir" ] || { log "no source for $pkg"; exit 1; }
  echo "$dir"
}

# Copies the built shared libraries (the real file and its soname links) into lib/.
install_libs() {
  local build=$1 name=$2
  mkdir -p "$ANCHORS/lib"
  find "$build" -maxdepth 1 -name "lib$name.so*" -exec cp -P {} "$ANCHORS/lib/" \;
  ls -l "$ANCHORS/lib" | grep "lib$name" || { log "no lib$name built"; exit 1; }
}

build_leveldb() {
  local src build
  src=$(fetch_source leveldb)
  build="$ANCHORS/build/leveldb"
  log "building LevelDB from $src"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
    -DLEVELDB_BUILD_TESTS=OFF -DLEVELDB_BUILD_BENCHMARKS=OFF -DLEVELDB_INSTALL=OFF >/dev/null
  nice -n 19 cmake --build "$build" -j"$JOBS" --target leveldb
  install_libs "$build" leveldb
}

build_rocksdb() {
  local src build
  src=$(fetch_source rocksdb)
  build="$ANCHORS/build/rocksdb"
  log "building RocksDB from $src (long)"
  # The codecs Debian's build links (snappy, zlib, bz2, lz4, zstd); no tests or tools.
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPORTABLE=ON \
    -DFAIL_ON_WARNINGS=OFF -DWITH_TESTS=OFF -DWITH_TOOLS=OFF -DWITH_CORE_TOOLS=OFF \
    -DWITH_BENCHMARK_TOOLS=OFF -DWITH_GFLAGS=OFF -DWITH_SNAPPY=ON -DWITH_ZLIB=ON \
    -DWITH_BZ2=ON -DWITH_LZ4=ON -DWITH_ZSTD=ON -DROCKSDB_BUILD_SHARED=ON \
    -DWITH_LIBURING=OFF >/dev/null
  nice -n 19 cmake --build "$build" -j"$JOBS" --target rocksdb-shared
  install_libs "$build" rocksdb
}

ensure_deb_src
for e in "${engines[@]}"; do
  case "$e" in
  leveldb) build_leveldb ;;
  rocksdb) build_rocksdb ;;
  *) log "unknown engine '$e' (leveldb, rocksdb)"; exit 2 ;;
  esac
done
# A release library must not import the assertion handler.
for f in "$ANCHORS"/lib/*.so.*; do
  [ -L "$f" ] && continue
  if nm -D "$f" | grep -q ' U __assert_fail'; then
    log "WARNING: $f imports __assert_fail (assertions on)"
  fi
done
log "done; run lsmdb_bench with LD_LIBRARY_PATH=$ANCHORS/lib"
