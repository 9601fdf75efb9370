#!/usr/bin/env bash
# Installs a build into a temporary prefix, then builds and runs tiny programs against
# it: C++ and C, through find_package(lsmdb) (lsmdb::lsmdb and lsmdb::lsmdb_static, and
# the static library from a C-only project) and through pkg-config (shared and static),
# with the package moved after installing, so that nothing depends on the prefix.
set -euo pipefail
build=${1:?usage: check_install.sh BUILD_DIR}
src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/staging" >/dev/null
mv "$work/staging" "$work/prefix"  # the package must not remember where it was installed
test -f "$work/prefix/include/lsmdb/db.h"
test -f "$work/prefix/include/lsmdb/c.h"
test -f "$work/prefix/lib/liblsmdb.a" || test -f "$work/prefix/lib/x86_64-linux-gnu/liblsmdb.a"
test -f "$work/prefix/share/man/man1/lsmdb.1"

cmake -S "$src/consumer" -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
libpath="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu"
LD_LIBRARY_PATH="$libpath" "$work/cmake/consumer" "$work/db1"
"$work/cmake/consumer_static" "$work/db1s" >/dev/null
LD_LIBRARY_PATH="$libpath" "$work/cmake/consumer_c" "$work/db3" >/dev/null

# lsmdb::lsmdb_static from a project that enables only C.
cmake -S "$src/consumer_c" -B "$work/cmake_c" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake_c" >/dev/null
"$work/cmake_c/consumer_c_static" "$work/db5" >/dev/null

# pkg-config, with no --define-variable: the paths come from the file's own place.
pcdir=$(dirname "$(find "$work/prefix" -name lsmdb.pc | head -1)")
pc() { PKG_CONFIG_PATH="$pcdir" pkg-config "$@" lsmdb; }
test "$(pc --variable=includedir)" -ef "$work/prefix/include"
cxxflags="$(pc --cflags) $(pc --variable=cxxflags)"
libdir=$(pc --variable=libdir)
g++ $cxxflags "$src/consumer/main.cc" -o "$work/consumer_pc" "$libdir/liblsmdb.a" $(pc --libs --static)
"$work/consumer_pc" "$work/db2"

# C through pkg-config: the plain Cflags, shared and static.
gcc -std=c11 -Wall -Wextra -Werror -pedantic $(pc --cflags) "$src/consumer/main.c" \
  -o "$work/consumer_c_pc" $(pc --libs)
LD_LIBRARY_PATH="$libpath" "$work/consumer_c_pc" "$work/db4" >/dev/null
gcc -std=c11 -Wall -Wextra -Werror -pedantic $(pc --cflags) "$src/consumer/main.c" \
  -o "$work/consumer_c_pc_static" "$libdir/liblsmdb.a" $(pc --libs --static)
"$work/consumer_c_pc_static" "$work/db6" >/dev/null
echo "install: ok (C++ and C; find_package shared, static and C-only; pkg-config, relocated)"
