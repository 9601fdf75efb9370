// The write path: group commit through one WAL record and at most one sync per group.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <string_view>
#include <thread>

#include "db/db_impl.h"
#include "db/write_batch_internal.h"

namespace lsmdb {

namespace {

// The batch of a single Put or Delete, one per thread and reused, so that a write makes no
// heap allocation. While the write is queued its thread waits in Write, so the batch is
// never reused before the group that holds it is done.
WriteBatch* ThreadBatch() {
  thread_local WriteBatch batch;
  // Do not keep the memory of a huge value for the life of the thread.
  if (batch.ApproximateSize() > (64 << 10)) batch = WriteBatch();
  batch.Clear();
  return &batch;
}

}  // namespace

Status DBImpl::Put(const WriteOptions& options, std::string_view key, std::string_view value) {
  Status s = WriteBatchInternal::CheckEntry(key.size(), value.size());
  if (!s.ok()) return s;
  WriteBatch* batch = ThreadBatch();
  batch->Put(key, value);
  return WriteValidated(options, batch);
}

Status DBImpl::Delete(const WriteOptions& options, std::string_view key) {
  Status s = WriteBatchInternal::CheckEntry(key.size(), 0);
  if (!s.ok()) return s;
  WriteBatch* batch = ThreadBatch();
  batch->Delete(key);
  return WriteValidated(options, batch);
}

Status DBImpl::DeleteRange(const WriteOptions& options, std::string_view begin,
                           std::string_view end) {
  WriteBatch batch;
  batch.DeleteRange(begin, end);
  return Write(options, &batch);
}

Status DBImpl::Write(const WriteOptions& options, WriteBatch* batch) {
  if (batch == nullptr) return Status::InvalidArgument("Write: batch is null");
  if (options.sync && options.disable_wal) {
    return Status::InvalidArgument("WriteOptions: sync and disable_wal together");
  }
  Status s =
      WriteBatchInternal::Validate(batch, options_.comparator, options_.merge_operator != nullptr);
  if (!s.ok()) return s;
  return WriteValidated(options, batch);
}

Status DBImpl::WriteValidated(const WriteOptions& options, WriteBatch* batch) {
  if (read_only_) return CheckWritable("Write");
  if (options.sync && options.disable_wal) {
    return Status::InvalidArgument("WriteOptions: sync and disable_wal together");
  }
  if (batch->Count() == 0) return Status::OK();
  counters_.writes.fetch_add(1, std::memory_order_relaxed);
  counters_.user_bytes.fetch_add(WriteBatchInternal::ByteSize(batch) - kWriteBatchHeader,
                                 std::memory_order_relaxed);

  Writer w(&mu_);
  w.batch = batch;
  w.sync = options.sync;
  w.disable_wal = options.disable_wal;

  MutexLock l(&mu_);
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.Wait();
  if (w.done) return w.status;

  // This thread leads a group.
  if (w.sync && sync_writers_ > 1) WaitForSyncPeers();
  Status s = MakeRoomForWrite(false);
  Writer* last_writer = &w;
  uint64_t sync_micros = 0;
  SequenceNumber last_sequence = versions_->LastSequence();
  if (s.ok()) {
    bool need_sync = false;
    WriteBatch* group = BuildBatchGroup(&last_writer, &need_sync);
    WriteBatchInternal::SetSequence(group, last_sequence + 1);
    last_sequence += WriteBatchInternal::Count(group);
    MemTable* mem = mem_.get();
    const bool use_wal = !w.disable_wal;
    const char* wal_failure = nullptr;
    bool appended = false;
    LogsToSync older;
    if (use_wal && need_sync) older = TakeUnsyncedLogs();
    {
      // Only the leader touches the log and the memtable's write side; others wait.
      mu_.Unlock();
      if (use_wal) {
        const auto start = std::chrono::steady_clock::now();
        if (!older.empty()) {
          // The older logs are synced first, then this log says so (a sync mark,
          // docs/format/wal.md §2): recovery then knows that a shortfall of an older
          // log is damage, not a power loss.
          s = SyncClosedLogs(older);
          if (!s.ok()) wal_failure = "WAL sync";
          if (s.ok()) s = log_->AddRecord(EncodeLogSyncMark());
          if (!s.ok() && wal_failure == nullptr) wal_failure = "WAL append";
        }
        std::string_view rec = WriteBatchInternal::Contents(group);
        if (s.ok()) {
          s = log_->AddRecord(rec);
          counters_.wal_bytes.fetch_add(rec.size(), std::memory_order_relaxed);
          appended = s.ok();
          if (!s.ok()) wal_failure = "WAL append";
        }
        if (s.ok() && need_sync) {
          s = log_file_->Sync();
          sync_micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                  std::chrono::steady_clock::now() - start)
                                                  .count());
          counters_.wal_syncs.fetch_add(1, std::memory_order_relaxed);
          if (!s.ok()) wal_failure = "WAL sync";
        }
      }
      if (s.ok()) s = WriteBatchInternal::InsertInto(group, mem);
      counters_.write_groups.fetch_add(1, std::memory_order_relaxed);
      mu_.Lock();
    }
    if (appended) wal_last_sequence_ = last_sequence;
    if (s.ok() && !older.empty()) ForgetSyncedLogs(older);
    if (s.ok()) {
      versions_->SetLastSequence(last_sequence);  // readers see the group only now
    } else if (wal_failure != nullptr) {
      // The group is not acknowledged, but the log may hold all or part of it, and after
      // a failed sync its unsynced bytes are in doubt: no later write may go into this
      // log. Its sequence numbers stay used, so that a record that does survive in the
      // log never shares a number with a later write.
      versions_->SetLastSequence(last_sequence);
      s = RecordBackgroundError(s, wal_failure, /*wal=*/true);
    } else {
      s = RecordBackgroundError(s, "memtable insert");
    }
    if (group == &group_batch_) group_batch_.Clear();
  }

  size_t group_size = 0;
  while (true) {
    Writer* ready = writers_.front();
    writers_.pop_front();
    group_size++;
    if (ready != &w) {
      ready->status = s;
      ready->done = true;
      ready->cv.Signal();
    }
    if (ready == last_writer) break;
  }
  if (w.sync) {
    sync_writers_ = group_size + writers_.size();
    last_sync_micros_ = sync_micros;
  }
  if (!writers_.empty()) writers_.front()->cv.Signal();
  return s;
}

