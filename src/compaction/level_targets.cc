#include "compaction/level_targets.h"

#include <algorithm>
#include <limits>

namespace lsmdb {
namespace {

uint64_t ToBytes(double x) {
  constexpr double kMax = static_cast<double>(std::numeric_limits<uint64_t>::max() / 2);
  return x >= kMax ? static_cast<uint64_t>(kMax) : static_cast<uint64_t>(x);
}

}  // namespace

LevelTargets ComputeLevelTargets(const Options& options, const Version& v) {
  LevelTargets t;
  const int n = v.num_levels();
  const double mult = options.max_bytes_for_level_multiplier;
  const uint64_t base_bytes = options.max_bytes_for_level_base;

  if (!options.level_compaction_dynamic_level_bytes) {
    t.base_level = 1;
    double size = static_cast<double>(base_bytes);
    for (int level = 1; level < n; level++) {
      t.bytes[level] = ToBytes(size);
      size *= mult;
    }
    return t;
  }

  int first_non_empty = -1;
  uint64_t max_size = 0;
  for (int level = 1; level < n; level++) {
    const uint64_t size = v.LevelBytes(level);
    if (size > 0 && first_non_empty < 0) first_non_empty = level;
    max_size = std::max(max_size, size);
  }
  if (first_non_empty < 0) {
    // Nothing below L0: L0 compacts straight into the last level.
    t.base_level = n - 1;
    t.bytes[n - 1] = base_bytes;
    return t;
  }

  // The target first_non_empty would get if the last level's target were max_size.
  double cur = static_cast<double>(max_size);
  for (int level = n - 2; level >= first_non_empty; level--) cur /= mult;

  const double base_max = static_cast<double>(base_bytes);
  double base_size;
  t.base_level = first_non_empty;
  if (cur <= base_max / mult) {
    // The data is small: the first non-empty level gets the smallest target allowed.
    base_size = base_max;
  } else {
    while (t.base_level > 1 && cur > base_max) {
      t.base_level--;
      cur /= mult;
    }
    base_size = std::min(cur, base_max);
  }
  double size = base_size;
  for (int level = t.base_level; level < n; level++) {
    if (level > t.base_level) size *= mult;
    t.bytes[level] = ToBytes(std::max(size, base_max));
  }
  return t;
}

}  // namespace lsmdb
