// Background work: flushing immutable memtables to L0 tables, deleting files no live
// version needs, and, with nothing else to do, warming new tables for readers.
#include <cinttypes>
#include <string>

#include "db/db_impl.h"
#include "version/filename.h"

namespace lsmdb {

void DBImpl::BackgroundThread() {
  MutexLock l(&mu_);
  while (!shutting_down_) {
    if (ShouldAutoResume()) {
      AutoResume();
      continue;
    }
    if (NeedsFlush()) {
      BackgroundFlush();
      continue;
    }
    if (MaybeRunCompaction()) continue;
    if (WarmNextTable()) continue;
    bg_cv_.Wait();
  }
}

void DBImpl::QueueWarm(uint64_t number) {
  if (warm_queue_.size() >= kMaxWarmQueue) warm_queue_.pop_front();
  warm_queue_.push_back(number);
}

bool DBImpl::WarmNextTable() {
  // The file of a table in the current version, or null.
  auto find_live = [this](uint64_t number) { return versions_->current()->FileByNumber(number); };
  // Only when no other background work runs either: warming costs a CPU (page table
  // entries and checksums for every byte written), which a flush or compaction, or the
  // foreground writer on a small machine, needs more.
  if (flush_running_ || !imm_.empty() || picker_->NumRunning() > 0) return false;
  while (!warm_queue_.empty() && bg_error_.ok()) {
    const uint64_t number = warm_queue_.front();
    warm_queue_.pop_front();
    const FileMetaData* live = find_live(number);
    if (live == nullptr) continue;  // compacted away before it was read
    // No version is held while warming (that would keep obsolete files on disk past
    // their compaction), so the table may become obsolete meanwhile: then its file is
    // deleted (the open fails, or the table enters the cache after its eviction, which
    // is undone below).
    FileMetaData meta;
    meta.number = live->number;
    meta.file_size = live->file_size;
    meta.smallest = live->smallest;  // the table cache checks the table's identity
    meta.largest = live->largest;
    meta.num_entries = live->num_entries;
    mu_.Unlock();
    table_cache_->Warm(meta);
    mu_.Lock();
    tables_warmed_++;
    if (find_live(number) == nullptr) table_cache_->Evict(number);
    return true;
  }
  return false;
}

bool DBImpl::NeedsFlush() const { return !imm_.empty() && !flush_running_ && bg_error_.ok(); }

void DBImpl::BackgroundFlush() {
  flush_running_ = true;
  Immutable oldest = imm_.back();
  // After this flush, the oldest log still needed is that of the next memtable.
  uint64_t next_log = imm_.size() > 1 ? imm_[imm_.size() - 2].log_number : log_number_;
  VersionEdit edit;
  Status s = WriteLevel0Table(oldest.mem.get(), &edit);
  if (s.ok()) {
    edit.SetLogNumber(next_log);
    s = versions_->LogAndApply(&edit);
  }
  for (const auto& [level, f] : edit.new_files()) pending_outputs_.erase(f.number);
  flush_running_ = false;
  if (s.ok()) {
    imm_.pop_back();
    InstallReadView();
    // Logs whose writes are all in tables now never need their sync.
    std::erase_if(closed_logs_, [&](const ClosedLog& closed) { return closed.number < next_log; });
    RemoveObsoleteFiles();
    for (const auto& [level, f] : edit.new_files()) QueueWarm(f.number);
  } else {
    // The table (if written) is not installed; Resume or Open deletes it.
    RecordBackgroundError(s, "flush of the memtable of WAL #" + std::to_string(oldest.log_number))
        .PermitUncheckedError();
  }
  bg_cv_.SignalAll();
}

void DBImpl::RemoveObsoleteFiles() {
  // After an error the MANIFEST's state on disk is uncertain: delete nothing.
  if (!bg_error_.ok()) return;
  std::set<uint64_t> live = pending_outputs_;
  versions_->AddLiveFiles(&live);
  const uint64_t min_log = versions_->log_number();
  const uint64_t manifest = versions_->manifest_file_number();

  std::vector<std::string> names;
  if (!fs_->GetChildren(dbname_, &names).ok()) return;
  std::vector<std::string> doomed;
  for (const auto& name : names) {
    uint64_t number;
    FileType type;
    if (!ParseFileName(name, &number, &type)) continue;
    bool keep = true;
    switch (type) {
      case FileType::kLogFile:
        keep = number >= min_log || number == log_number_;
        break;
      case FileType::kDescriptorFile:
        keep = number >= manifest;
        break;
      case FileType::kTableFile:
        keep = live.count(number) > 0;
        break;
      case FileType::kTempFile:
        keep = live.count(number) > 0;
        break;
      case FileType::kCurrentFile:
      case FileType::kLockFile:
      case FileType::kInfoLogFile:
        break;
    }
    if (!keep) {
      if (type == FileType::kTableFile) table_cache_->Evict(number);
      doomed.push_back(name);
    }
  }
  if (doomed.empty()) return;
  mu_.Unlock();
  for (const auto& name : doomed) {
    Status s = fs_->RemoveFile(dbname_ + "/" + name);
    if (info_log_) info_log_->Log("delete %s: %s", name.c_str(), s.ToString().c_str());
  }
  mu_.Lock();
}

}  // namespace lsmdb
