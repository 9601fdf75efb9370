// DBImpl: the engine behind lsmdb::DB.
//
// Shared state is guarded by mu_. Writers queue in writers_; the front writer leads a
// group: it writes one WAL record for the group, syncs at most once, inserts into the
// memtable with mu_ released (it is the only thread that mutates mem_), then publishes
// the new last sequence. Readers copy the current ReadView (memtable, immutable
// memtables, version) from their thread's slot, without mu_, and read without any lock.
// Background threads flush immutable memtables to L0 tables and run compactions.
// docs/DESIGN.md walks through all of this (§4-§9) and lists the lock rules (§7).
//
// Background errors (db_error.cc): a failed flush, compaction, MANIFEST write or WAL
// write/sync is recorded in bg_error_; writes then fail with it, reads go on. Resume()
// (or, for NoSpace, a background thread on its own) clears a retryable error.
//
// Thread-safety: every public method may be called concurrently.
#ifndef LSMDB_DB_DB_IMPL_H_
#define LSMDB_DB_DB_IMPL_H_

#include <atomic>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cache/cache.h"
#include "compaction/compaction_picker.h"
#include "db/log_link.h"
#include "db/snapshot.h"
#include "io/info_log.h"
#include "lsmdb/db.h"
#include "memtable/memtable.h"
#include "sstable/table_builder.h"
#include "util/mutex.h"
#include "util/statistics.h"
#include "version/table_cache.h"
#include "version/version_set.h"
#include "wal/log_writer.h"

namespace lsmdb {

// What recovery's reading of one log found (db_recovery.cc).
struct LogReplay;

// What a read needs, pinned together: the memtables and the version of one moment.
struct ReadView {
  std::shared_ptr<MemTable> mem;
  std::vector<std::shared_ptr<MemTable>> imm;  // newest first
  std::shared_ptr<const Version> version;
  // The tables of version with range tombstones (db/range_del_reads.h).
  std::vector<const FileMetaData*> range_del_files;
};

class DBImpl final : public DB {
 public:
  // read_only: the handle of DB::OpenForReadOnly (db_readonly.cc), which writes nothing.
  DBImpl(const Options& options, std::string dbname, bool read_only = false);
  ~DBImpl() override;

  Status Put(const WriteOptions& options, std::string_view key, std::string_view value) override;
  Status Delete(const WriteOptions& options, std::string_view key) override;
  Status DeleteRange(const WriteOptions& options, std::string_view begin,
                     std::string_view end) override;
  Status Write(const WriteOptions& options, WriteBatch* batch) override;
  Status Merge(const WriteOptions& options, std::string_view key,
               std::string_view operand) override;
  Status Get(const ReadOptions& options, std::string_view key, std::string* value) override;
  std::vector<Status> MultiGet(const ReadOptions& options, std::span<const std::string_view> keys,
                               std::vector<std::string>* values) override;
  std::unique_ptr<Iterator> NewIterator(const ReadOptions& options) override;
  const Snapshot* GetSnapshot() override;
  void ReleaseSnapshot(const Snapshot* snapshot) override;
  bool GetProperty(std::string_view name, std::string* value) override;
  Status Flush() override;
  Status CompactRange(const std::string_view* begin, const std::string_view* end) override;
  Status Resume() override;
  using DB::GetApproximateSizes;
  Status GetApproximateSizes(const SizeApproximationOptions& options, const Range* ranges, int n,
                             uint64_t* sizes) override;
  void GetApproximateMemTableStats(const Range& range, uint64_t* count, uint64_t* size) override;
  using DB::CreateCheckpoint;
  Status CreateCheckpoint(const CheckpointOptions& options, const std::string& dir) override;

  // Opens or creates the database files and replays the logs. Called once, by DB::Open.
  Status Open();
  // Reads the database as it is, writing nothing: the MANIFEST, then the live logs into
  // memtables held in memory (db_readonly.cc). Called once, by DB::OpenForReadOnly.
  Status OpenReadOnly();

 private:
  // True if snapshot was made by this DB (its owner is never changed: no lock needed).
  bool OwnsSnapshot(const Snapshot* snapshot) const NO_THREAD_SAFETY_ANALYSIS {
    return static_cast<const SnapshotImpl*>(snapshot)->owner == &snapshots_;
  }
  // The error of a read given another DB's snapshot.
  static Status ForeignSnapshot();

