#include "compaction/compaction_outputs.h"

#include <algorithm>

#include "version/filename.h"

namespace lsmdb {

CompactionOutputs::CompactionOutputs(std::string dbname, FileSystem* fs,
                                     const TableOptions& options,
                                     std::function<uint64_t()> new_file_number)
    : dbname_(std::move(dbname)),
      fs_(fs),
      options_(options),
      new_file_number_(std::move(new_file_number)) {}

CompactionOutputs::~CompactionOutputs() { CloseAbandoned(); }

Status CompactionOutputs::Add(std::string_view key, const ParsedInternalKey& parsed,
                              std::string_view value) {
  if (builder_ == nullptr) {
    Status s = OpenTable(key, parsed.sequence);
    if (!s.ok()) return s;
  }
  meta_.smallest_seq = std::min(meta_.smallest_seq, parsed.sequence);
  meta_.largest_seq = std::max(meta_.largest_seq, parsed.sequence);
  meta_.num_entries++;
  if (parsed.type == ValueType::kDeletion) meta_.num_deletions++;
  meta_.largest.assign(key);
  builder_->Add(key, value);
  return builder_->status();
}

Status CompactionOutputs::OpenTable(std::string_view smallest, SequenceNumber seq) {
  meta_ = FileMetaData();
  meta_.number = new_file_number_();
  created_.push_back(meta_.number);
  Status s = fs_->NewWritableFile(TableFileName(dbname_, meta_.number), &file_);
  if (!s.ok()) return s;
  builder_ = std::make_unique<TableBuilder>(options_, file_.get());
  meta_.smallest.assign(smallest);
  meta_.smallest_seq = seq;
  meta_.largest_seq = seq;
  return Status::OK();
}

Status CompactionOutputs::AddRangeTombstones(std::vector<RangeTombstone> tombstones,
                                             std::string_view anchor) {
  if (builder_ == nullptr) {
    Status s = OpenTable(anchor, tombstones.front().seq);
    if (!s.ok()) return s;
    meta_.largest.assign(anchor);
  }
  for (const RangeTombstone& t : tombstones) {
    meta_.smallest_seq = std::min(meta_.smallest_seq, t.seq);
    meta_.largest_seq = std::max(meta_.largest_seq, t.seq);
  }
  meta_.num_range_deletions = tombstones.size();
  builder_->SetRangeTombstones(std::move(tombstones));
  return builder_->status();
}

Status CompactionOutputs::FinishTable() {
  Status s = builder_->Finish();
  if (s.ok()) s = file_->Sync();
  Status c = file_->Close();
  if (s.ok()) s = c;
  if (s.ok()) {
    meta_.file_size = builder_->FileSize();
    files_.push_back(meta_);
  }
  builder_.reset();
  file_.reset();
  return s;
}

void CompactionOutputs::CloseAbandoned() {
  if (builder_ != nullptr) {
    builder_->Abandon();
    builder_.reset();
  }
  if (file_ != nullptr) {
    file_->Close().PermitUncheckedError();
    file_.reset();
  }
}

void CompactionOutputs::RemoveAll() {
  CloseAbandoned();
  for (uint64_t number : created_) {
    fs_->RemoveFile(TableFileName(dbname_, number)).PermitUncheckedError();
  }
  created_.clear();
  files_.clear();
}

uint64_t CompactionOutputs::BytesWritten() const {
  uint64_t sum = 0;
  for (const auto& f : files_) sum += f.file_size;
  return sum;
}

}  // namespace lsmdb
