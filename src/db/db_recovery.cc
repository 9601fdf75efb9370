// Opening a database: the directory, the lock, the MANIFEST, and the replay of the WALs
// the MANIFEST does not cover.
#include <algorithm>
#include <cinttypes>
#include <functional>
#include <set>

#include "db/builder.h"
#include "db/db_impl.h"
#include "db/log_link.h"
#include "db/log_replay.h"
#include "db/recovery_policy.h"
#include "db/write_batch_internal.h"
#include "version/filename.h"
#include "wal/log_reader.h"

namespace lsmdb {
namespace {

// The directory holding path ("." for a bare name).
std::string ParentDir(const std::string& path) {
  size_t end = path.size();
  while (end > 1 && path[end - 1] == '/') end--;
  const size_t slash = path.rfind('/', end - 1);
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

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
    const bool existed = fs_->FileExists(dbname_);
    Status s = fs_->CreateDirIfMissing(dbname_);
    // A new directory's own name must be synced too, or a power loss can take the whole
    // database with it, synced writes and all.
    if (s.ok() && !existed) s = fs_->SyncDir(ParentDir(dbname_));
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
  if (versions_->manifest_torn_tail()) {
    s = CheckTornManifest(names);
    if (!s.ok()) return s;
  }
  SequenceNumber max_sequence = versions_->LastSequence();
  s = ReplayLogs(logs, &max_sequence, edit);
  if (!s.ok()) return s;
  versions_->SetLastSequence(max_sequence);
  return Status::OK();
}

Status DBImpl::CheckTornManifest(const std::vector<std::string>& names) {
  // A torn last edit is one whose append a power loss cut before its sync; nothing acted
  // on it. A table the edits before it name is deleted only after a later edit removing
  // it was synced: if one is missing, the MANIFEST lost synced edits.
  std::set<uint64_t> on_disk;
  for (const auto& name : names) {
    uint64_t number;
    FileType type;
    if (ParseFileName(name, &number, &type) && type == FileType::kTableFile) {
      on_disk.insert(number);
    }
  }
  std::set<uint64_t> live;
  versions_->AddLiveFiles(&live);
  for (uint64_t number : live) {
    if (on_disk.count(number) == 0) {
      return Status::Corruption(
          ManifestFileName(dbname_, versions_->manifest_file_number()),
          "ends in a torn edit, and table #" + std::to_string(number) +
              " it names is missing: later edits that were synced are lost (run RepairDB)");
    }
  }
  return Status::OK();
}

namespace {

// Calls fn on each record of the log that checks out, until fn returns false. reporter
// (may be null) hears what the reader skipped.
Status ForEachRecord(FileSystem* fs, const std::string& fname,
                     const std::function<bool(std::string_view)>& fn,
                     log::Reader::Reporter* reporter = nullptr) {
  std::unique_ptr<SequentialFile> file;
  Status s = fs->NewSequentialFile(fname, &file);
  if (!s.ok()) return s;
  log::Reader reader(file.get(), fname, reporter);
  std::string scratch;
  std::string_view record;
  while (reader.ReadRecord(&record, &scratch)) {
    if (!fn(record)) break;
  }
  return reader.status();
}

enum class RecordKind { kBatch, kLink, kSyncMark, kBad };

RecordKind Classify(std::string_view record, LogLink* link) {
  bool is_link = false;
  if (!DecodeLogLink(record, &is_link, link).ok()) return RecordKind::kBad;
  if (!is_link) return RecordKind::kBatch;
  return link->kind == LogLink::Kind::kSyncMark ? RecordKind::kSyncMark : RecordKind::kLink;
}

// The start of a log: its first record that checks out and, after a link, whether a
// batch follows.
struct LogHead {
  bool has_record = false;
  bool is_link = false;
  LogLink link;
  bool batch_after_link = false;
  bool only_link = false;  // the link is the log's only record, and nothing was skipped
};

// Notes whether the reader skipped anything.
class AnyReport final : public log::Reader::Reporter {
 public:
  void Corruption(uint64_t, size_t, const Status&) override { any = true; }
  void TornTail(uint64_t, size_t) override { any = true; }
  bool any = false;
};

Status PeekLog(FileSystem* fs, const std::string& fname, LogHead* head) {
  AnyReport reporter;
  uint64_t records = 0;
  Status s = ForEachRecord(
      fs, fname,
      [&](std::string_view record) {
        records++;
        LogLink link;
        const RecordKind kind = Classify(record, &link);
        if (!head->has_record) {
          head->has_record = true;
          head->is_link = kind == RecordKind::kLink;
          head->link = link;
          return head->is_link;
        }
        if (kind == RecordKind::kBatch) head->batch_after_link = true;
        return kind != RecordKind::kBatch;
      },
      &reporter);
  head->only_link = head->is_link && records == 1 && !reporter.any;
  return s;
}

// Batches in the log (links and sync marks aside).
uint64_t CountBatches(FileSystem* fs, const std::string& fname) {
  uint64_t n = 0;
  ForEachRecord(fs, fname, [&](std::string_view record) {
    LogLink link;
    if (Classify(record, &link) == RecordKind::kBatch) n++;
    return true;
  }).PermitUncheckedError();
  return n;
}

bool HasSyncMark(FileSystem* fs, const std::string& fname) {
  bool found = false;
  ForEachRecord(fs, fname, [&](std::string_view record) {
    LogLink link;
    found = Classify(record, &link) == RecordKind::kSyncMark;
    return !found;
  }).PermitUncheckedError();
  return found;
}

class ReplayReporter final : public log::Reader::Reporter {
 public:
  explicit ReplayReporter(const std::string& fname) : fname_(fname) {}
  void Corruption(uint64_t at, size_t n, const Status& s) override {
    if (first.ok()) Note(s, at, false);
    bytes += n;
  }
  void TornTail(uint64_t at, size_t n) override {
    if (first.ok()) {
      Note(Status::Corruption(fname_, "incomplete record at offset " + std::to_string(at)), at,
           true);
    }
    bytes += n;
  }
  bool any() const { return !first.ok(); }

