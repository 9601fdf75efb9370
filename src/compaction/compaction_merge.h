// Merge operands in a compaction: the operands of one user key within one snapshot
// stripe (snapshot_stripes.h) are combined as the compaction writes them.
//
//  - a value or tombstone in the same stripe below the operands: FullMerge over it (or
//    over nothing), written as one value at the newest operand's sequence;
//  - the key's last entry reached and no deeper level holds the key: FullMerge over
//    nothing, written as a value;
//  - otherwise (an older stripe, or deeper levels, may hold more): the operands are
//    combined by PartialMerge into one operand at the newest sequence when every pair
//    combines, else written unchanged.
// Every reader (each snapshot and the present) reads the same merge before and after.
#ifndef LSMDB_COMPACTION_COMPACTION_MERGE_H_
#define LSMDB_COMPACTION_COMPACTION_MERGE_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "compaction/compaction_outputs.h"
#include "compaction/snapshot_stripes.h"
#include "lsmdb/merge_operator.h"
#include "util/internal_iterator.h"

namespace lsmdb {

class Compaction;

struct MergeRunResult {
  uint64_t consumed = 0;  // input entries used (the first operand included)
  uint64_t written = 0;   // entries written
};

// Whether a range tombstone of the entry's stripe, newer than the entry, covers it.
using CoveredByRangeDel = std::function<bool(std::string_view user_key, SequenceNumber seq)>;

// REQUIRES: iter is at a merge operand of a key whose newer entries of this stripe were
// all dropped or are absent (it is the newest entry kept). Consumes the run described
// above, leaves iter at the first entry not consumed, and writes the result to out. An
// entry that covered (may be null) says a range tombstone hides ends the run as a
// tombstone would, and is not consumed.
// Errors: Corruption for a bad internal key or a failed merge (naming the operator);
// NotSupported when op is null; out's and iter's errors.
Status CompactMergeRun(InternalIterator* iter, const MergeOperator* op, const Comparator* ucmp,
                       const SnapshotStripes& stripes, Compaction* c, CompactionOutputs* out,
                       const CoveredByRangeDel& covered, MergeRunResult* result);

}  // namespace lsmdb

#endif  // LSMDB_COMPACTION_COMPACTION_MERGE_H_
