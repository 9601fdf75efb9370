// The public Iterator of a DB: turns a merged stream of internal keys into user keys as
// of one sequence number, hiding deleted and overwritten entries, within optional bounds.
#ifndef LSMDB_DB_DB_ITER_H_
#define LSMDB_DB_DB_ITER_H_

#include <any>
#include <atomic>
#include <functional>
#include <memory>

#include "lsmdb/iterator.h"
#include "lsmdb/options.h"
#include "util/internal_iterator.h"
#include "util/internal_key.h"

namespace lsmdb {

class MergeOperator;

// Told about a sample of the seeks of DB iterators: the user key a Seek or SeekForPrev
// landed on, and how many seeks the sample stands for (the DB charges the tables such a
// seek had to position; see SeekBudget).
using SeekSampler = std::function<void(std::string_view user_key, int seeks)>;

// One Seek or SeekForPrev in this many, per thread, is given to the SeekSampler.
inline constexpr int kSeekSamplePeriod = 8;

// internal must yield internal keys ordered by icmp. pin is kept alive as long as the
// iterator (it owns what internal reads from: memtables, a version). options' bounds
// must outlive the iterator. sampler (may be empty) must stay callable as long as the
// iterator lives. live_count (may be null) is decremented when the iterator is destroyed
// (the DB counts its live iterators) and must outlive it. merge_operator (may be null)
// merges the operands of a key (the value shown is the full merge); it must outlive the
// iterator; a failed merge (Corruption), or operands with no operator (NotSupported),
// ends the iteration with that error.
std::unique_ptr<Iterator> NewDBIterator(const InternalKeyComparator* icmp,
                                        std::unique_ptr<InternalIterator> internal,
                                        SequenceNumber sequence, const ReadOptions& options,
                                        std::shared_ptr<const void> pin, SeekSampler sampler = {},
                                        std::atomic<int>* live_count = nullptr,
                                        const MergeOperator* merge_operator = nullptr);

}  // namespace lsmdb

#endif  // LSMDB_DB_DB_ITER_H_
