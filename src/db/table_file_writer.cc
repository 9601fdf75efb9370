#include "db/table_file_writer.h"

#include <algorithm>

#include "version/filename.h"

namespace lsmdb {

TableFileWriter::TableFileWriter(const std::string& dbname, FileSystem* fs,
                                 const TableOptions& options, uint64_t number)
    : fs_(fs), file_name_(TableFileName(dbname, number)) {
  meta_.number = number;
  meta_.smallest_seq = kMaxSequenceNumber;
  open_status_ = fs_->NewWritableFile(file_name_, &file_);
  if (open_status_.ok()) builder_ = std::make_unique<TableBuilder>(options, file_.get());
}

TableFileWriter::~TableFileWriter() {
  if (finished_) return;
  if (builder_) builder_->Abandon();
  if (file_) {
    file_->Close().PermitUncheckedError();
    fs_->RemoveFile(file_name_).PermitUncheckedError();
  }
}

Status TableFileWriter::status() const {
  if (!open_status_.ok()) return open_status_;
  return builder_->status();
}

void TableFileWriter::Add(std::string_view ikey, std::string_view value) {
  if (!open_status_.ok()) return;
  ParsedInternalKey parsed;
  if (!ParseInternalKey(ikey, &parsed)) return;  // the builder reports it too
  if (meta_.num_entries == 0) meta_.smallest.assign(ikey);
  meta_.largest.assign(ikey);
  meta_.smallest_seq = std::min(meta_.smallest_seq, parsed.sequence);
  meta_.largest_seq = std::max(meta_.largest_seq, parsed.sequence);
  meta_.num_entries++;
  if (parsed.type == ValueType::kDeletion) meta_.num_deletions++;
  builder_->Add(ikey, value);
}

Status TableFileWriter::Finish(FileMetaData* meta) {
  Status s = status();
  if (!s.ok()) return s;
  finished_ = true;
  if (meta_.num_entries == 0) {
    builder_->Abandon();
    file_->Close().PermitUncheckedError();
    fs_->RemoveFile(file_name_).PermitUncheckedError();
    *meta = meta_;
    meta->file_size = 0;
    meta->smallest_seq = 0;
    return Status::OK();
  }
  s = builder_->Finish();
  if (s.ok()) s = file_->Sync();
  Status c = file_->Close();
  if (s.ok()) s = c;
  if (!s.ok()) {
    fs_->RemoveFile(file_name_).PermitUncheckedError();
    return s;
  }
  meta_.file_size = builder_->FileSize();
  *meta = meta_;
  return Status::OK();
}

}  // namespace lsmdb
