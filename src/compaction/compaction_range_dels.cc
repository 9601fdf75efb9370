// How a compaction treats range tombstones. Reads compare sequence numbers, not levels
// (db/range_del_reads.h), so a tombstone hides the same entries wherever it lives:
//
// - The tombstones of the inputs go, unchanged, into the last table the job writes (or a
//   table of tombstones only, whose key range is the smallest key of the inputs: no other
//   table of the output level lies there, since every one overlapping the inputs is one).
// - An input entry of sequence s is dropped when an input tombstone of sequence t > s
//   covers it and no snapshot lies in [s, t): every reader that could see the entry sees
//   the tombstone.
// - A tombstone is dropped when every reader sees it (oldest stripe) and no table outside
//   the inputs, at any level, overlaps its range: then every entry it covers is an input
//   entry, dropped by the rule above, and nothing is left for it to hide.
#include <set>

#include "compaction/compaction_job.h"
#include "compaction/compaction_outputs.h"

namespace lsmdb {

Status CompactionJob::LoadInputRangeTombstones() {
  input_range_dels_.clear();
  for (int which = 0; which < 2; which++) {
    for (const auto& f : c_->inputs(which)) {
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
      for (RangeTombstone& t : list) input_range_dels_.push_back(std::move(t));
    }
  }
  if (!input_range_dels_.empty()) {
    input_range_del_fragments_ = std::make_shared<const FragmentedRangeTombstones>(
        input_range_dels_, icmp_->user_comparator());
  }
  return Status::OK();
}

bool CompactionJob::CoveredByRangeTombstone(std::string_view user_key, SequenceNumber seq) const {
  if (input_range_del_fragments_ == nullptr) return false;
  const FragmentedRangeTombstones::Fragment* f = input_range_del_fragments_->FindFragment(user_key);
  if (f == nullptr) return false;
  // The oldest covering tombstone newer than the entry (seqs are descending).
  SequenceNumber newer = 0;
  for (SequenceNumber t : f->seqs) {
    if (t <= seq) break;
    newer = t;
  }
  return newer != 0 && stripes_.StripeOf(newer) == stripes_.StripeOf(seq);
}

bool CompactionJob::CanDropRangeTombstone(const RangeTombstone& t) const {
  if (!stripes_.InOldestStripe(t.seq)) return false;
  std::set<uint64_t> inputs;
  for (int which = 0; which < 2; which++) {
    for (const auto& f : c_->inputs(which)) inputs.insert(f->number);
  }
  const Comparator* ucmp = icmp_->user_comparator();
  const Version& v = *c_->input_version();
  for (int level = 0; level < v.num_levels(); level++) {
    for (const auto& f : v.files(level)) {
      if (inputs.count(f->number) != 0) continue;
      if (ucmp->Compare(ExtractUserKey(f->smallest), t.end) < 0 &&
          ucmp->Compare(ExtractUserKey(f->largest), t.begin) >= 0) {
        return false;  // may hold entries the tombstone hides
      }
    }
  }
  return true;
}

Status CompactionJob::AddInputRangeTombstones(CompactionOutputs* out) {
  if (input_range_dels_.empty()) return Status::OK();
  std::vector<RangeTombstone> kept;
  for (const RangeTombstone& t : input_range_dels_) {
    if (CanDropRangeTombstone(t)) {
      stats_.dropped_range_deletions++;
    } else {
      kept.push_back(t);
    }
  }
  if (kept.empty()) return Status::OK();
  const std::string* anchor = nullptr;  // the smallest key of the inputs
  for (int which = 0; which < 2; which++) {
    for (const auto& f : c_->inputs(which)) {
      if (anchor == nullptr || icmp_->Compare(f->smallest, *anchor) < 0) anchor = &f->smallest;
    }
  }
  return out->AddRangeTombstones(std::move(kept), *anchor);
}

}  // namespace lsmdb