void DBImpl::WaitForSyncPeers() {
  // A sync costs far more than waking a thread, so a group that waits for the writers
  // the last sync released (they are between writes, about to queue again) syncs
  // nearly all of them at once instead of alternating with them in half-size groups.
  // Bounded: never longer than half the last sync, and never for writers that stopped.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::microseconds(std::min<uint64_t>(last_sync_micros_ / 2, 1000));
  while (writers_.size() < sync_writers_ && std::chrono::steady_clock::now() < deadline) {
    mu_.Unlock();
    std::this_thread::yield();
    mu_.Lock();
  }
}

DBImpl::LogsToSync DBImpl::TakeUnsyncedLogs() {
  LogsToSync logs;
  for (const auto& closed : closed_logs_) logs.files.push_back(closed.file);
  logs.dir = !log_dir_synced_;
  return logs;
}

Status DBImpl::SyncClosedLogs(const LogsToSync& logs) {
  // Oldest first: each log is whole before any later one's writes can be relied on.
  for (const auto& file : logs.files) {
    Status s = file->Sync();
    if (!s.ok()) return s;
  }
  return logs.dir ? fs_->SyncDir(dbname_) : Status::OK();
}

void DBImpl::ForgetSyncedLogs(const LogsToSync& logs) {
  // A flush may have dropped some meanwhile; only the leader adds to closed_logs_.
  std::erase_if(closed_logs_, [&](const ClosedLog& closed) {
    return std::find(logs.files.begin(), logs.files.end(), closed.file) != logs.files.end();
  });
  if (logs.dir) log_dir_synced_ = true;
}

// Merges the batches of the writers queued behind the leader (up to a size limit, and
// stopping at a memtable-switch request or a change of disable_wal) into one.
WriteBatch* DBImpl::BuildBatchGroup(Writer** last_writer, bool* need_sync) {
  Writer* first = writers_.front();
  WriteBatch* result = first->batch;
  *need_sync = first->sync;
  size_t size = WriteBatchInternal::ByteSize(first->batch);
  // Small leaders do not wait behind large groups.
  size_t max_size = size <= (128 << 10) ? size + (128 << 10) : size_t{1} << 20;
  *last_writer = first;
  for (auto it = writers_.begin() + 1; it != writers_.end(); ++it) {
    Writer* w = *it;
    if (w->batch == nullptr || w->disable_wal != first->disable_wal) break;
    size += WriteBatchInternal::ByteSize(w->batch);
    if (size > max_size) break;
    if (result == first->batch) {
      group_batch_.Clear();
      WriteBatchInternal::Append(&group_batch_, first->batch);
      result = &group_batch_;
    }
    WriteBatchInternal::Append(result, w->batch);
    *need_sync |= w->sync;
    *last_writer = w;
  }
  return result;
}

