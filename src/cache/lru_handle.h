// LRUHandle and LRUHandleTable: the entry of an LRU cache shard and the intrusive hash
// table that finds it by key.
//
// An LRUHandle is one allocation holding the entry's bookkeeping followed by a copy of its
// key, so that a lookup never allocates. The table chains entries through their own
// next_hash field and owns nothing: the shard decides when an entry is freed.
//
// Thread-safety: none; the shard's mutex guards both.
#ifndef LSMDB_CACHE_LRU_HANDLE_H_
#define LSMDB_CACHE_LRU_HANDLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "cache/cache.h"

namespace lsmdb {

struct LRUHandle {
  void* value;
  Cache::Deleter deleter;
  LRUHandle* next_hash;  // chain of the hash table bucket
  LRUHandle* next;       // LRU list neighbours, while on the list (refs == 0 && in_cache)
  LRUHandle* prev;
  size_t charge;
  size_t key_length;
  uint64_t hash;  // Hash64(key)
  uint32_t refs;  // handles held by callers; the cache's own link is in_cache
  bool in_cache;  // reachable from the hash table
  bool high_pri;  // inserted with Priority::kHigh
  bool in_high_pri_pool;

  std::string_view key() const {
    return std::string_view(reinterpret_cast<const char*>(this + 1), key_length);
  }

  // A new entry with refs == 0 and in_cache == false, its key copied after the struct.
  static LRUHandle* New(std::string_view key, uint64_t hash, void* value, size_t charge,
                        Cache::Deleter deleter, bool high_pri);
  // Runs the deleter, then frees the entry. REQUIRES: refs == 0 && !in_cache.
  static void Free(LRUHandle* e);
};

class LRUHandleTable {
 public:
  LRUHandleTable();
  LRUHandleTable(const LRUHandleTable&) = delete;
  LRUHandleTable& operator=(const LRUHandleTable&) = delete;
  ~LRUHandleTable() = default;

  // The entry for key, or null.
  LRUHandle* Lookup(std::string_view key, uint64_t hash) const { return *FindPointer(key, hash); }
  // Adds e; returns the entry of the same key it displaced (now out of the table), or null.
  LRUHandle* Insert(LRUHandle* e);
  // Takes key's entry out of the table and returns it, or null if there was none.
  LRUHandle* Remove(std::string_view key, uint64_t hash);

  // Calls f(e) on every entry; f may free e (the table must be discarded afterwards).
  template <typename F>
  void ForEach(F&& f) {
    for (size_t i = 0; i < length_; i++) {
      LRUHandle* e = buckets_[i];
      while (e != nullptr) {
        LRUHandle* next = e->next_hash;
        f(e);
        e = next;
      }
    }
  }

  size_t size() const { return elems_; }

 private:
  // The slot that points to key's entry, or to the null at the end of its bucket.
  LRUHandle** FindPointer(std::string_view key, uint64_t hash) const;
  void Resize();

  size_t length_;  // number of buckets, a power of two
  size_t elems_;
  std::unique_ptr<LRUHandle*[]> buckets_;
};

}  // namespace lsmdb

#endif  // LSMDB_CACHE_LRU_HANDLE_H_
