// Counters of the read path, shared by the tables of one DB and shown by "lsmdb.stats".
//
// Thread-safety: every counter is atomic; updates use relaxed ordering (they are
// statistics, not synchronisation).
#ifndef LSMDB_UTIL_STATISTICS_H_
#define LSMDB_UTIL_STATISTICS_H_

#include <atomic>
#include <cstdint>

namespace lsmdb {

struct ReadStats {
  std::atomic<uint64_t> block_cache_hit{0};
  std::atomic<uint64_t> block_cache_miss{0};
  // A point lookup the bloom filter answered "absent" for: a table read avoided.
  std::atomic<uint64_t> bloom_useful{0};
  // The filter said "maybe present" (true positives and false positives).
  std::atomic<uint64_t> bloom_positive{0};
  // ... of which the key was not in the table after all.
  std::atomic<uint64_t> bloom_false_positive{0};

  static void Add(std::atomic<uint64_t>& c, uint64_t n = 1) {
    c.fetch_add(n, std::memory_order_relaxed);
  }
};

}  // namespace lsmdb

#endif  // LSMDB_UTIL_STATISTICS_H_