  // A queued write (or, with a null batch, a request that needs the write path to itself:
  // a memtable switch by Flush, a Resume).
  struct Writer {
    explicit Writer(Mutex* mu) : cv(mu) {}
    WriteBatch* batch = nullptr;
    bool sync = false;
    bool disable_wal = false;
    bool done = false;
    Status status;
    CondVar cv;
  };
  struct Immutable {
    std::shared_ptr<MemTable> mem;
    uint64_t log_number;  // the WAL that holds its writes
  };

  // Recovery (db_recovery.cc).
  Status Recover(VersionEdit* edit) REQUIRES(mu_);
  Status CheckNewDirectory() REQUIRES(mu_);
  // Replays the live logs (sorted by number) into L0 tables, deciding at the end of each
  // what to do by DecideRecovery (db/recovery_policy.h, docs/format/wal.md §5).
  Status ReplayLogs(const std::vector<uint64_t>& logs, SequenceNumber* max_sequence,
                    VersionEdit* edit) REQUIRES(mu_);
  // Reads one log, applying the batches before its first report (its link is skipped:
  // ReplayLogs checked it).
  Status ReplayLog(uint64_t log_number, LogReplay* result, VersionEdit* edit) REQUIRES(mu_);
  // Read-only: the newest log, which a writer may be appending to as it is read. Damage
  // is read again until it stays where it is (a record being written moves on); an
  // incomplete record at the end is a write in progress, not reported (db_readonly.cc).
  Status ReplayNewestLog(uint64_t log_number, LogReplay* result, VersionEdit* edit) REQUIRES(mu_);
  // The error of a write to a read-only handle (NotSupported), or OK.
  Status CheckWritable(std::string_view what) const;
  // With a torn MANIFEST tail: Corruption if a table the MANIFEST names is missing.
  Status CheckTornManifest(const std::vector<std::string>& names) REQUIRES(mu_);
  Status WriteLevel0Table(MemTable* mem, VersionEdit* edit) REQUIRES(mu_);
  // Starts a new WAL and memtable. A switch from a working log (sync_old) does not sync
  // it: the old log joins closed_logs_, and the new one begins with a LogLink to it
  // (strict modes, see StrictWal, still sync it here). Resume after a WAL failure
  // passes sync_old = false: the old log is closed unsynced and every memtable is
  // flushed before the new log takes a write.
  Status NewLogFile(bool sync_old = true) REQUIRES(mu_);
  // paranoid_checks or kAbsoluteConsistency: logs written with write(), each synced
  // (and its successor's name) when the memtable is switched, as any damage in a log
  // fails Open.
  bool StrictWal() const;

  // Write path (db_write.cc).
  // Write for a batch whose entries are known to be within the size limits.
  Status WriteValidated(const WriteOptions& options, WriteBatch* batch);
  // Get of a key whose newest visible entry is a merge operand, or that a range
  // tombstone of sequence tombstone_seq covers: gathers the key's entries visible at seq
  // and not older than tombstone_seq over every source of view, newest first, and
  // merges them (db_merge.cc). A value or a deletion ends the chain.
  // Get of key as of seq in view. REQUIRES: view holds every write up to seq.
  Status GetInView(const ReadOptions& options, const ReadView& view, SequenceNumber seq,
                   std::string_view key, std::string* value);
  Status GetMerged(const ReadOptions& options, const ReadView& view, SequenceNumber seq,
                   std::string_view key, std::string* value, SequenceNumber tombstone_seq = 0);
  // Writes the name of the merge operator to the LOG.
  void LogExtensions();
  Status MakeRoomForWrite(bool force) REQUIRES(mu_);
  WriteBatch* BuildBatchGroup(Writer** last_writer, bool* need_sync) REQUIRES(mu_);
  // Before a sync group: gives the writers of the last sync group, released just now,
  // a moment (at most half a sync) to queue again, so that one sync carries them all.
  void WaitForSyncPeers() REQUIRES(mu_);
  // Before a group's first synced write into the current log: syncs the closed logs
  // still needed, and the directory (the current log's name), so that no power loss
  // keeps the synced write and loses a write before it. Called by the leader without
  // mu_ on what TakeUnsyncedLogs handed it; ForgetSyncedLogs records the success.
  struct LogsToSync {
    std::vector<std::shared_ptr<WritableFile>> files;
    bool dir = false;
    bool empty() const { return files.empty() && !dir; }
  };
  LogsToSync TakeUnsyncedLogs() REQUIRES(mu_);
  Status SyncClosedLogs(const LogsToSync& logs) EXCLUDES(mu_);
  void ForgetSyncedLogs(const LogsToSync& logs) REQUIRES(mu_);
  Status SwitchMemTable(bool sync_old = true) REQUIRES(mu_);
  // The error a writer that started waiting when bg_error_count_ was `seen` returns: the
  // current background error, or one recorded (and cleared) since; OK otherwise.
  Status BackgroundErrorSince(uint64_t seen) const REQUIRES(mu_);

