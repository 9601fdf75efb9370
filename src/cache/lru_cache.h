// LRUCache: the sharded least-recently-used implementation of Cache (cache/cache.h).
//
// The key space is split into 2^num_shard_bits shards by the top bits of Hash64(key); each
// shard owns an equal part of the capacity, its own mutex, an intrusive hash table and an
// LRU list, so threads that touch different shards never contend.
//
// Within a shard an entry is either pinned (some Handle holds it) or on the LRU list; only
// entries on the list can be evicted. The list has two pools: the newest part holds entries
// inserted with Priority::kHigh, up to high_pri_pool_ratio of the shard's capacity; the
// rest holds low-priority entries and high-priority ones pushed out of a full high pool.
// Eviction takes the oldest entry of the low pool first, so a scan of low-priority blocks
// cannot flush the index and filter blocks while their pool has room.
//
// Charges: TotalCharge counts every entry the cache has not yet freed, including entries
// erased or replaced while still pinned. An Insert may take the total past the capacity
// when too much is pinned to evict; the excess is evicted as soon as it is released.
// A capacity of 0 retains nothing: Insert returns a working handle on an entry that no
// Lookup finds and that is freed on Release.
//
// Thread-safety: every method of the Cache interface is safe to call concurrently.
#ifndef LSMDB_CACHE_LRU_CACHE_H_
#define LSMDB_CACHE_LRU_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "cache/cache.h"

namespace lsmdb {

class LRUCacheShard;

class LRUCache final : public Cache {
 public:
  // REQUIRES: 0 <= num_shard_bits <= kMaxShardBits, 0 <= high_pri_pool_ratio <= 1
  // (NewLRUCache checks these for callers).
  LRUCache(size_t capacity, int num_shard_bits, double high_pri_pool_ratio);
  // REQUIRES: no handle is still pinned.
  ~LRUCache() override;

  Handle* Insert(std::string_view key, void* value, size_t charge, Deleter deleter,
                 Priority priority = Priority::kLow) override;
  Handle* Lookup(std::string_view key) override;
  void Release(Handle* handle) override;
  void* Value(Handle* handle) override;
  void Erase(std::string_view key) override;
  uint64_t NewId() override;
  size_t TotalCharge() const override;
  size_t Capacity() const override { return capacity_; }

  int num_shard_bits() const { return num_shard_bits_; }

  // Above 2^19 shards the per-shard overhead dwarfs any benefit.
  static constexpr int kMaxShardBits = 19;
  // The default picks one shard per this many bytes of capacity, at most 2^6 shards.
  static constexpr size_t kMinShardSize = 512 * 1024;
  static constexpr int kMaxDefaultShardBits = 6;
  static int DefaultShardBits(size_t capacity);

 private:
  LRUCacheShard& ShardFor(uint64_t hash) const;

  const size_t capacity_;
  const int num_shard_bits_;
  std::unique_ptr<LRUCacheShard[]> shards_;
  std::atomic<uint64_t> last_id_{0};
};

}  // namespace lsmdb

#endif  // LSMDB_CACHE_LRU_CACHE_H_
