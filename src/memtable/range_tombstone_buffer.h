// RangeTombstoneBuffer: the range tombstones of one memtable, kept apart from its skip
// list (they are few, and a lookup must see every one that covers its key).
//
// Thread-safety: Add needs one writer at a time (the memtable's); Snapshot and count may
// be called concurrently with it and with each other (a mutex guards the list).
#ifndef LSMDB_MEMTABLE_RANGE_TOMBSTONE_BUFFER_H_
#define LSMDB_MEMTABLE_RANGE_TOMBSTONE_BUFFER_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "util/range_tombstone.h"

namespace lsmdb {

class RangeTombstoneBuffer {
 public:
  explicit RangeTombstoneBuffer(const Comparator* ucmp) : ucmp_(ucmp) {}

  // Ignores an empty range (begin >= end): it deletes nothing.
  void Add(SequenceNumber seq, std::string_view begin, std::string_view end) {
    if (ucmp_->Compare(begin, end) >= 0) return;
    std::lock_guard<std::mutex> l(mu_);
    list_.push_back(RangeTombstone{std::string(begin), std::string(end), seq});
    fragmented_.reset();
    count_.store(list_.size(), std::memory_order_release);
  }

  size_t count() const { return count_.load(std::memory_order_acquire); }

  // Every tombstone added so far.
  std::vector<RangeTombstone> List() const {
    std::lock_guard<std::mutex> l(mu_);
    return list_;
  }

  // The tombstones added so far, fragmented (built once per change); null if none.
  std::shared_ptr<const FragmentedRangeTombstones> Fragmented() const {
    if (count() == 0) return nullptr;
    std::lock_guard<std::mutex> l(mu_);
    if (fragmented_ == nullptr) {
      fragmented_ = std::make_shared<const FragmentedRangeTombstones>(list_, ucmp_);
    }
    return fragmented_;
  }

 private:
  const Comparator* const ucmp_;
  mutable std::mutex mu_;
  std::vector<RangeTombstone> list_;
  mutable std::shared_ptr<const FragmentedRangeTombstones> fragmented_;
  std::atomic<size_t> count_{0};
};

}  // namespace lsmdb

#endif  // LSMDB_MEMTABLE_RANGE_TOMBSTONE_BUFFER_H_
