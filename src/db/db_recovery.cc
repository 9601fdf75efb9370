// Opening a database: the directory, the lock, the MANIFEST, and the replay of the WALs
// the MANIFEST does not cover.
#include <algorithm>
#include <cinttypes>

#include "db/builder.h"
#include "db/db_impl.h"
#include "db/write_batch_internal.h"
#include "version/filename.h"
#include "wal/log_reader.h"

namespace lsmdb {

Status DBImpl::CheckNewDirectory() {
  // Refuse to scatter files through a directory that holds something else.
  std::vector<std::string> names;
  Status s = fs_->GetChildren(dbname_, &names);
  if (!s.ok()) return s;
  for (const auto& name : names) {
    uint64_t number;
    FileType type;
    if (!ParseFileName(name, &number, &type)) {
      return Status::InvalidArgument(
          dbname_, "is not empty and holds no lsmdb database (found '" + name + "')");
    }
    if (type == FileType::kTableFile || type == FileType::kLogFile) {
      // Data without a CURRENT: creating afresh would delete it as obsolete. (A MANIFEST
      // alone is what a crash while creating the database leaves: it holds no data.)
      return Status::Corruption(dbname_, "holds lsmdb files (" + name +
                                             ") but no CURRENT file; run RepairDB "
                                             "(`lsmdb repair`) to recover them");
    }
  }
  return Status::OK();
}

Status DBImpl::Recover(VersionEdit* edit) {
  if (options_.create_if_missing) {
    Status s = fs_->CreateDirIfMissing(dbname_);
    if (!s.ok()) return s;
  } else if (!fs_->FileExists(dbname_)) {
    return Status::InvalidArgument(dbname_, "does not exist (create_if_missing is false)");
  }
  Status s = fs_->LockFile(LockFileName(dbname_), &db_lock_);
  if (!s.ok()) return s;

  if (!fs_->FileExists(CurrentFileName(dbname_))) {
    if (!options_.create_if_missing) {
      return Status::InvalidArgument(dbname_, "is not an lsmdb database (no CURRENT file); "
                                              "set create_if_missing to create one");
    }
    s = CheckNewDirectory();
    if (s.ok()) s = versions_->CreateNew();
    if (!s.ok()) return s;
  } else if (options_.error_if_exists) {
    return Status::InvalidArgument(dbname_, "exists (error_if_exists is true)");
  }
  info_log_ = InfoLog::Open(fs_, InfoLogFileName(dbname_), OldInfoLogFileName(dbname_));

  s = versions_->Recover();
  if (s.ok() && options_.paranoid_checks) s = CheckLiveTableFiles();
  if (!s.ok()) return s;

  // Logs at or after the MANIFEST's log number hold writes not yet in a table.
  std::vector<std::string> names;
  s = fs_->GetChildren(dbname_, &names);
  if (!s.ok()) return s;
  std::vector<uint64_t> logs;
  for (const auto& name : names) {
    uint64_t number;
    FileType type;
    if (ParseFileName(name, &number, &type)) {
      versions_->MarkFileNumberUsed(number);
      if (type == FileType::kLogFile && number >= versions_->log_number()) {
        logs.push_back(number);
      }
    }
  }
  std::sort(logs.begin(), logs.end());
  // The last log that holds anything: empty logs after it (created just before a crash)
  // do not make its torn tail an interior one.
  size_t last_nonempty = 0;
  for (size_t i = 0; i < logs.size(); i++) {
    uint64_t size = 0;
    if (fs_->GetFileSize(LogFileName(dbname_, logs[i]), &size).ok() && size > 0) {
      last_nonempty = i;
    }
  }
  SequenceNumber max_sequence = versions_->LastSequence();
  bool stop = false;
  for (size_t i = 0; i < logs.size() && !stop; i++) {
    s = ReplayLog(logs[i], i >= last_nonempty, &max_sequence, edit, &stop);
    if (!s.ok()) return s;
  }
  versions_->SetLastSequence(max_sequence);
  return Status::OK();
}

namespace {

class ReplayReporter final : public log::Reader::Reporter {
 public:
  void Corruption(uint64_t offset, size_t bytes, const Status& s) override {
    if (first_damage.ok()) {
      first_damage = s;
      damage_offset = offset;
    }
    dropped += bytes;
  }
  void TornTail(uint64_t offset, size_t bytes) override {
    torn = true;
    torn_offset = offset;
    torn_bytes = bytes;
  }
  Status first_damage;
  uint64_t damage_offset = 0;
  size_t dropped = 0;
  bool torn = false;
  uint64_t torn_offset = 0;
  size_t torn_bytes = 0;
};

}  // namespace

Status DBImpl::ReplayLog(uint64_t log_number, bool last_log, SequenceNumber* max_sequence,
                         VersionEdit* edit, bool* stop) {
  const std::string fname = LogFileName(dbname_, log_number);
  std::unique_ptr<SequentialFile> file;
  Status s = fs_->NewSequentialFile(fname, &file);
  if (!s.ok()) return s;
  ReplayReporter reporter;
  log::Reader reader(file.get(), fname, &reporter);
  const WalRecoveryMode mode = options_.wal_recovery_mode;
  auto mem = std::make_shared<MemTable>(icmp_);
  std::string scratch;
  std::string_view record;
  uint64_t records = 0;
  bool records_after_damage = false;
  while (reader.ReadRecord(&record, &scratch)) {
    if (!reporter.first_damage.ok()) {
      // A good record after damage: the damage is not a torn tail.
      records_after_damage = true;
      if (mode == WalRecoveryMode::kPointInTimeRecovery) break;
      return reporter.first_damage;
    }
    if (record.size() < kWriteBatchHeader) {
      reporter.Corruption(reader.LastRecordOffset(), record.size(),
                          Status::Corruption(fname, "record shorter than a batch header at "
                                                    "offset " +
                                                        std::to_string(reader.LastRecordOffset())));
      continue;
    }
    WriteBatch batch;
    WriteBatchInternal::SetContents(&batch, record);
    s = WriteBatchInternal::InsertInto(&batch, mem.get());
    if (!s.ok()) {
      return Status::Corruption(fname, "bad batch at offset " +
                                           std::to_string(reader.LastRecordOffset()) + ": " +
                                           std::string(s.message()));
    }
    records++;
    SequenceNumber last = WriteBatchInternal::Sequence(&batch) + batch.Count() - 1;
    *max_sequence = std::max(*max_sequence, last);
    if (mem->ApproximateMemoryUsage() > options_.write_buffer_size) {
      s = WriteLevel0Table(mem.get(), edit);
      if (!s.ok()) return s;
      mem = std::make_shared<MemTable>(icmp_);
    }
  }
  if (!reader.status().ok()) return reader.status();

  if (!reporter.first_damage.ok()) {
    // Damage with no good record after it. At the end of the last log this is what a
    // crash in the middle of a write leaves; elsewhere, in strict mode, or with
    // paranoid_checks, it is an error.
    if (mode == WalRecoveryMode::kPointInTimeRecovery) {
      info_log_->Log("recovery: %s: stopping at damage, %zu bytes dropped: %s", fname.c_str(),
                     reporter.dropped, reporter.first_damage.ToString().c_str());
      *stop = true;
    } else if (mode == WalRecoveryMode::kTolerateCorruptedTailRecords && last_log &&
               !records_after_damage && !options_.paranoid_checks) {
      info_log_->Log("recovery: %s: dropped a damaged tail of %zu bytes at offset %" PRIu64,
                     fname.c_str(), reporter.dropped, reporter.damage_offset);
    } else {
      return reporter.first_damage;
    }
  }
  if (reporter.torn) {
    // An old log is synced before the next one is started, so only the last log can
    // end in a torn write.
    const Status torn = Status::Corruption(
        fname, "incomplete record at offset " + std::to_string(reporter.torn_offset) +
                   (last_log ? " (torn write)" : " in a log that is not the last"));
    if (mode == WalRecoveryMode::kAbsoluteConsistency) return torn;
    if (mode == WalRecoveryMode::kPointInTimeRecovery) {
      if (!last_log) *stop = true;
    } else if (!last_log) {
      return torn;
    }
    info_log_->Log("recovery: %s: dropped a torn last record of %zu bytes at offset %" PRIu64,
                   fname.c_str(), reporter.torn_bytes, reporter.torn_offset);
  }
  info_log_->Log("recovery: replayed %" PRIu64 " records from %s", records, fname.c_str());
  if (!mem->empty()) s = WriteLevel0Table(mem.get(), edit);
  return s;
}

Status DBImpl::WriteLevel0Table(MemTable* mem, VersionEdit* edit) {
  FileMetaData meta;
  meta.number = versions_->NewFileNumber();
  pending_outputs_.insert(meta.number);
  const TableOptions topts = MakeTableOptions();
  auto iter = mem->NewIterator();
  mu_.Unlock();
  Status s = BuildTable(dbname_, fs_, topts, iter.get(), &meta);
  if (s.ok() && meta.file_size > 0 && options_.paranoid_checks) s = VerifyNewTable(meta);
  if (s.ok() && meta.file_size > 0) s = fs_->SyncDir(dbname_);
  mu_.Lock();
  if (s.ok() && meta.file_size > 0) {
    edit->AddFile(0, meta);
    counters_.flushes.fetch_add(1, std::memory_order_relaxed);
    counters_.flush_bytes.fetch_add(meta.file_size, std::memory_order_relaxed);
    info_log_->Log("flush: table #%" PRIu64 ": %" PRIu64 " entries, %" PRIu64 " bytes",
                   meta.number, meta.num_entries, meta.file_size);
  }
  // The number stays pending until the caller's LogAndApply records the table.
  return s;
}

}  // namespace lsmdb
