// How a compaction treats range tombstones: every tombstone of the inputs is carried to
// the outputs unchanged, in the last table written (or a table of tombstones only). It
// hides the same entries wherever it lives, since reads compare sequence numbers, not
// levels (db/range_del_reads.h). The entries a tombstone covers are kept as they are:
// dropping them, and the tombstones at the bottom level, is left to a later change.
#include "compaction/compaction_job.h"
#include "compaction/compaction_outputs.h"

namespace lsmdb {

Status CompactionJob::AddInputRangeTombstones(CompactionOutputs* out) {
  std::vector<RangeTombstone> all;
  const std::string* anchor = nullptr;  // the smallest key of the inputs
  for (int which = 0; which < 2; which++) {
    for (const auto& f : c_->inputs(which)) {
      if (anchor == nullptr || icmp_->Compare(f->smallest, *anchor) < 0) anchor = &f->smallest;
      if (f->num_range_deletions == 0) continue;
      std::vector<RangeTombstone> list;
      Status s = table_cache_->GetRangeTombstones(*f, nullptr, &list);
      if (!s.ok()) return s;
      if (list.size() != f->num_range_deletions) {
        return Status::Corruption("compaction " + c_->Summary(),
                                  "table #" + std::to_string(f->number) +
                                      " holds a different number of range tombstones "
                                      "than the MANIFEST says");
      }
      for (RangeTombstone& t : list) all.push_back(std::move(t));
    }
  }
  if (all.empty()) return Status::OK();
  return out->AddRangeTombstones(std::move(all), *anchor);
}

}  // namespace lsmdb
