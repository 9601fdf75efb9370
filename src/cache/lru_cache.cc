#include "cache/lru_cache.h"

#include <cassert>
#include <cmath>

#include "cache/lru_handle.h"
#include "util/hash.h"
#include "util/mutex.h"
#include "util/thread_annotations.h"

namespace lsmdb {

// One shard: an LRU cache of its own, under its own mutex.
//
// Every entry not yet freed is in exactly one of three states:
//   in_cache && refs == 0: in the table and on the LRU list (evictable);
//   in_cache && refs > 0:  in the table and pinned (on no list);
//   !in_cache && refs > 0: erased, replaced or never admitted, and pinned; freed when the
//                          last handle is released.
// usage_ is the sum of the charges of all three kinds.
//
// The LRU list is circular through the dummy head lru_: lru_.next is the oldest entry,
// lru_.prev the newest. Entries in the high-priority pool form the newest part of the list;
// lru_low_pri_ is the newest entry of the low-priority part (or &lru_ when it is empty), so
// the list reads, oldest first: low pool ... lru_low_pri_, high pool ..., lru_.prev.
class alignas(64) LRUCacheShard {
 public:
  LRUCacheShard() { lru_.next = lru_.prev = &lru_; }
  LRUCacheShard(const LRUCacheShard&) = delete;
  LRUCacheShard& operator=(const LRUCacheShard&) = delete;
  ~LRUCacheShard();

  // Called once, before the shard is shared.
  void Configure(size_t capacity, double high_pri_pool_ratio) EXCLUDES(mu_);

  LRUHandle* Insert(std::string_view key, uint64_t hash, void* value, size_t charge,
                    Cache::Deleter deleter, bool high_pri) EXCLUDES(mu_);
  LRUHandle* Lookup(std::string_view key, uint64_t hash) EXCLUDES(mu_);
  void Release(LRUHandle* e) EXCLUDES(mu_);
  void Erase(std::string_view key, uint64_t hash) EXCLUDES(mu_);
  size_t Usage() const EXCLUDES(mu_);

 private:
  void LRURemoveLocked(LRUHandle* e) REQUIRES(mu_);
  void LRUInsertLocked(LRUHandle* e) REQUIRES(mu_);
  // Demotes the oldest entries of the high pool until it fits its capacity.
  void MaintainPoolSizeLocked() REQUIRES(mu_);
  // Takes e out of the cache after the table dropped it; if nothing pins it, unlinks it
  // and pushes it on *to_free.
  void DetachLocked(LRUHandle* e, LRUHandle** to_free) REQUIRES(mu_);
  // Evicts the oldest unpinned entries while usage_ > capacity_, onto *to_free.
  void EvictLocked(LRUHandle** to_free) REQUIRES(mu_);
  // Frees a list built by DetachLocked/EvictLocked. Called without the mutex, so that
  // deleters never run under it.
  static void FreeList(LRUHandle* list);

