// NewMergingIterator: one sorted cursor over several sorted cursors (memtables, L0 tables,
// levels), the heart of reads and compactions.
//
// The merged sequence holds every entry of every child, ordered by key; entries with equal
// keys from different children come in child order (lower index first) when moving
// forward, and in exactly the reverse order when moving backward, so that Next and Prev
// always retrace each other. Direction changes re-seek the other children around the
// current key, as LevelDB's merging iterator does. A binary heap of the children picks the
// next entry, so a step costs O(log n) comparisons.
//
// A child that fails (becomes !Valid() with a non-OK status) ends the merge for good: from
// then on it is !Valid() whatever it is asked, and status() is the first error met. (A
// source that cannot be read may hold newer entries hiding what the others would show.)
//
// Thread-safety: one thread at a time, like every InternalIterator.
#ifndef LSMDB_SSTABLE_MERGING_ITERATOR_H_
#define LSMDB_SSTABLE_MERGING_ITERATOR_H_

#include <memory>
#include <vector>

#include "lsmdb/comparator.h"
#include "util/internal_iterator.h"
#include "util/internal_key.h"

namespace lsmdb {

// What the merge may assume about its children.
enum class ChildOrder {
  kAny,
  // The children are the sources of one read, newest first (memtable, immutable
  // memtables, L0 tables newest first, then levels 1, 2, ...), over internal keys: every
  // entry of a user key in a child has a higher sequence number than any entry of that
  // user key in a later child. Then a Seek whose user key a child holds stops there:
  // that entry comes first, so the children after it, and those before it whose
  // MayContainUserKey denies the key, are left unpositioned until the merge moves (one
  // seek of the data a key is in, as a Get, instead of one seek per source).
  kNewestFirst,
};

// Merges children, each sorted by comparator, into one sorted iterator. Takes ownership
// of the children. With no child, returns an empty iterator; with one, returns that child.
// kNewestFirst takes effect only with an InternalKeyComparator.
// REQUIRES: comparator outlives the returned iterator; no child is null; with
// kNewestFirst, the children are ordered as it says.
std::unique_ptr<InternalIterator> NewMergingIterator(
    const Comparator* comparator, std::vector<std::unique_ptr<InternalIterator>> children,
    ChildOrder order = ChildOrder::kAny);
// The same for internal keys, without a dynamic_cast to learn the comparator's type (a
// DB iterator is built per seek in some workloads).
std::unique_ptr<InternalIterator> NewMergingIterator(
    const InternalKeyComparator* icmp, std::vector<std::unique_ptr<InternalIterator>> children,
    ChildOrder order = ChildOrder::kAny);

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_MERGING_ITERATOR_H_
