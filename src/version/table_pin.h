// TablePin: an open table held by the FileMetaData of its file, so that point lookups
// reach the Table without the table cache's hash, mutex and LRU bookkeeping.
//
// The pin is a handle of the table cache's LRU cache, so the pinned table counts against
// the cache's capacity (max_open_files) and cannot be closed while pinned. TableCache
// pins at most TablePinOwner::limit tables at once; the others take the ordinary path.
// A pin is released when its FileMetaData is destroyed (the last Version holding the
// file is gone) or assigned to. Copies start unpinned.
//
// Thread-safety: handle() and TryPin() may be called concurrently; destruction and
// assignment need exclusive access (as for the rest of the FileMetaData).
#ifndef LSMDB_VERSION_TABLE_PIN_H_
#define LSMDB_VERSION_TABLE_PIN_H_

#include <atomic>

#include "cache/cache.h"

namespace lsmdb {

// Owned by a TableCache: the cache pins come from and the count of pins held.
struct TablePinOwner {
  Cache* cache = nullptr;
  int limit = 0;
  std::atomic<int> pins{0};
};

class TablePin {
 public:
  TablePin() = default;
  TablePin(const TablePin&) noexcept {}
  TablePin& operator=(const TablePin&) noexcept {
    Reset();
    return *this;
  }
  ~TablePin() { Reset(); }

  // The pinned cache handle, or null.
  Cache::Handle* handle() const { return handle_.load(std::memory_order_acquire); }

  // Makes the pin hold h, a handle of owner->cache on this file's table. True when it
  // did: the pin now owns that reference. False when another thread pinned first or
  // owner's limit is reached: the caller still owns h.
  bool TryPin(TablePinOwner* owner, Cache::Handle* h) {
    if (owner->pins.fetch_add(1, std::memory_order_relaxed) >= owner->limit) {
      owner->pins.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    owner_.store(owner, std::memory_order_relaxed);  // the same owner from every thread
    Cache::Handle* expected = nullptr;
    if (handle_.compare_exchange_strong(expected, h, std::memory_order_acq_rel)) return true;
    owner->pins.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }

 private:
  void Reset() {
    Cache::Handle* h = handle_.exchange(nullptr, std::memory_order_acq_rel);
    if (h == nullptr) return;
    TablePinOwner* owner = owner_.load(std::memory_order_relaxed);
    owner->cache->Release(h);
    owner->pins.fetch_sub(1, std::memory_order_relaxed);
  }

  std::atomic<Cache::Handle*> handle_{nullptr};
  std::atomic<TablePinOwner*> owner_{nullptr};
};

}  // namespace lsmdb

#endif  // LSMDB_VERSION_TABLE_PIN_H_
