// The background-error state: what a failed flush, compaction, MANIFEST write or WAL
// write/sync leaves behind, and how Resume (or, for a full device, a background thread
// on its own) gets the database writable again.
//
// While bg_error_ is set, writes fail with it and reads go on: the memtables and the
// installed version hold every acknowledged write. Nothing the failed work wrote is
// installed; its leftover files are deleted by Resume or the next Open, never before a
// fresh MANIFEST is written, since a MANIFEST whose sync failed may still name them.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <string>

#include "db/db_impl.h"

namespace lsmdb {
namespace {

// I/O errors (a full device included) may go away; corruption and bugs do not.
bool IsRetryable(const Status& s) { return s.IsIOError(); }

}  // namespace

Status DBImpl::RecordBackgroundError(const Status& s, std::string_view what, bool wal) {
  if (s.ok()) return s;
  Status error = s.WithPrefix(std::string(what) + " failed");
  bg_error_wal_ |= wal;
  if (!bg_error_.ok()) {
    if (info_log_)
      info_log_->Log("background error (already stopped): %s", error.ToString().c_str());
    return error;
  }
  bg_error_ = error;
  last_bg_error_ = error;
  bg_error_count_++;
  if (info_log_) info_log_->Log("background error, writes stopped: %s", error.ToString().c_str());
  bg_cv_.SignalAll();
  return error;
}

Status DBImpl::BackgroundErrorSince(uint64_t seen) const {
  if (!bg_error_.ok()) return bg_error_;
  if (bg_error_count_ != seen) return last_bg_error_;
  return Status::OK();
}

Status DBImpl::Resume() {
  MutexLock l(&mu_);
  return ResumeLocked();
}

Status DBImpl::ResumeLocked() {
  if (bg_error_.ok()) return Status::OK();
  if (!IsRetryable(bg_error_)) return bg_error_;
  // Take the write path to itself: no write is acknowledged, and nobody touches the WAL
  // or switches the memtable, until the database is safe to write again.
  Writer w(&mu_);
  writers_.push_back(&w);
  while (&w != writers_.front()) w.cv.Wait();
  Status s = ResumeAsFrontWriter();
  writers_.pop_front();
  if (!writers_.empty()) writers_.front()->cv.Signal();
  return s;
}

Status DBImpl::ResumeAsFrontWriter() {
  if (bg_error_.ok()) return Status::OK();  // resumed by another caller meanwhile
  if (!IsRetryable(bg_error_)) return bg_error_;
  const bool wal = bg_error_wal_;
  info_log_->Log("resume: from %s%s", bg_error_.ToString().c_str(),
                 wal ? " (switching to a new WAL)" : "");
  // A MANIFEST that takes writes again and holds no partial record: after a failed
  // MANIFEST write, this starts a new one from the installed version.
  VersionEdit edit;
  Status s = versions_->LogAndApply(&edit);
  if (!s.ok()) {
    bg_error_ = Status();  // replaced by the new failure
    return RecordBackgroundError(s, "resume: MANIFEST write", wal);
  }
  if (wal) {
    // The old WAL may end in a partial record, and after a failed sync its unsynced
    // bytes are in doubt. Start a new log without syncing the old one, and turn every
    // memtable into a table before any write goes into the new log.
    s = SwitchMemTable(/*sync_old=*/false);
    if (!s.ok()) {
      bg_error_ = Status();
      return RecordBackgroundError(s, "resume: WAL switch", /*wal=*/true);
    }
  }
  resuming_from_ = bg_error_;  // still reported: writes wait for the flushes below
  bg_error_ = Status();
  bg_error_wal_ = false;
  RemoveObsoleteFiles();  // the partial outputs of the failed work
  bg_cv_.SignalAll();     // flushes and compactions may run again
  s = FlushImmutablesLocked();
  resuming_from_ = Status();
  if (!s.ok()) {
    // The memtables of the old WAL are still not tables: writes must wait for them.
    bg_error_wal_ |= wal;
    return s;
  }
  auto_resume_attempts_ = 0;
  info_log_->Log("resume: writable again");
  return Status::OK();
}

Status DBImpl::FlushImmutablesLocked() {
  const uint64_t errors_seen = bg_error_count_;
  while (!imm_.empty() && BackgroundErrorSince(errors_seen).ok() && !shutting_down_) {
    if (flush_running_) {
      bg_cv_.Wait();
    } else {
      BackgroundFlush();
    }
  }
  Status s = BackgroundErrorSince(errors_seen);
  if (s.ok() && !imm_.empty()) s = Status::Aborted("the database is closing");
  return s;
}

bool DBImpl::ShouldAutoResume() const {
  return bg_error_.IsNoSpace() && !auto_resume_running_ && !shutting_down_ &&
         auto_resume_attempts_ < options_.max_bgerror_resume_count;
}

void DBImpl::AutoResume() {
  auto_resume_running_ = true;
  // Backoff: the retry interval, doubled after each failed attempt, at most 1 s (or the
  // interval itself, if that is longer).
  const uint64_t base = options_.bgerror_resume_retry_interval;
  const uint64_t cap = std::max<uint64_t>(base, 1000000);
  uint64_t wait = base;
  for (int i = 0; i < auto_resume_attempts_ && wait < cap; i++) wait *= 2;
  wait = std::min(wait, cap);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(wait);
  while (!shutting_down_ && bg_error_.IsNoSpace()) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    bg_cv_.WaitFor(left);
  }
  if (!shutting_down_ && bg_error_.IsNoSpace()) {
    auto_resume_attempts_++;
    info_log_->Log("resume: automatic attempt %d after %" PRIu64 " us", auto_resume_attempts_,
                   wait);
    ResumeLocked().PermitUncheckedError();  // a failure is recorded in bg_error_ again
  }
  auto_resume_running_ = false;
  bg_cv_.SignalAll();
}

}  // namespace lsmdb
