// Range tombstones: a DeleteRange(begin, end) at sequence seq hides every entry of every
// user key in [begin, end) whose sequence is below seq, for readers whose snapshot is at
// or above seq.
//
// FragmentedRangeTombstones cuts a set of possibly overlapping tombstones at every begin
// and end into non-overlapping fragments, each with the sequences of the tombstones that
// cover it (descending), so that a lookup is one binary search.
//
// Encoding of a list of tombstones (the range-deletion block, docs/format/sstable.md):
//   block := varint32 count | (varstring begin | varstring end | varint64 seq)*count
//
// Thread-safety: RangeTombstone and FragmentedRangeTombstones are values, immutable once
// built; any number of threads may read one.
#ifndef LSMDB_UTIL_RANGE_TOMBSTONE_H_
#define LSMDB_UTIL_RANGE_TOMBSTONE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/comparator.h"
#include "lsmdb/status.h"
#include "util/internal_iterator.h"
#include "util/internal_key.h"

namespace lsmdb {

struct RangeTombstone {
  std::string begin;  // inclusive
  std::string end;    // exclusive
  SequenceNumber seq = 0;
};

class FragmentedRangeTombstones {
 public:
  struct Fragment {
    std::string begin;
    std::string end;
    std::vector<SequenceNumber> seqs;  // descending, not empty
  };

  FragmentedRangeTombstones() = default;
  // ucmp orders user keys and must outlive this object. Tombstones with begin >= end
  // are ignored.
  FragmentedRangeTombstones(const std::vector<RangeTombstone>& tombstones, const Comparator* ucmp);

  bool empty() const { return fragments_.empty(); }
  const std::vector<Fragment>& fragments() const { return fragments_; }

  // The greatest sequence <= snapshot of a tombstone covering user_key; 0 if none.
  SequenceNumber MaxCoveringSeq(std::string_view user_key, SequenceNumber snapshot) const;
  // The fragment covering user_key, or null.
  const Fragment* FindFragment(std::string_view user_key) const;

 private:
  const Comparator* ucmp_ = nullptr;
  std::vector<Fragment> fragments_;  // sorted, non-overlapping
};

// Appends the encoding of tombstones to *dst.
void EncodeRangeTombstones(const std::vector<RangeTombstone>& tombstones, std::string* dst);
// Parses an encoding. Corruption (without a file name) if it is truncated, has trailing
// bytes, a sequence above kMaxSequenceNumber, or a tombstone with begin >= end (per
// ucmp).
Status DecodeRangeTombstones(std::string_view input, const Comparator* ucmp,
                             std::vector<RangeTombstone>* out);

// Wraps an iterator over internal keys and hides every entry covered (as of snapshot) by
// one of tombstones: an entry of user key k with sequence s is hidden when a tombstone
// with s < seq <= snapshot covers k. Entries newer than snapshot pass (the DB iterator
// ignores them). tombstones may be null (nothing hidden: the wrapper is skipped).
std::unique_ptr<InternalIterator> NewRangeDelFilterIterator(
    std::unique_ptr<InternalIterator> internal,
    std::shared_ptr<const FragmentedRangeTombstones> tombstones, SequenceNumber snapshot);

}  // namespace lsmdb

#endif  // LSMDB_UTIL_RANGE_TOMBSTONE_H_
