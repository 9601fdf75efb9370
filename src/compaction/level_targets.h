// LevelTargets: the byte target of each level of a Version, and the base level (the
// level L0 compacts into).
//
// Static targets (level_compaction_dynamic_level_bytes = false): L1 holds
// max_bytes_for_level_base bytes and each deeper level max_bytes_for_level_multiplier
// times the one above; the base level is L1.
//
// Dynamic targets (as RocksDB's level_compaction_dynamic_level_bytes): the largest
// level fixes the shape. Its size divided by the multiplier once per level, going up
// from the last level, is each level's would-be target. The base level starts at the
// first non-empty level and moves up while its would-be target exceeds
// max_bytes_for_level_base; targets then grow by the multiplier from the base level
// down. No target is below max_bytes_for_level_base (no hourglass shape); the levels
// between L0 and the base level get none and stay empty. An empty tree's base level is
// the last level.
//
// Thread-safety: a pure function of its arguments.
#ifndef LSMDB_COMPACTION_LEVEL_TARGETS_H_
#define LSMDB_COMPACTION_LEVEL_TARGETS_H_

#include <array>
#include <cstdint>

#include "lsmdb/options.h"
#include "version/version.h"

namespace lsmdb {

struct LevelTargets {
  int base_level = 1;
  // bytes[level] == 0: the level has no target (L0; levels above the base level).
  std::array<uint64_t, kMaxLevels> bytes{};
};

// Reads only table sizes (not being_compacted): needs no lock.
LevelTargets ComputeLevelTargets(const Options& options, const Version& v);

}  // namespace lsmdb

#endif  // LSMDB_COMPACTION_LEVEL_TARGETS_H_