  // Background work (db_background.cc).
  void BackgroundThread();
  bool NeedsFlush() const REQUIRES(mu_);
  void BackgroundFlush() REQUIRES(mu_);
  // Error state (db_error.cc). `what` names the failed work ("flush", "WAL sync", ...);
  // wal says the WAL may be torn or unsynced, so Resume must start a new one and flush.
  // Returns s with `what` in its message (what the caller reports).
  Status RecordBackgroundError(const Status& s, std::string_view what, bool wal = false)
      REQUIRES(mu_);
  Status ResumeLocked() REQUIRES(mu_);
  Status ResumeAsFrontWriter() REQUIRES(mu_);
  // Flushes every immutable memtable, in this thread if no background thread is.
  Status FlushImmutablesLocked() REQUIRES(mu_);
  // With NoSpace in bg_error_: waits out the backoff, then tries ResumeLocked.
  bool ShouldAutoResume() const REQUIRES(mu_);
  void AutoResume() REQUIRES(mu_);
  // Paranoid checks (db_checks.cc).
  Status CheckLiveTableFiles() REQUIRES(mu_);
  Status VerifyNewTable(const FileMetaData& meta) EXCLUDES(mu_);
  // Compaction (db_compaction.cc). RunCompaction releases mu_ during the work.
  bool MaybeRunCompaction() REQUIRES(mu_);
  // Warm-up of new tables (db_background.cc). WarmNextTable warms the oldest queued table
  // still live, releasing mu_ meanwhile; false when there was none.
  void QueueWarm(uint64_t number) REQUIRES(mu_);
  bool WarmNextTable() REQUIRES(mu_);
  Status RunCompaction(std::unique_ptr<Compaction> c) REQUIRES(mu_);
  TableOptions MakeTableOptions() const;
  // Checkpoint (db_checkpoint.cc): fills the staging directory tmp with the state of
  // view at sequence seq.
  Status WriteCheckpoint(const ReadView& view, SequenceNumber seq, const std::string& tmp)
      EXCLUDES(mu_);
  void RemoveObsoleteFiles() REQUIRES(mu_);

  // Read path.
  std::shared_ptr<const ReadView> GetReadView() EXCLUDES(mu_);
  void InstallReadView() REQUIRES(mu_);
  std::unique_ptr<InternalIterator> NewInternalIterator(const ReadOptions& options,
                                                        const ReadView& view);
  // A read spent the SeekBudget of charge.file: make it a seek-compaction candidate.
  // REQUIRES: charge.file is in a Version the caller holds.
  void SeekBudgetSpent(const SeekCharge& charge) EXCLUDES(mu_);
  std::string StatsString() REQUIRES(mu_);

  const Options options_;  // sanitized: comparator and file_system are set
  // Opened by DB::OpenForReadOnly: no log, no background threads, every write refused.
  const bool read_only_;
  const std::string dbname_;
  FileSystem* const fs_;
  const InternalKeyComparator icmp_;
  std::shared_ptr<Cache> block_cache_;
  ReadStats read_stats_;
  std::unique_ptr<TableCache> table_cache_;
  std::unique_ptr<InfoLog> info_log_;

  Mutex mu_;
  CondVar bg_cv_;  // background work finished, or there is new work
  std::unique_ptr<FileLock> db_lock_;
  // Set once by Open; LastSequence() is read without mu_, everything else under it.
  std::unique_ptr<VersionSet> versions_;

