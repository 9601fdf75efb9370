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
// A child that fails (becomes !Valid() with a non-OK status) stops contributing entries;
// status() reports the first non-OK status in child order.
//
// Thread-safety: one thread at a time, like every InternalIterator.
#ifndef LSMDB_SSTABLE_MERGING_ITERATOR_H_
#define LSMDB_SSTABLE_MERGING_ITERATOR_H_

#include <memory>
#include <vector>

#include "lsmdb/comparator.h"
#include "util/internal_iterator.h"

namespace lsmdb {

// Merges children, each sorted by comparator, into one sorted iterator. Takes ownership
// of the children. With no child, returns an empty iterator; with one, returns that child.
// REQUIRES: comparator outlives the returned iterator; no child is null.
std::unique_ptr<InternalIterator> NewMergingIterator(
    const Comparator* comparator, std::vector<std::unique_ptr<InternalIterator>> children);

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_MERGING_ITERATOR_H_
