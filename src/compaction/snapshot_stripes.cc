#include "compaction/snapshot_stripes.h"

#include <algorithm>

namespace lsmdb {

SnapshotStripes::SnapshotStripes(std::vector<SequenceNumber> snapshots,
                                 SequenceNumber last_sequence)
    : bounds_(std::move(snapshots)) {
  bounds_.push_back(last_sequence);
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
}

size_t SnapshotStripes::StripeOf(SequenceNumber seq) const {
  // The first bound >= seq closes seq's stripe; past the last bound: a stripe of its own.
  return static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), seq) -
                             bounds_.begin());
}

}  // namespace lsmdb