  // The active memtable and its WAL. mem_ is replaced only by the write-group leader
  // (under mu_); the leader inserts into it without mu_.
  std::shared_ptr<MemTable> mem_ GUARDED_BY(mu_);
  uint64_t log_number_ GUARDED_BY(mu_) = 0;
  std::shared_ptr<WritableFile> log_file_;
  std::unique_ptr<log::Writer> log_;
  // The last sequence number written to any log (set by Open from the recovered state):
  // what the next log's LogLink says came before it.
  SequenceNumber wal_last_sequence_ GUARDED_BY(mu_) = 0;
  // Logs switched away from without a sync whose memtables are not tables yet, oldest
  // first. Shared with a leader syncing them without mu_; closed when synced (see
  // SyncClosedLogs) or when a flush makes them obsolete.
  struct ClosedLog {
    uint64_t number;
    std::shared_ptr<WritableFile> file;
  };
  std::vector<ClosedLog> closed_logs_ GUARDED_BY(mu_);
  // False from a deferred switch until the directory is synced (the new log's name).
  bool log_dir_synced_ GUARDED_BY(mu_) = true;
  std::deque<Immutable> imm_ GUARDED_BY(mu_);  // newest at the front
  bool flush_running_ GUARDED_BY(mu_) = false;
  // Tables written by flushes and compactions, not yet warmed (TableCache::Warm), oldest
  // first. A background thread warms them when no flush or compaction runs or waits, so
  // that warming never delays one; those compacted away first are skipped.
  static constexpr size_t kMaxWarmQueue = 4096;
  std::deque<uint64_t> warm_queue_ GUARDED_BY(mu_);
  uint64_t tables_warmed_ GUARDED_BY(mu_) = 0;
  // The current ReadView, in kViewSlots copies with their own reference counts: each
  // reader thread copies the shared_ptr of its own slot (threads take slots round-robin),
  // so concurrent Gets neither queue on the DB mutex nor bounce one reference count
  // between cores. InstallReadView (under mu_) replaces every slot before it returns.
  static constexpr size_t kViewSlots = 16;
  struct alignas(64) ViewSlot {
    SpinLock lock;
    std::shared_ptr<const ReadView> view GUARDED_BY(lock);
  };
  ViewSlot view_slots_[kViewSlots];

  std::unique_ptr<CompactionPicker> picker_;    // used under mu_
  int manual_compactions_ GUARDED_BY(mu_) = 0;  // CompactRange calls in progress

  std::deque<Writer*> writers_ GUARDED_BY(mu_);
  WriteBatch group_batch_;  // used only by the write-group leader
  // Writers seen around the last sync group (its size plus those queued behind it when
  // it ended), and how long its sync took: WaitForSyncPeers waits for that many.
  size_t sync_writers_ GUARDED_BY(mu_) = 1;
  uint64_t last_sync_micros_ GUARDED_BY(mu_) = 0;
  SnapshotList snapshots_ GUARDED_BY(mu_);
  std::atomic<int> live_iterators_{0};                  // made by NewIterator and not yet destroyed
  std::set<uint64_t> pending_outputs_ GUARDED_BY(mu_);  // tables being written

  Status bg_error_ GUARDED_BY(mu_);
  bool bg_error_wal_ GUARDED_BY(mu_) = false;    // the error left the WAL unusable
  uint64_t bg_error_count_ GUARDED_BY(mu_) = 0;  // errors recorded so far
  Status last_bg_error_ GUARDED_BY(mu_);         // the latest, kept after Resume clears it
  // The error a Resume() under way has cleared from bg_error_ (so that its flushes run)
  // while writes still wait for it; reported by "lsmdb.background-error" until writes are
  // accepted again.
  Status resuming_from_ GUARDED_BY(mu_);
  bool auto_resume_running_ GUARDED_BY(mu_) = false;
  int auto_resume_attempts_ GUARDED_BY(mu_) = 0;  // since the last successful resume
  bool shutting_down_ GUARDED_BY(mu_) = false;
  std::vector<std::thread> bg_threads_;

  // Figures for "lsmdb.stats".
  struct Counters {
    std::atomic<uint64_t> user_bytes{0};
    std::atomic<uint64_t> wal_bytes{0};
    std::atomic<uint64_t> wal_syncs{0};
    std::atomic<uint64_t> write_groups{0};
    std::atomic<uint64_t> writes{0};
    std::atomic<uint64_t> flushes{0};
    std::atomic<uint64_t> flush_bytes{0};
    std::atomic<uint64_t> stall_micros{0};
    std::atomic<uint64_t> stalls_slowdown{0};
    std::atomic<uint64_t> stalls_stop{0};
    std::atomic<uint64_t> stalls_memtable{0};
  } counters_;
  // Per output level: what compactions read and wrote (guarded by mu_).
  struct LevelStats {
    uint64_t compactions = 0;
    uint64_t bytes_read = 0;  // from the input level and the output level
    uint64_t bytes_written = 0;
    uint64_t trivial_moves = 0;
    uint64_t micros = 0;
  };
  LevelStats level_stats_[kMaxLevels] GUARDED_BY(mu_);
};

}  // namespace lsmdb

#endif  // LSMDB_DB_DB_IMPL_H_
