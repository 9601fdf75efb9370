// Cache: a byte-bounded map from keys to values, shared by many threads; the block cache.
//
// An entry is charged a number of bytes when inserted; when the total charge passes the
// capacity, the least recently used entries that no caller holds are evicted. Entries
// inserted with Priority::kHigh (index and filter blocks) are evicted only after every
// low-priority entry that could be, as long as they fit in their pool (see NewLRUCache).
//
// Ownership: Insert and Lookup return a Handle that pins the entry until Release; the
// value stays valid while pinned, even if the entry is erased or evicted meanwhile. The
// deleter runs exactly once, when the entry is gone from the cache and unpinned.
//
// Thread-safety: every method is safe to call concurrently.
#ifndef LSMDB_CACHE_CACHE_H_
#define LSMDB_CACHE_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace lsmdb {

class Cache {
 public:
  struct Handle;  // opaque
  enum class Priority : uint8_t { kLow, kHigh };
  using Deleter = void (*)(std::string_view key, void* value);

  Cache() = default;
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;
  virtual ~Cache() = default;

  // Inserts key -> value (replacing an existing entry) and returns a handle on it.
  // The cache copies the key.
  virtual Handle* Insert(std::string_view key, void* value, size_t charge, Deleter deleter,
                         Priority priority = Priority::kLow) = 0;
  // A handle on the entry for key, or null. Allocates nothing on a hit.
  virtual Handle* Lookup(std::string_view key) = 0;
  // REQUIRES: handle came from this cache and is not yet released.
  virtual void Release(Handle* handle) = 0;
  // REQUIRES: handle is not yet released.
  virtual void* Value(Handle* handle) = 0;
  // Removes key's entry; its value lives on until every handle on it is released.
  virtual void Erase(std::string_view key) = 0;
  // A fresh id, for clients that share the cache to build disjoint keys.
  virtual uint64_t NewId() = 0;
  // Sum of the charges of the entries held (pinned or not).
  virtual size_t TotalCharge() const = 0;
  virtual size_t Capacity() const = 0;
};

// A sharded LRU cache of the given capacity in bytes. num_shard_bits < 0 picks a
// default (capacity / 512 KiB, at most 6 bits). high_pri_pool_ratio is the part of the
// capacity reserved for high-priority entries. Returns null when num_shard_bits > 19 or
// high_pri_pool_ratio is outside [0, 1]. Implemented in cache/lru_cache.cc.
std::shared_ptr<Cache> NewLRUCache(size_t capacity, int num_shard_bits = -1,
                                   double high_pri_pool_ratio = 0.5);

}  // namespace lsmdb

#endif  // LSMDB_CACHE_CACHE_H_
