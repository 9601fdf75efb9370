#!/usr/bin/env bash
# Fails if a C or C++ file tracked by git differs from what clang-format (with the
# repository's .clang-format) makes of it. `scripts/check_format.sh --fix` rewrites them.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null; then
  echo "format: clang-format is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*.cc' '*.h' '*.c')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  echo "format: rewrote ${#files[@]} files"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "format: $f is not clang-formatted (run scripts/check_format.sh --fix)" >&2
    bad=1
  fi
done
if [ $bad -ne 0 ]; then exit 1; fi
echo "format: ${#files[@]} files ok"