  mutable Mutex mu_;
  size_t capacity_ GUARDED_BY(mu_) = 0;
  size_t high_pri_capacity_ GUARDED_BY(mu_) = 0;
  size_t usage_ GUARDED_BY(mu_) = 0;
  size_t high_pri_usage_ GUARDED_BY(mu_) = 0;  // charges of the high pool on the list
  LRUHandle lru_ GUARDED_BY(mu_){};
  LRUHandle* lru_low_pri_ GUARDED_BY(mu_) = &lru_;
  LRUHandleTable table_ GUARDED_BY(mu_);
};

LRUCacheShard::~LRUCacheShard() {
  MutexLock lock(&mu_);
  // Everything left is on the LRU list: the caller released every handle.
  table_.ForEach([](LRUHandle* e) {
    assert(e->refs == 0 && e->in_cache);
    e->in_cache = false;
    LRUHandle::Free(e);
  });
}

void LRUCacheShard::Configure(size_t capacity, double high_pri_pool_ratio) {
  MutexLock lock(&mu_);
  capacity_ = capacity;
  high_pri_capacity_ = static_cast<size_t>(static_cast<double>(capacity) * high_pri_pool_ratio);
}

void LRUCacheShard::LRURemoveLocked(LRUHandle* e) {
  if (lru_low_pri_ == e) {
    lru_low_pri_ = e->prev;
  }
  e->next->prev = e->prev;
  e->prev->next = e->next;
  e->next = e->prev = nullptr;
  if (e->in_high_pri_pool) {
    high_pri_usage_ -= e->charge;
    e->in_high_pri_pool = false;
  }
}

void LRUCacheShard::LRUInsertLocked(LRUHandle* e) {
  if (e->high_pri && high_pri_capacity_ > 0) {
    // Newest of the high pool: the head of the whole list.
    e->next = &lru_;
    e->prev = lru_.prev;
    e->in_high_pri_pool = true;
    high_pri_usage_ += e->charge;
  } else {
    // Newest of the low pool: just after lru_low_pri_.
    e->next = lru_low_pri_->next;
    e->prev = lru_low_pri_;
    e->in_high_pri_pool = false;
    lru_low_pri_ = e;
  }
  e->prev->next = e;
  e->next->prev = e;
  MaintainPoolSizeLocked();
}

void LRUCacheShard::MaintainPoolSizeLocked() {
  while (high_pri_usage_ > high_pri_capacity_) {
    // The oldest high-pool entry follows lru_low_pri_; it becomes the newest low one.
    lru_low_pri_ = lru_low_pri_->next;
    assert(lru_low_pri_ != &lru_ && lru_low_pri_->in_high_pri_pool);
    lru_low_pri_->in_high_pri_pool = false;
    high_pri_usage_ -= lru_low_pri_->charge;
  }
}

void LRUCacheShard::DetachLocked(LRUHandle* e, LRUHandle** to_free) {
  assert(e->in_cache);
  e->in_cache = false;
  if (e->refs == 0) {
    LRURemoveLocked(e);
    usage_ -= e->charge;
    e->next = *to_free;
    *to_free = e;
  }
}

void LRUCacheShard::EvictLocked(LRUHandle** to_free) {
  while (usage_ > capacity_ && lru_.next != &lru_) {
    LRUHandle* old = lru_.next;
    LRUHandle* removed = table_.Remove(old->key(), old->hash);
    assert(removed == old);
    (void)removed;
    DetachLocked(old, to_free);
  }
}

void LRUCacheShard::FreeList(LRUHandle* list) {
  while (list != nullptr) {
    LRUHandle* next = list->next;
    list->next = nullptr;
    LRUHandle::Free(list);
    list = next;
  }
}

LRUHandle* LRUCacheShard::Insert(std::string_view key, uint64_t hash, void* value, size_t charge,
                                 Cache::Deleter deleter, bool high_pri) {
  LRUHandle* e = LRUHandle::New(key, hash, value, charge, deleter, high_pri);
  e->refs = 1;  // the caller's handle
  LRUHandle* to_free = nullptr;
  {
    MutexLock lock(&mu_);
    usage_ += charge;
    if (capacity_ > 0) {  // a cache of capacity 0 admits nothing
      e->in_cache = true;
      LRUHandle* old = table_.Insert(e);
      if (old != nullptr) {
        DetachLocked(old, &to_free);
      }
      // e is pinned, so this evicts only older entries.
      EvictLocked(&to_free);
    }
  }
  FreeList(to_free);
  return e;
}

LRUHandle* LRUCacheShard::Lookup(std::string_view key, uint64_t hash) {
  MutexLock lock(&mu_);
  LRUHandle* e = table_.Lookup(key, hash);
  if (e != nullptr) {
    if (e->refs == 0) {
      LRURemoveLocked(e);
    }
    e->refs++;
  }
  return e;
}

void LRUCacheShard::Release(LRUHandle* e) {
  LRUHandle* to_free = nullptr;
  {
    MutexLock lock(&mu_);
    assert(e->refs > 0);
    if (--e->refs > 0) {
      return;
    }
    if (e->in_cache) {
      LRUInsertLocked(e);
      // Pinned entries may have pushed usage past the capacity: settle it now.
      EvictLocked(&to_free);
    } else {
      usage_ -= e->charge;
      e->next = to_free;
      to_free = e;
    }
  }
  FreeList(to_free);
}

void LRUCacheShard::Erase(std::string_view key, uint64_t hash) {
  LRUHandle* to_free = nullptr;
  {
    MutexLock lock(&mu_);
    LRUHandle* e = table_.Remove(key, hash);
    if (e != nullptr) {
      DetachLocked(e, &to_free);
    }
  }
  FreeList(to_free);
}

size_t LRUCacheShard::Usage() const {
  MutexLock lock(&mu_);
  return usage_;
}

// ---- LRUCache ----

int LRUCache::DefaultShardBits(size_t capacity) {
  size_t num_shards = capacity / kMinShardSize;
  int bits = 0;
  while (num_shards > 1 && bits < kMaxDefaultShardBits) {
    num_shards >>= 1;
    bits++;
  }
  return bits;
}

LRUCache::LRUCache(size_t capacity, int num_shard_bits, double high_pri_pool_ratio)
    : capacity_(capacity), num_shard_bits_(num_shard_bits) {
  assert(num_shard_bits >= 0 && num_shard_bits <= kMaxShardBits);
  assert(high_pri_pool_ratio >= 0.0 && high_pri_pool_ratio <= 1.0);
  const size_t num_shards = size_t{1} << num_shard_bits;
  shards_ = std::make_unique<LRUCacheShard[]>(num_shards);
  // Split the capacity exactly: the first (capacity % num_shards) shards get one byte more.
  for (size_t i = 0; i < num_shards; i++) {
    size_t part = capacity / num_shards + (i < capacity % num_shards ? 1 : 0);
    shards_[i].Configure(part, high_pri_pool_ratio);
  }
}

LRUCache::~LRUCache() = default;

LRUCacheShard& LRUCache::ShardFor(uint64_t hash) const {
  // The top bits pick the shard; the table buckets use the low bits.
  size_t index = num_shard_bits_ == 0 ? 0 : static_cast<size_t>(hash >> (64 - num_shard_bits_));
  return shards_[index];
}

Cache::Handle* LRUCache::Insert(std::string_view key, void* value, size_t charge, Deleter deleter,
                                Priority priority) {
  uint64_t hash = Hash64(key);
  LRUHandle* e =
      ShardFor(hash).Insert(key, hash, value, charge, deleter, priority == Priority::kHigh);
  return reinterpret_cast<Handle*>(e);
}

Cache::Handle* LRUCache::Lookup(std::string_view key) {
  uint64_t hash = Hash64(key);
  return reinterpret_cast<Handle*>(ShardFor(hash).Lookup(key, hash));
}

void LRUCache::Release(Handle* handle) {
  LRUHandle* e = reinterpret_cast<LRUHandle*>(handle);
  ShardFor(e->hash).Release(e);
}

void* LRUCache::Value(Handle* handle) {
  // Immutable while pinned: no lock needed.
  return reinterpret_cast<LRUHandle*>(handle)->value;
}

void LRUCache::Erase(std::string_view key) {
  uint64_t hash = Hash64(key);
  ShardFor(hash).Erase(key, hash);
}

uint64_t LRUCache::NewId() { return last_id_.fetch_add(1, std::memory_order_relaxed) + 1; }

size_t LRUCache::TotalCharge() const {
  size_t total = 0;
  const size_t num_shards = size_t{1} << num_shard_bits_;
  for (size_t i = 0; i < num_shards; i++) {
    total += shards_[i].Usage();
  }
  return total;
}

std::shared_ptr<Cache> NewLRUCache(size_t capacity, int num_shard_bits,
                                   double high_pri_pool_ratio) {
  if (num_shard_bits > LRUCache::kMaxShardBits || std::isnan(high_pri_pool_ratio) ||
      high_pri_pool_ratio < 0.0 || high_pri_pool_ratio > 1.0) {
    return nullptr;
  }
  if (num_shard_bits < 0) {
    num_shard_bits = LRUCache::DefaultShardBits(capacity);
  }
  return std::make_shared<LRUCache>(capacity, num_shard_bits, high_pri_pool_ratio);
}

}  // namespace lsmdb
