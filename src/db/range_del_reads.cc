#include "db/range_del_reads.h"

#include <algorithm>

#include "db/db_impl.h"

namespace lsmdb {

std::vector<const FileMetaData*> FilesWithRangeTombstones(const Version& v) {
  std::vector<const FileMetaData*> files;
  for (int level = 0; level < v.num_levels(); level++) {
    for (const auto& f : v.files(level)) {
      if (f->num_range_deletions > 0) files.push_back(f.get());
    }
  }
  return files;
}

bool HasRangeTombstones(const ReadView& view) {
  if (!view.range_del_files.empty() || view.mem->range_tombstones().count() > 0) return true;
  return std::any_of(view.imm.begin(), view.imm.end(),
                     [](const auto& m) { return m->range_tombstones().count() > 0; });
}

Status CollectRangeTombstones(const ReadView& view, TableCache* tables, const Comparator* ucmp,
                              SequenceNumber snapshot,
                              std::shared_ptr<const FragmentedRangeTombstones>* out) {
  out->reset();
  if (!HasRangeTombstones(view)) return Status::OK();
  std::vector<RangeTombstone> all;
  auto take = [&](std::vector<RangeTombstone> list) {
    for (RangeTombstone& t : list) {
      if (t.seq <= snapshot) all.push_back(std::move(t));
    }
  };
  take(view.mem->range_tombstones().List());
  for (const auto& imm : view.imm) take(imm->range_tombstones().List());
  for (const FileMetaData* f : view.range_del_files) {
    std::vector<RangeTombstone> list;
    Status s = tables->GetRangeTombstones(*f, nullptr, &list);
    if (!s.ok()) return s;
    take(std::move(list));
  }
  if (!all.empty()) *out = std::make_shared<const FragmentedRangeTombstones>(all, ucmp);
  return Status::OK();
}

Status MaxCoveringTombstone(const ReadView& view, TableCache* tables, std::string_view user_key,
                            SequenceNumber snapshot, SequenceNumber* seq) {
  *seq = 0;
  auto consider = [&](const std::shared_ptr<const FragmentedRangeTombstones>& f) {
    if (f != nullptr) *seq = std::max(*seq, f->MaxCoveringSeq(user_key, snapshot));
  };
  consider(view.mem->range_tombstones().Fragmented());
  for (const auto& imm : view.imm) consider(imm->range_tombstones().Fragmented());
  for (const FileMetaData* f : view.range_del_files) {
    std::shared_ptr<const FragmentedRangeTombstones> fragmented;
    Status s = tables->GetRangeTombstones(*f, &fragmented);
    if (!s.ok()) return s;
    consider(fragmented);
  }
  return Status::OK();
}

}  // namespace lsmdb
