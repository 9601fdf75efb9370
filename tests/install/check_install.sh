#!/usr/bin/env bash
# Installs a build into a temporary prefix, then builds and runs a tiny program against
# it twice: through find_package(lsmdb) and through pkg-config (static library).
set -euo pipefail
build=${1:?usage: check_install.sh BUILD_DIR}
src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/lsmdb/db.h"
test -f "$work/prefix/lib/liblsmdb.a" || test -f "$work/prefix/lib/x86_64-linux-gnu/liblsmdb.a"

cmake -S "$src/consumer" -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu" "$work/cmake/consumer" "$work/db1"

pcdir=$(dirname "$(find "$work/prefix" -name lsmdb.pc | head -1)")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --cflags lsmdb)
libs=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --libs --static lsmdb)
libdir=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --variable=libdir lsmdb)
g++ $flags "$src/consumer/main.cc" -o "$work/consumer_pc" "$libdir/liblsmdb.a" $libs
"$work/consumer_pc" "$work/db2"
echo "install: ok (find_package and pkg-config)"
