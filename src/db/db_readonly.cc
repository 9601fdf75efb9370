// DB::OpenForReadOnly: a handle that reads the database as it is and writes nothing -- no
// LOCK, no log, no MANIFEST or CURRENT, no LOG, no deletion, no flush or compaction. It
// works on a read-only directory and beside a process that has the database open for
// writing: the live logs are replayed into memtables kept in memory, and a writer that
// changes the MANIFEST or deletes a file while the open reads them makes the open start
// again (docs/DESIGN.md, "Read-only opens").
#include <algorithm>
#include <cinttypes>

#include "db/db_impl.h"
#include "db/log_replay.h"
#include "db/options_check.h"
#include "io/file_util.h"
#include "version/filename.h"

namespace lsmdb {

namespace {

// How many times an open starts again after a writer changed the directory under it.
constexpr int kOpenAttempts = 20;
// How many times the newest log is read again while its damage keeps moving.
constexpr int kNewestLogRereads = 20;

// What a writer changes as it goes on: the file names, CURRENT, and the MANIFEST sizes.
// Two equal fingerprints around a failed open say that the failure was not a race.
std::string DirFingerprint(FileSystem* fs, const std::string& dbname) {
  std::vector<std::string> names;
  if (!fs->GetChildren(dbname, &names).ok()) return "unlistable";
  std::sort(names.begin(), names.end());
  std::string print;
  for (const auto& name : names) {
    print += name;
    uint64_t number;
    FileType type;
    if (!ParseFileName(name, &number, &type)) type = FileType::kTableFile;
    if (type == FileType::kDescriptorFile) {
      uint64_t size = 0;
      fs->GetFileSize(dbname + "/" + name, &size).PermitUncheckedError();
      print += ":" + std::to_string(size);
    }
    if (type == FileType::kCurrentFile) {
      std::string current;
      ReadFileToString(fs, dbname + "/" + name, &current).PermitUncheckedError();
      print += ":" + current;
    }
    print += '\n';
  }
  return print;
}

bool IsDamage(LogEnd end) {
  return end == LogEnd::kDamageAtEnd || end == LogEnd::kDamageBeforeRecords;
}

}  // namespace

Status DB::OpenForReadOnly(const Options& options, const std::string& path,
                           std::unique_ptr<DB>* db) {
  db->reset();
  Status s = ValidateOptions(options);
  if (!s.ok()) return s;
  if (path.empty()) return Status::InvalidArgument("database path is empty");
  const std::shared_ptr<FileSystem> fs =
      options.file_system ? options.file_system : FileSystem::Default();
  for (int attempt = 0; attempt < kOpenAttempts; attempt++) {
    const std::string before = DirFingerprint(fs.get(), path);
    auto impl = std::make_unique<DBImpl>(options, path, /*read_only=*/true);
    s = impl->OpenReadOnly();
    if (s.ok()) {
      *db = std::move(impl);
      return s;
    }
    // A file named by what the open read may have been replaced and deleted meanwhile.
    if (s.IsInvalidArgument() || DirFingerprint(fs.get(), path) == before) return s;
  }
  return s;
}

Status DBImpl::CheckWritable(std::string_view what) const {
  if (!read_only_) return Status::OK();
  return Status::NotSupported(std::string(what) + ": the database " + dbname_ +
                              " is open read-only (DB::OpenForReadOnly)");
}

Status DBImpl::OpenReadOnly() {
  MutexLock l(&mu_);
  info_log_ = InfoLog::Discarding();
  versions_ = std::make_unique<VersionSet>(dbname_, &options_, &icmp_, table_cache_.get(), &mu_);
  // The listing comes first: logs a writer starts after it are left out (the state is
  // then that of an earlier moment), and those it deletes after it are still open or
  // make the open start again.
  std::vector<std::string> names;
  Status s = fs_->GetChildren(dbname_, &names);
  if (s.IsNotFound()) return Status::InvalidArgument(dbname_, "does not exist");
  if (!s.ok()) return s;  // a permission error says so
  if (std::find(names.begin(), names.end(), "CURRENT") == names.end()) {
    return Status::InvalidArgument(dbname_,
                                   "is not an lsmdb database (no CURRENT file); a read-only "
                                   "open never creates one");
  }
  s = versions_->Recover();
  if (s.ok() && options_.paranoid_checks) s = CheckLiveTableFiles();
  if (!s.ok()) return s;
  std::vector<uint64_t> logs;
  for (const auto& name : names) {
    uint64_t number;
    FileType type;
    if (ParseFileName(name, &number, &type) && type == FileType::kLogFile &&
        number >= versions_->log_number()) {
      logs.push_back(number);
    }
  }
  std::sort(logs.begin(), logs.end());
  if (versions_->manifest_torn_tail()) {
    s = CheckTornManifest(names);
    if (!s.ok()) return s;
  }
  SequenceNumber max_sequence = versions_->LastSequence();
  VersionEdit unused;  // nothing is flushed: the logs' batches stay in imm_
  s = ReplayLogs(logs, &max_sequence, &unused);
  if (!s.ok()) return s;
  versions_->SetLastSequence(max_sequence);
  mem_ = std::make_shared<MemTable>(icmp_);
  InstallReadView();
  // Open every table now (as many as the table cache holds): a writer's compaction may
  // delete one later, and an open file stays readable.
  std::shared_ptr<const Version> v = versions_->current();
  int opened = 0;
  for (int level = 0; level < v->num_levels(); level++) {
    for (const auto& f : v->files(level)) {
      if (opened++ >= options_.max_open_files / 2) return Status::OK();
      ReadOptions ro;
      ro.fill_cache = false;
      auto it = table_cache_->NewIterator(ro, *f);
      if (!it->status().ok()) return it->status();
    }
  }
  return Status::OK();
}

Status DBImpl::ReplayNewestLog(uint64_t log_number, LogReplay* result, VersionEdit* edit) {
  Status s = ReplayLog(log_number, result, edit);
  // A writer appending through a shared mapping can show a record half copied (a checksum
  // failure) or a block not yet written before one that is: read again until the damage
  // stays where it was. Damage that stays is damage, judged as Open would.
  for (int i = 0; s.ok() && IsDamage(result->end) && i < kNewestLogRereads; i++) {
    LogReplay again;
    s = ReplayLog(log_number, &again, edit);
    const bool same = again.end == result->end && again.report_offset == result->report_offset;
    *result = std::move(again);
    if (same) break;
  }
  if (s.ok() && result->end == LogEnd::kTornTail) {
    // The record a writer is appending: not reported, not applied.
    result->end = LogEnd::kClean;
    result->report = Status::OK();
  }
  return s;
}

}  // namespace lsmdb
