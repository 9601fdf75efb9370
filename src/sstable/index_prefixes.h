// IndexPrefixes: a compact search aid for a table's index block.
//
// For an index of internal keys under the bytewise order, with one key per restart
// point (the layout TableBuilder writes), it holds for every index key the 8 bytes that
// follow a prefix shared by (nearly) all the index's user keys, as a big-endian integer,
// in one contiguous array. The integers order like the keys (a < b implies f(a) <= f(b)), so a
// binary search over them — integer compares over 8 bytes per entry instead of decoding
// an entry and comparing strings at a new cache line per step — bounds the restart
// points a seek must still compare keys at, usually to a single one.
//
// Thread-safety: immutable after Build(); any number of threads may call Bounds().
#ifndef LSMDB_SSTABLE_INDEX_PREFIXES_H_
#define LSMDB_SSTABLE_INDEX_PREFIXES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/comparator.h"
#include "sstable/block.h"

namespace lsmdb {

class IndexPrefixes {
 public:
  // Builds the aid for index, whose keys comparator orders. Leaves it disabled unless
  // comparator is an InternalKeyComparator over the bytewise order and index is intact
  // with one key per restart point. REQUIRES: index outlives nothing (it is copied).
  void Build(const Block& index, const Comparator* comparator);

  bool enabled() const { return enabled_; }
  // Memory held, in bytes.
  size_t ApproximateMemoryUsage() const { return keys_.capacity() * sizeof(uint64_t); }

  // REQUIRES: enabled() and ikey.size() >= 8. Sets [*first, *last] to the range of
  // restart indexes that holds the last index key < ikey (or 0 when no key is < ikey).
  void Bounds(std::string_view ikey, uint32_t* first, uint32_t* last) const;

 private:
  uint64_t Image(std::string_view user_key) const;

  bool enabled_ = false;
  std::string prefix_;          // shared by the first and the last but one index key
  std::vector<uint64_t> keys_;  // Image() of each index key, in index order
};

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_INDEX_PREFIXES_H_
