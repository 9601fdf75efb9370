// MemTable: the in-memory, sorted buffer of recent updates, a skip list of internal keys
// in an arena.
//
// Each update is one entry, stored in the arena in one allocation together with its
// skip-list node:
//
//   entry := varint32(internal_key_len) | user_key | fixed64(seq << 8 | type)
//            | varint32(value_len) | value
//
// where internal_key_len = user_key.size() + 8. Entries are ordered by the
// InternalKeyComparator: user key ascending, then sequence number descending, so the newest
// update of a key comes first. Entries are never removed; memory is released when the
// MemTable is destroyed.
//
// Thread-safety: Add needs external synchronisation (one writer at a time). Get, NewIterator
// and the iterators it returns, and all the counters may be used concurrently with that
// writer and with each other, without locks.
#ifndef LSMDB_MEMTABLE_MEMTABLE_H_
#define LSMDB_MEMTABLE_MEMTABLE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsmdb/status.h"
#include "memtable/arena.h"
#include "memtable/memtable_filter.h"
#include "memtable/range_tombstone_buffer.h"
#include "memtable/skiplist.h"
#include "util/internal_iterator.h"
#include "util/internal_key.h"

namespace lsmdb {

class MemTable {
 public:
  // The comparator is copied; the user comparator it points to must outlive the MemTable.
  // filter_bytes sizes a bloom filter of the user keys added (MemTableFilter), which lets
  // Get answer "not here" for most keys without searching the skip list; 0 means none.
  // The filter counts in ApproximateMemoryUsage().
  explicit MemTable(const InternalKeyComparator& comparator, size_t filter_bytes = 0);
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;
  ~MemTable();

  // Adds an entry mapping (user_key, seq, type) to value (empty for a deletion). Makes no
  // heap allocation per entry (one arena allocation, except when the arena needs a new
  // block).
  // REQUIRES: one writer at a time (external synchronisation); no entry with the same
  // user_key, seq and type was added before; seq <= kMaxSequenceNumber;
  // user_key.size() + 8 and value.size() fit in 32 bits (the DB rejects larger ones).
  void Add(SequenceNumber seq, ValueType type, std::string_view user_key, std::string_view value);

  // Adds a range tombstone [begin, end) at seq (kept apart from the skip list; counted in
  // num_entries). Same REQUIRES as Add.
  void AddRangeTombstone(SequenceNumber seq, std::string_view begin, std::string_view end);
  // The range tombstones added (see RangeTombstoneBuffer). Thread-safe.
  const RangeTombstoneBuffer& range_tombstones() const { return range_dels_; }

  // Looks up the newest entry of key.user_key() with sequence <= key's sequence. If there
  // is one, returns true and, for a value, stores it in *value and sets *s = OK; for a
  // deletion sets *s = NotFound (leaving *value alone); for a merge operand sets
  // *s = MergeOperandFound() (leaving *value alone: the caller gathers the operands, see
  // IsMergeOperandFound). Returns false, touching neither, if the memtable holds no such
  // entry.
  bool Get(const LookupKey& key, std::string* value, Status* s) const;

  // An iterator over the entries: key() is the internal key, value() the value, both
  // pointing into the arena and valid while the MemTable lives. Seek takes an internal key.
  // The iterator may be used while a writer adds entries; it must not outlive the
  // MemTable.
  std::unique_ptr<InternalIterator> NewIterator() const;

  // Bytes of memory held (arena blocks and bookkeeping). Thread-safe.
  size_t ApproximateMemoryUsage() const {
    return arena_.MemoryUsage() + filter_.ApproximateMemoryUsage();
  }

  // Entries added, and how many of them are deletions. Thread-safe.
  uint64_t num_entries() const { return num_entries_.load(std::memory_order_acquire); }
  uint64_t num_deletes() const { return num_deletes_.load(std::memory_order_relaxed); }
  // The smallest sequence number added, or kMaxSequenceNumber if empty. Thread-safe.
  SequenceNumber first_sequence() const { return first_sequence_.load(std::memory_order_relaxed); }
  bool empty() const { return num_entries() == 0; }

  const InternalKeyComparator& internal_comparator() const { return comparator_.icmp; }

 private:
  // Orders skip-list keys, which point at encoded entries.
  struct KeyComparator {
    InternalKeyComparator icmp;
    int operator()(const char* a, const char* b) const;
  };
  using Table = SkipList<const char*, KeyComparator>;
  class Iterator;

  KeyComparator comparator_;
  MemTableFilter filter_;
  Arena arena_;
  Table table_;
  RangeTombstoneBuffer range_dels_;
  std::atomic<uint64_t> num_entries_{0};
  std::atomic<uint64_t> num_deletes_{0};
  std::atomic<SequenceNumber> first_sequence_{kMaxSequenceNumber};
};

}  // namespace lsmdb

#endif  // LSMDB_MEMTABLE_MEMTABLE_H_