  Status first;  // the first report
  uint64_t offset = 0;
  size_t bytes = 0;  // every byte reported
  bool torn = false;

 private:
  void Note(const Status& s, uint64_t at, bool is_torn) {
    first = s;
    offset = at;
    torn = is_torn;
  }
  const std::string& fname_;
};

// A link checked against the logs before it.
struct LinkVerdict {
  LinkCheck check = LinkCheck::kReached;
  Status why;  // Corruption naming the log, for kShort, kShortSynced and kManifestLost
};

// The end of the logs replayed so far, which the next log's link judges.
struct PendingEnd {
  LogEnd end = LogEnd::kClean;
  std::string fname = "the tables";
  Status report;
  size_t bytes = 0;
  uint64_t left = 0;
};

void Merge(PendingEnd* pending, const LogReplay& r) {
  // A log with no record after a log: its torn or damaged bytes join that log's end.
  if (r.end == LogEnd::kClean || static_cast<int>(r.end) <= static_cast<int>(pending->end)) {
    return;
  }
  if (pending->end == LogEnd::kClean) {
    pending->fname = r.fname;
    pending->report = r.report;
  }
  pending->end = r.end;
  pending->bytes += r.report_bytes;
}

}  // namespace
namespace {

// What ReplayLogs passes around: the logs and where they are.
struct ReplayContext {
  FileSystem* fs;
  const std::string& dbname;
  const std::vector<uint64_t>& logs;
  uint64_t manifest_log;  // the MANIFEST's log number
  InfoLog* info_log;
  std::string Name(size_t i) const { return LogFileName(dbname, logs[i]); }
};

// The logs replayed so far (or the tables, before the first log).
struct Chain {
  bool started = false;  // `last` is known: a link or a batch was replayed
  SequenceNumber last = 0;
};

LinkVerdict ShortLink(const ReplayContext& ctx, size_t i, const std::string& why) {
  for (size_t j = i; j < ctx.logs.size(); j++) {
    if (HasSyncMark(ctx.fs, ctx.Name(j))) {
      return {
          LinkCheck::kShortSynced,
          Status::Corruption(ctx.Name(i), why + ", though log #" + std::to_string(ctx.logs[j]) +
                                              " was written after the older logs were synced "
                                              "whole: they were damaged, not cut by a power loss")};
    }
  }
  return {LinkCheck::kShort, Status::Corruption(ctx.Name(i), why)};
}

// Checks the link of log i against the chain (docs/format/wal.md §5, "next log's link").
LinkVerdict CheckLink(const ReplayContext& ctx, const LogHead& head, size_t i, const Chain& chain) {
  if (!head.is_link) return {LinkCheck::kUnlinked, Status()};
  const LogLink& link = head.link;
  const std::string log_number = std::to_string(ctx.manifest_log);
  if (link.prev_log_number == 0 && head.batch_after_link && ctx.logs[i] > ctx.manifest_log) {
    return {LinkCheck::kManifestLost,
            Status::Corruption(ctx.Name(i),
                               "was started by an Open, which records it in the MANIFEST before "
                               "it takes a write, and holds writes, but the MANIFEST's log number "
                               "is " +
                                   log_number + ": the MANIFEST lost synced edits")};
  }
  const bool reached = chain.started
                           ? chain.last >= link.prev_last_sequence
                           : link.prev_log_number == 0 || link.prev_log_number < ctx.manifest_log;
  if (reached) return {LinkCheck::kReached, Status()};
  const std::string prev = "log #" + std::to_string(link.prev_log_number);
  if (link.prev_log_number >= ctx.manifest_log &&
      !std::binary_search(ctx.logs.begin(), ctx.logs.end(), link.prev_log_number)) {
    return {LinkCheck::kManifestLost,
            Status::Corruption(ctx.Name(i), "follows " + prev +
                                                ", which the MANIFEST (log number " + log_number +
                                                ") still needs, but it is missing: it was "
                                                "deleted, or the MANIFEST lost synced edits")};
  }
  return ShortLink(
      ctx, i,
      "follows " + prev + ", written up to sequence " + std::to_string(link.prev_last_sequence) +
          ", but the logs before it end at " +
          (chain.started ? "sequence " + std::to_string(chain.last) : prev + " with no write"));
}

// A log an Open started and never recorded in the MANIFEST (that Open failed, or a power
// loss cut it short, before its MANIFEST edit), holding nothing but its link: no write
// and no MANIFEST edit depends on it, so it does not make the log before it an older log.
// Its link names the writes that Open replayed, which it never synced: the log before
// it may fall short of it after a power loss even in the strict modes.
bool IsUnrecordedOpenLog(const ReplayContext& ctx, const LogHead& head, size_t i) {
  return head.only_link && head.link.prev_log_number == 0 && ctx.logs[i] > ctx.manifest_log;
}

uint64_t BatchesFrom(const ReplayContext& ctx, size_t i) {
  uint64_t n = 0;
  for (size_t j = i; j < ctx.logs.size(); j++) n += CountBatches(ctx.fs, ctx.Name(j));
  return n;
}

// Carries out the decision for the end of the logs before log i, judged by its link.
// *stop ends the replay before log i.
Status ActOnLink(const ReplayContext& ctx, RecoveryAction action, const PendingEnd& pending,
                 const LinkVerdict& verdict, size_t i, bool* stop) {
  switch (action) {
    case RecoveryAction::kContinue:
      return Status::OK();
    case RecoveryAction::kDropTail:
      ctx.info_log->Log(
          "recovery: %s: dropped a damaged end of %zu bytes past every write of its log: %s",
          pending.fname.c_str(), pending.bytes, pending.report.ToString().c_str());
      return Status::OK();
    case RecoveryAction::kStop: {
      *stop = true;
      const uint64_t left = pending.left + BatchesFrom(ctx, i);
      if (verdict.check == LinkCheck::kShort && pending.end == LogEnd::kClean) {
        ctx.info_log->Log(
            "recovery: %s: unsynced writes were lost; replay stops here, dropping this log and "
            "any later one (%" PRIu64 " records left behind)",
            verdict.why.ToString().c_str(), left);
      } else if (verdict.check == LinkCheck::kShort) {
        ctx.info_log->Log(
            "recovery: %s (%s): unsynced writes were lost; replay stops here, dropping this log "
            "and any later one (%" PRIu64 " records left behind)",
            verdict.why.ToString().c_str(), pending.report.ToString().c_str(), left);
      } else {
        const Status& why = pending.end != LogEnd::kClean ? pending.report : verdict.why;
        ctx.info_log->Log("recovery: replay stops at %s (%" PRIu64 " records left behind)",
                          why.ToString().c_str(), left);
      }
      return Status::OK();
    }
    case RecoveryAction::kFail:
      break;
  }
  const bool link_fails = verdict.check == LinkCheck::kShort ||
                          verdict.check == LinkCheck::kShortSynced ||
                          verdict.check == LinkCheck::kManifestLost;
  if (link_fails) return verdict.why;
  if (!pending.report.ok()) return pending.report;
  return Status::Corruption(ctx.Name(i), "refused by the recovery policy");
}

// Carries out the decision for the end of the last log (or of an empty log after it).
Status ActOnLastLog(const ReplayContext& ctx, RecoveryAction action, const LogReplay& r,
                    bool* stop) {
  switch (action) {
    case RecoveryAction::kContinue:
      return Status::OK();
    case RecoveryAction::kDropTail:
      ctx.info_log->Log("recovery: %s: dropped a %s of %zu bytes at offset %" PRIu64
                        " that no intact record follows",
                        r.fname.c_str(),
                        r.end == LogEnd::kTornTail ? "torn last record" : "damaged tail",
                        r.report_bytes, r.report_offset);
      return Status::OK();
    case RecoveryAction::kStop:
      *stop = true;
      ctx.info_log->Log("recovery: point-in-time recovery stops at %s (%" PRIu64
                        " records after it left behind)",
                        r.report.ToString().c_str(), r.left);
      return Status::OK();
    case RecoveryAction::kFail:
      break;
  }
  return r.report.ok() ? Status::Corruption(r.fname, "refused by the recovery policy") : r.report;
}

}  // namespace

Status DBImpl::ReplayLogs(const std::vector<uint64_t>& logs, SequenceNumber* max_sequence,
                          VersionEdit* edit) {
  const ReplayContext ctx{fs_, dbname_, logs, versions_->log_number(), info_log_.get()};
  std::vector<LogHead> heads(logs.size());
  // Logs from `tail` on come after the last log holding a record: they hold none, or
  // only the link of an Open that never recorded them.
  size_t tail = 0;
  for (size_t i = 0; i < logs.size(); i++) {
    Status s = PeekLog(fs_, ctx.Name(i), &heads[i]);
    if (!s.ok()) return s;
    if (heads[i].has_record && !IsUnrecordedOpenLog(ctx, heads[i], i)) tail = i + 1;
  }
  RecoveryCase c;
  c.mode = options_.wal_recovery_mode;
  c.paranoid = options_.paranoid_checks;
  PendingEnd pending;
  Chain chain;
  bool stop = false;
  for (size_t i = 0; i < logs.size() && !stop; i++) {
    // Logs after the last one holding a record (created just before a crash, or by an
    // Open that failed) are judged as the last log, and their links judge nothing;
    // before it, the bytes of a log with no record join the end of the log before them.
    const bool is_last = i + 1 >= tail;
    if (heads[i].has_record && i < tail) {
      const LinkVerdict verdict = CheckLink(ctx, heads[i], i, chain);
      c.position = LogPosition::kOlder;
      c.end = pending.end;
      c.next_link = verdict.check;
      Status s = ActOnLink(ctx, DecideRecovery(c), pending, verdict, i, &stop);
      if (!s.ok() || stop) return s;
      pending = PendingEnd();
      if (!chain.started && heads[i].is_link) {
        chain.started = true;
        chain.last = heads[i].link.prev_last_sequence;
      }
    }
    LogReplay r;
    Status s =
        read_only_ && is_last ? ReplayNewestLog(logs[i], &r, edit) : ReplayLog(logs[i], &r, edit);
    if (!s.ok()) return s;
    if (read_only_ && !r.mem->empty()) imm_.push_front(Immutable{r.mem, logs[i]});
    if (r.any_batch) {
      chain.started = true;
      chain.last = std::max(chain.last, r.last);
      *max_sequence = std::max(*max_sequence, r.last);
    }
    if (is_last) {
      c.position = LogPosition::kLast;
      c.end = r.end;
      c.next_link = LinkCheck::kNone;
      s = ActOnLastLog(ctx, DecideRecovery(c), r, &stop);
      if (!s.ok()) return s;
    } else if (!heads[i].has_record) {
      lsmdb::Merge(&pending, r);  // not DBImpl::Merge
    } else {
      pending.end = r.end;
      pending.fname = r.fname;
      pending.report = r.report;
      pending.bytes = r.report_bytes;
      pending.left = r.left;
    }
  }
  return Status::OK();
}

Status DBImpl::ReplayLog(uint64_t log_number, LogReplay* result, VersionEdit* edit) {
  const std::string fname = LogFileName(dbname_, log_number);
  result->fname = fname;
  std::unique_ptr<SequentialFile> file;
  Status s = fs_->NewSequentialFile(fname, &file);
  if (!s.ok()) return s;
  ReplayReporter reporter(fname);
  log::Reader reader(file.get(), fname, &reporter);
  auto mem = std::make_shared<MemTable>(icmp_);
  std::string scratch;
  std::string_view record;
  bool first_record = true;
  while (reader.ReadRecord(&record, &scratch)) {
    const uint64_t offset = reader.LastRecordOffset();
    bool is_link = false;
    LogLink link;
    s = DecodeLogLink(record, &is_link, &link);
    if (s.ok() && is_link && link.kind == LogLink::Kind::kLink && !first_record) {
      s = Status::Corruption("a log link that is not the first record");
    }
    first_record = false;
    if (!s.ok()) {
      reporter.Corruption(offset, record.size(),
                          Status::Corruption(fname, std::string(s.message()) + " at offset " +
                                                        std::to_string(offset)));
      continue;
    }
    if (is_link) continue;  // the link (ReplayLogs checked it) or a sync mark
    if (reporter.any()) {
      result->left++;  // never applied past a report
      continue;
    }
    WriteBatch batch;
    WriteBatchInternal::SetContents(&batch, record);
    s = WriteBatchInternal::InsertInto(&batch, mem.get());
    if (!s.ok()) {
      return Status::Corruption(
          fname, "bad batch at offset " + std::to_string(offset) + ": " + std::string(s.message()));
    }
    result->applied++;
    result->any_batch = true;
    result->last = std::max(result->last, WriteBatchInternal::Sequence(&batch) + batch.Count() - 1);
    if (!read_only_ && mem->ApproximateMemoryUsage() > options_.write_buffer_size) {
      s = WriteLevel0Table(mem.get(), edit);
      if (!s.ok()) return s;
      mem = std::make_shared<MemTable>(icmp_);
    }
  }
  if (!reader.status().ok()) return reader.status();
  if (reporter.any()) {
    result->end = reporter.torn      ? LogEnd::kTornTail
                  : result->left > 0 ? LogEnd::kDamageBeforeRecords
                                     : LogEnd::kDamageAtEnd;
    result->report = reporter.first;
    result->report_offset = reporter.offset;
    result->report_bytes = reporter.bytes;
  }
  info_log_->Log("recovery: replayed %" PRIu64 " records from %s", result->applied, fname.c_str());
  if (read_only_) {
    result->mem = std::move(mem);  // kept in memory: a read-only open writes no table
  } else if (!mem->empty()) {
    s = WriteLevel0Table(mem.get(), edit);
  }
  return s;
}

Status DBImpl::WriteLevel0Table(MemTable* mem, VersionEdit* edit) {
  FileMetaData meta;
  meta.number = versions_->NewFileNumber();
  pending_outputs_.insert(meta.number);
  const TableOptions topts = MakeTableOptions();
  auto iter = mem->NewIterator();
  mu_.Unlock();
  Status s = BuildTable(dbname_, fs_, topts, iter.get(), &meta, mem->range_tombstones().List());
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
