// Counters of the read path, shared by the tables of one DB and shown by "lsmdb.stats".
//
// Each counter is striped: a thread adds to its own cache line (threads take stripes
// round-robin), so reader threads counting every Get do not bounce one line between
// cores; load() sums the stripes.
//
// Thread-safety: every stripe is atomic; updates use relaxed ordering (they are
// statistics, not synchronisation). load() may miss additions racing with it.
#ifndef LSMDB_UTIL_STATISTICS_H_
#define LSMDB_UTIL_STATISTICS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace lsmdb {

class StripedCounter {
 public:
  void Add(uint64_t n = 1) {
    stripes_[ThisThreadStripe()].value.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t load() const {
    uint64_t sum = 0;
    for (const Stripe& s : stripes_) sum += s.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  static constexpr size_t kStripes = 16;
  struct alignas(64) Stripe {
    std::atomic<uint64_t> value{0};
  };
  static size_t ThisThreadStripe() {
    static std::atomic<size_t> next{0};
    thread_local const size_t stripe = next.fetch_add(1, std::memory_order_relaxed) % kStripes;
    return stripe;
  }
  Stripe stripes_[kStripes];
};

struct ReadStats {
  StripedCounter block_cache_hit;
  StripedCounter block_cache_miss;
  // A data block of a mapped table used in place (neither a cache hit nor a miss).
  StripedCounter block_read_in_place;
  // A point lookup the bloom filter answered "absent" for: a table read avoided.
  StripedCounter bloom_useful;
  // The filter said "maybe present" (true positives and false positives).
  StripedCounter bloom_positive;
  // ... of which the key was not in the table after all.
  StripedCounter bloom_false_positive;
};

}  // namespace lsmdb

#endif  // LSMDB_UTIL_STATISTICS_H_
