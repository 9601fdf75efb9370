// Opening a database: the directory, the lock, the MANIFEST, and the replay of the WALs
// the MANIFEST does not cover.
#include <algorithm>
#include <cinttypes>

#include "db/builder.h"
#include "db/db_impl.h"
#include "db/log_link.h"
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
      return Status::InvalidArgument(dbname_,
                                     "is not an lsmdb database (no CURRENT file); "
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
  LogChain chain;
  bool stop = false;
  for (size_t i = 0; i < logs.size() && !stop; i++) {
    s = ReplayLog(logs[i], i >= last_nonempty, &chain, &max_sequence, edit, &stop);
    if (!s.ok()) return s;
  }
  if (!chain.pending_tail.ok()) {
    // No later log holds a record: the damage ends the logs, as a torn last write would.
    info_log_->Log(
        "recovery: dropped a damaged end of %zu bytes that no later write "
        "follows: %s",
        chain.pending_bytes, chain.pending_tail.ToString().c_str());
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

Status DBImpl::ReplayLog(uint64_t log_number, bool last_log, LogChain* chain,
                         SequenceNumber* max_sequence, VersionEdit* edit, bool* stop) {
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
  bool first_record = true;
  bool records_after_damage = false;
  while (reader.ReadRecord(&record, &scratch)) {
    if (!reporter.first_damage.ok()) {
      // A good record after damage: the damage is not a torn tail.
      records_after_damage = true;
      if (mode == WalRecoveryMode::kPointInTimeRecovery) break;
      return reporter.first_damage;
    }
    const uint64_t offset = reader.LastRecordOffset();
    bool is_link = false;
    LogLink link;
    s = DecodeLogLink(record, &is_link, &link);
    if (s.ok() && is_link && !first_record) {
      s = Status::Corruption("a log link that is not the first record");
    }
    if (!s.ok()) {
      reporter.Corruption(offset, record.size(),
                          Status::Corruption(fname, std::string(s.message()) + " at offset " +
                                                        std::to_string(offset)));
      continue;
    }
    if (first_record) {
      first_record = false;
      if (is_link) {
        s = CheckLogLink(fname, link, chain, stop);
        if (!s.ok() || *stop) return s;
        continue;
      }
      // An unlinked log (written before logs had links) after damage: that damage is
      // not at the end of the logs.
      if (!chain->pending_tail.ok()) return chain->pending_tail;
    }
    WriteBatch batch;
    WriteBatchInternal::SetContents(&batch, record);
    s = WriteBatchInternal::InsertInto(&batch, mem.get());
    if (!s.ok()) {
      return Status::Corruption(
          fname, "bad batch at offset " + std::to_string(offset) + ": " + std::string(s.message()));
    }
    records++;
    SequenceNumber last = WriteBatchInternal::Sequence(&batch) + batch.Count() - 1;
    *max_sequence = std::max(*max_sequence, last);
    chain->started = true;
    chain->last = std::max(chain->last, last);
    if (mem->ApproximateMemoryUsage() > options_.write_buffer_size) {
      s = WriteLevel0Table(mem.get(), edit);
      if (!s.ok()) return s;
      mem = std::make_shared<MemTable>(icmp_);
    }
  }
  if (!reader.status().ok()) return reader.status();

  // In the default mode, damage that ends a log that is not the last is judged by the
  // next log's link: past every write the log held (a failed append), or where a power
  // loss cut the logs; either way replay keeps a prefix. An unlinked next log makes it
  // Corruption (ReplayLog of that log).
  const bool tolerant =
      mode == WalRecoveryMode::kTolerateCorruptedTailRecords && !options_.paranoid_checks;
  if (!reporter.first_damage.ok()) {
    // Damage with no good record after it. At the end of the last log this is what a
    // crash in the middle of a write leaves; elsewhere, in strict mode, or with
    // paranoid_checks, it is an error.
    if (mode == WalRecoveryMode::kPointInTimeRecovery) {
      info_log_->Log("recovery: %s: stopping at damage, %zu bytes dropped: %s", fname.c_str(),
                     reporter.dropped, reporter.first_damage.ToString().c_str());
      *stop = true;
    } else if (tolerant && last_log && !records_after_damage) {
      info_log_->Log("recovery: %s: dropped a damaged tail of %zu bytes at offset %" PRIu64,
                     fname.c_str(), reporter.dropped, reporter.damage_offset);
    } else if (tolerant && !records_after_damage) {
      chain->pending_tail = reporter.first_damage;
      chain->pending_bytes = reporter.dropped;
    } else {
      return reporter.first_damage;
    }
  }
  if (reporter.torn) {
    const Status torn = Status::Corruption(
        fname, "incomplete record at offset " + std::to_string(reporter.torn_offset) +
                   (last_log ? " (torn write)" : " in a log that is not the last"));
    if (mode == WalRecoveryMode::kAbsoluteConsistency) return torn;
    if (mode == WalRecoveryMode::kPointInTimeRecovery) {
      if (!last_log) *stop = true;
    } else if (!last_log) {
      if (!tolerant) return torn;
      if (chain->pending_tail.ok()) {
        chain->pending_tail = torn;
        chain->pending_bytes = reporter.torn_bytes;
      }
    }
    if (last_log || *stop) {
      info_log_->Log("recovery: %s: dropped a torn last record of %zu bytes at offset %" PRIu64,
                     fname.c_str(), reporter.torn_bytes, reporter.torn_offset);
    }
  }
  info_log_->Log("recovery: replayed %" PRIu64 " records from %s", records, fname.c_str());
  if (!mem->empty()) s = WriteLevel0Table(mem.get(), edit);
  return s;
}

Status DBImpl::CheckLogLink(const std::string& fname, const LogLink& link, LogChain* chain,
                            bool* stop) {
  // The link names the last write logged before this log began. For the first log
  // replayed, that is in tables if the log it names is older than the MANIFEST's log
  // number; after that, it must have been replayed.
  const bool whole = chain->started ? chain->last >= link.prev_last_sequence
                                    : link.prev_log_number < versions_->log_number();
  if (!whole) {
    const std::string why =
        "follows log #" + std::to_string(link.prev_log_number) + ", written up to sequence " +
        std::to_string(link.prev_last_sequence) + ", but the logs before it end at " +
        (chain->started ? "sequence " + std::to_string(chain->last) : "a missing log");
    if (StrictWal()) return Status::Corruption(fname, why);
    // A power loss took writes of an older log that were never synced (the switch to
    // this log does not sync the old one). Nothing in this log or a later one was synced
    // either (a synced write syncs every log before it), so dropping them keeps a prefix.
    info_log_->Log(
        "recovery: %s %s: unsynced writes were lost; replay stops here, "
        "dropping this log and any later one",
        fname.c_str(), why.c_str());
    chain->pending_tail = Status();
    *stop = true;
    return Status::OK();
  }
  if (!chain->pending_tail.ok()) {
    info_log_->Log(
        "recovery: %s: dropped a damaged end of %zu bytes past every write of "
        "its log: %s",
        fname.c_str(), chain->pending_bytes, chain->pending_tail.ToString().c_str());
    chain->pending_tail = Status();
  }
  if (!chain->started) {
    chain->started = true;
    chain->last = link.prev_last_sequence;
  }
  return Status::OK();
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
    info_log_->Log("flush: table #%" PRIu64 ": %" PRIu64 " entries, %" PRIu64 " bytes", meta.number,
                   meta.num_entries, meta.file_size);
  }
  // The number stays pending until the caller's LogAndApply records the table.
  return s;
}

}  // namespace lsmdb
