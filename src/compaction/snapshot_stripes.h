// SnapshotStripes: which versions of a key a compaction must keep.
//
// The live snapshots s1 < s2 < ... < sk and the present (the last sequence) cut the
// sequence numbers into stripes:
//
//   stripe 0: [0, s1]   stripe 1: (s1, s2]   ...   stripe k: (sk, last_sequence]
//
// (without snapshots there is one stripe, [0, last_sequence]). A reader at snapshot S
// sees, of each user key, the newest entry with sequence <= S, so within one stripe only
// the newest entry of a user key is visible to anyone; the older ones of that stripe can
// be dropped. Entries of stripe 0 are visible to every reader: a tombstone there hides
// everything older from everyone, so it may be dropped too when no deeper level holds the
// key (Compaction::IsBaseLevelForKey). A sequence above the last sequence (which should
// not exist) gets a stripe of its own, k + 1, and is kept.
//
// KeyVersionFilter applies the first rule to the entries of a compaction, which arrive
// sorted: user key ascending, then newest first.
//
// Thread-safety: SnapshotStripes is immutable; a KeyVersionFilter belongs to one thread.
#ifndef LSMDB_COMPACTION_SNAPSHOT_STRIPES_H_
#define LSMDB_COMPACTION_SNAPSHOT_STRIPES_H_

#include <cstddef>
#include <vector>

#include "util/internal_key.h"

namespace lsmdb {

class SnapshotStripes {
 public:
  // snapshots: sequence numbers of the live snapshots, in any order, duplicates allowed.
  SnapshotStripes(std::vector<SequenceNumber> snapshots, SequenceNumber last_sequence);

  size_t StripeOf(SequenceNumber seq) const;
  // True if seq is visible to every snapshot and to the present.
  bool InOldestStripe(SequenceNumber seq) const { return seq <= bounds_[0]; }

 private:
  std::vector<SequenceNumber> bounds_;  // ascending, unique; the last is the newest bound
};

class KeyVersionFilter {
 public:
  // stripes must outlive the filter.
  explicit KeyVersionFilter(const SnapshotStripes* stripes) : stripes_(stripes) {}

  // Call once per entry, in compaction order; first_of_user_key is true for the first
  // (newest) entry of each user key. True if a newer value or tombstone of the same user
  // key in the same stripe hides this one from every reader. A merge operand hides
  // nothing: the entries under it (up to a value or tombstone) are what it merges over.
  bool IsHidden(SequenceNumber seq, bool first_of_user_key, bool is_merge = false) {
    const size_t stripe = stripes_->StripeOf(seq);
    if (first_of_user_key || stripe != last_stripe_) shadowed_ = false;
    const bool hidden = shadowed_;
    if (!is_merge) shadowed_ = true;
    last_stripe_ = stripe;
    return hidden;
  }

 private:
  const SnapshotStripes* const stripes_;
  size_t last_stripe_ = 0;
  bool shadowed_ = false;  // a value or tombstone of this key and stripe was seen
};

}  // namespace lsmdb

#endif  // LSMDB_COMPACTION_SNAPSHOT_STRIPES_H_