Status DBImpl::MakeRoomForWrite(bool force) {
  bool allow_delay = !force;
  const char* stalled = nullptr;  // why the writer waited, for the LOG
  // When the wait began; set together with the first `stalled`.
  std::chrono::steady_clock::time_point stall_start;
  const uint64_t errors_seen = bg_error_count_;
  Status s;
  while (true) {
    s = BackgroundErrorSince(errors_seen);
    if (!s.ok()) break;  // no writer waits for work that has failed
    const int l0 = versions_->NumLevelFiles(0);
    if (allow_delay && l0 >= options_.level0_slowdown_writes_trigger) {
      // Close to the stop trigger: give each write a 1 ms delay, once, so compaction
      // gets CPU time and writers slow down smoothly instead of stopping.
      if (stalled == nullptr) {
        stall_start = std::chrono::steady_clock::now();
        stalled = "slowdown";
        counters_.stalls_slowdown.fetch_add(1, std::memory_order_relaxed);
      }
      mu_.Unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      mu_.Lock();
      allow_delay = false;
      continue;
    }
    if (!force && mem_->ApproximateMemoryUsage() < options_.write_buffer_size) break;
    if (force && mem_->empty()) break;
    if (static_cast<int>(imm_.size()) >= options_.max_write_buffer_number - 1) {
      // Every memtable is full: wait for a flush.
      if (stalled == nullptr || std::string_view(stalled) == "slowdown") {
        if (stalled == nullptr) stall_start = std::chrono::steady_clock::now();
        stalled = "memtables full";
        counters_.stalls_memtable.fetch_add(1, std::memory_order_relaxed);
        info_log_->Log("stall: %zu immutable memtables waiting for flush", imm_.size());
      }
      bg_cv_.Wait();
      continue;
    }
    if (l0 >= options_.level0_stop_writes_trigger) {
      if (stalled == nullptr || std::string_view(stalled) == "slowdown") {
        if (stalled == nullptr) stall_start = std::chrono::steady_clock::now();
        stalled = "L0 stop";
        counters_.stalls_stop.fetch_add(1, std::memory_order_relaxed);
        info_log_->Log("stall: %d L0 tables (stop trigger %d), waiting for compaction", l0,
                       options_.level0_stop_writes_trigger);
      }
      bg_cv_.Wait();
      continue;
    }
    s = SwitchMemTable();
    if (!s.ok()) {
      // The old log's sync may be what failed: treat the log as unusable.
      s = RecordBackgroundError(s, "WAL switch", /*wal=*/true);
      break;
    }
    force = false;
  }
  if (stalled != nullptr) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - stall_start)
                      .count();
    counters_.stall_micros.fetch_add(static_cast<uint64_t>(micros), std::memory_order_relaxed);
    if (std::string_view(stalled) != "slowdown") {
      info_log_->Log("stall: %s, resumed after %.3f s", stalled, static_cast<double>(micros) / 1e6);
    }
  }
  return s;
}

Status DBImpl::SwitchMemTable(bool sync_old) {
  std::shared_ptr<MemTable> old = mem_;
  uint64_t old_log = log_number_;
  Status s = NewLogFile(sync_old);  // replaces mem_ and log_ on success
  if (!s.ok()) return s;
  imm_.push_front(Immutable{std::move(old), old_log});
  InstallReadView();
  bg_cv_.SignalAll();
  return Status::OK();
}

Status DBImpl::Flush() {
  if (read_only_) return CheckWritable("Flush");
  Writer w(&mu_);  // a null batch asks the leader to switch the memtable
  MutexLock l(&mu_);
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.Wait();
  Status s = MakeRoomForWrite(/*force=*/true);
  writers_.pop_front();
  if (!writers_.empty()) writers_.front()->cv.Signal();
  if (!s.ok()) return s;
  // Wait until every memtable that was full is a table.
  const uint64_t errors_seen = bg_error_count_;
  while (!imm_.empty() && BackgroundErrorSince(errors_seen).ok()) bg_cv_.Wait();
  return BackgroundErrorSince(errors_seen);
}

}  // namespace lsmdb
