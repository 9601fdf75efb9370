#!/usr/bin/env bash
# Fails if a file in src/<layer>/ includes a header of a higher layer (docs/DESIGN.md §2),
# or if a public header includes anything outside include/lsmdb/ and the standard library.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
  [util]="util"
  [io]="io util"
  [wal]="wal io util"
  [memtable]="memtable util"
  [cache]="cache util"
  [sstable]="sstable cache io util"
  [version]="version sstable cache wal memtable io util"
  [compaction]="compaction version sstable cache wal memtable io util"
  [db]="db compaction version sstable cache wal memtable io util"
)
bad=0
for layer in "${!allowed[@]}"; do
  [ -d "src/$layer" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(echo "$line" | sed -E 's/.*#include "([^/"]+)\/.*/\1/')
    case "$inc" in lsmdb|tests) continue ;; esac
    if ! [[ " ${allowed[$layer]} " == *" $inc "* ]]; then
      echo "layering: $file includes from $inc/, above $layer/" >&2
      bad=1
    fi
  done < <(grep -H '#include "[a-z_]*/' src/"$layer"/*.{h,cc} 2>/dev/null | grep -v '_test\.cc:' || true)
done
if grep -H '#include "' include/lsmdb/*.h | grep -v '#include "lsmdb/' ; then
  echo "layering: a public header includes a private one" >&2
  bad=1
fi
if [ $bad -ne 0 ]; then exit 1; fi
echo "layering: ok"
