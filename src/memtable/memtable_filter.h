// MemTableFilter: a bloom filter of the user keys added to one memtable, so that a point
// lookup of a key the memtable never saw (most lookups, once the data outgrows the
// memtable) costs one cache line instead of a skip-list search (a dozen or more
// dependent cache misses).
//
// Blocked layout, as the table filters (sstable/bloom_filter.h): a key's probes all fall
// in one 64-byte line chosen by its hash, so Add and MayContain touch one cache line.
// Its size is fixed at construction; as more keys arrive the false-positive rate rises
// but a lookup is never wrong: MayContain is false only for keys never added.
//
// Thread-safety: Add needs external synchronisation (the memtable's single writer);
// MayContain may run concurrently with it and with itself. A key's bits are stored
// before the entry is inserted into the skip list, and readers find entries only
// through a sequence number published after the insert (release/acquire), so a reader
// that can see an entry also sees its bits.
#ifndef LSMDB_MEMTABLE_MEMTABLE_FILTER_H_
#define LSMDB_MEMTABLE_MEMTABLE_FILTER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace lsmdb {

class MemTableFilter {
 public:
  // A filter of bytes rounded down to whole 64-byte lines; below one line it is
  // disabled (MayContain is always true).
  explicit MemTableFilter(size_t bytes);
  MemTableFilter(const MemTableFilter&) = delete;
  MemTableFilter& operator=(const MemTableFilter&) = delete;

  bool enabled() const { return num_lines_ != 0; }
  // Bytes of memory held.
  size_t ApproximateMemoryUsage() const { return num_lines_ * kLineBytes; }

  // Records key. REQUIRES: one caller at a time.
  void Add(std::string_view key);
  // False only if key was never added.
  bool MayContain(std::string_view key) const;

 private:
  static constexpr size_t kLineBytes = 64;
  static constexpr size_t kWordsPerLine = kLineBytes / sizeof(uint64_t);
  static constexpr int kProbes = 6;

  const size_t num_lines_;
  std::unique_ptr<std::atomic<uint64_t>[]> words_;
};

}  // namespace lsmdb

#endif  // LSMDB_MEMTABLE_MEMTABLE_FILTER_H_
