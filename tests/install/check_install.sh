#!/usr/bin/env bash
# Installs a build into a temporary prefix, then builds and runs tiny programs against
# it: a C++ one through find_package(lsmdb) and through pkg-config (static library), and
# a C one (the C API) through find_package and through pkg-config (shared library).
set -euo pipefail
build=${1:?usage: check_install.sh BUILD_DIR}
src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/lsmdb/db.h"
test -f "$work/prefix/include/lsmdb/c.h"
test -f "$work/prefix/lib/liblsmdb.a" || test -f "$work/prefix/lib/x86_64-linux-gnu/liblsmdb.a"

cmake -S "$src/consumer" -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
libpath="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu"
LD_LIBRARY_PATH="$libpath" "$work/cmake/consumer" "$work/db1"
LD_LIBRARY_PATH="$libpath" "$work/cmake/consumer_c" "$work/db3" >/dev/null

pcdir=$(dirname "$(find "$work/prefix" -name lsmdb.pc | head -1)")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --cflags lsmdb)
libs=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --libs --static lsmdb)
libdir=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --variable=libdir lsmdb)
g++ $flags "$src/consumer/main.cc" -o "$work/consumer_pc" "$libdir/liblsmdb.a" $libs
"$work/consumer_pc" "$work/db2"

# C through pkg-config: the Cflags also carry -std=c++20 for C++ users, so take only -I.
cflags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --cflags-only-I lsmdb)
clibs=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --libs lsmdb)
gcc -std=c11 -Wall -Wextra -Werror -pedantic $cflags "$src/consumer/main.c" -o "$work/consumer_c_pc" $clibs
LD_LIBRARY_PATH="$libpath" "$work/consumer_c_pc" "$work/db4" >/dev/null
echo "install: ok (C++ and C, find_package and pkg-config)"
