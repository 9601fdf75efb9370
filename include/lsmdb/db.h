// DB: a persistent, ordered map from byte-string keys to byte-string values.
//
// Thread-safety: a DB is safe to use from many threads at once without external
// synchronisation. Only one DB (in any process) may have a database directory open for
// writing (DB::Open); read-only handles (DB::OpenForReadOnly) may be open beside it.
#ifndef LSMDB_DB_H_
#define LSMDB_DB_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/export.h"
#include "lsmdb/iterator.h"
#include "lsmdb/options.h"
#include "lsmdb/status.h"
#include "lsmdb/write_batch.h"

namespace lsmdb {

// A fixed point in the history of a database (DB::GetSnapshot). Opaque.
class LSMDB_EXPORT Snapshot {
 protected:
  virtual ~Snapshot();
};

// The keys k with start <= k < limit (per Options::comparator). The bytes are borrowed.
struct LSMDB_EXPORT Range {
  std::string_view start;
  std::string_view limit;
};

class LSMDB_EXPORT DB {
 public:
  // Opens the database in the directory path. OK stores the handle in *db; on failure
  // *db is left null. Errors: InvalidArgument for bad options, a missing database without
  // create_if_missing, an existing one with error_if_exists, or another comparator;
  // IOError if another handle has the database open; Corruption for damaged files.
  // The exclusive hold is a lock on the LOCK file and, with the default file system, on
  // the directory too: deleting LOCK while the database is open does not let a second
  // handle (in this process or another) open it.
  static Status Open(const Options& options, const std::string& path, std::unique_ptr<DB>* db);

  // Opens the database in path for reading only. It writes nothing at all: no LOCK, no
  // log, no MANIFEST or CURRENT, no LOG file, no deletion, no flush or compaction, so it
  // works on a read-only directory or file system, and takes no lock: any number of
  // read-only handles, in any process, may be open beside one writer (DB::Open). The
  // handle sees the database as of one moment during this call: the tables and the live
  // logs, whose writes are replayed into memtables held in memory (as much memory as the
  // logs hold). Writes made later by a writer are not seen; open again to see them. An
  // incomplete record at the end of the newest log (a writer's append in progress) is
  // left out without an error; other damage is judged as Open judges it
  // (Options::wal_recovery_mode). If a writer replaces the MANIFEST or deletes a file
  // while this call reads them, it starts again.
  // Put, Delete, Write, Flush and CompactRange return NotSupported; reads, iterators,
  // snapshots and properties work as on a writable handle. create_if_missing and
  // error_if_exists are ignored. Errors: InvalidArgument for bad options, a missing
  // directory, a directory with no database (no CURRENT), or another comparator;
  // IOError for a file that cannot be read (a permission error says "Permission
  // denied"); Corruption for damaged files.
  // Beside a writer: the tables the open state needs are opened by this call (up to half
  // of max_open_files); a read reaching a table a writer's compaction deleted since, and
  // that was not open, fails with an error naming it ("table file is missing"), never
  // gives a wrong answer.
  static Status OpenForReadOnly(const Options& options, const std::string& path,
                                std::unique_ptr<DB>* db);

  DB() = default;
  DB(const DB&) = delete;
  DB& operator=(const DB&) = delete;
  // Waits for running background work, then closes the database.
  // REQUIRES: every iterator of this DB has been destroyed and every snapshot released.
  // If one is still live, the destructor writes a message saying so to stderr and aborts
  // the process (they would read freed memory).
  virtual ~DB();

  // Sets key to value. Keys and values over kMaxKeySize / kMaxValueSize are rejected
  // with InvalidArgument. An empty key is a valid key.
  virtual Status Put(const WriteOptions& options, std::string_view key, std::string_view value) = 0;
  // Removes key; OK whether or not it existed.
  virtual Status Delete(const WriteOptions& options, std::string_view key) = 0;
  // Removes every key k with begin <= k < end (per Options::comparator) with one record
  // (a range tombstone), whatever the range holds. Reads, iterators and snapshots taken
  // after it see none of those keys; snapshots taken before still see them. begin ==
  // end is a no-op; begin > end is InvalidArgument. OK whether or not keys existed.
  virtual Status DeleteRange(const WriteOptions& options, std::string_view begin,
                             std::string_view end) = 0;
  // Records operand for key, to be applied by Options::merge_operator over the key's
  // value when it is read (include/lsmdb/merge_operator.h). InvalidArgument when no
  // merge_operator is set; size limits as for Put.
  virtual Status Merge(const WriteOptions& options, std::string_view key,
                       std::string_view operand) = 0;
  // Applies the batch atomically. REQUIRES: batch != null.
  virtual Status Write(const WriteOptions& options, WriteBatch* batch) = 0;

  // Stores the value of key in *value. NotFound if absent (then *value is unchanged).
  // options.snapshot, when set, must be one of this DB's: another DB's is
  // InvalidArgument (for NewIterator too: an iterator that is never Valid(), whose
  // status() says so).
  virtual Status Get(const ReadOptions& options, std::string_view key, std::string* value) = 0;
  // Gets of every key in keys as of one moment (options.snapshot, or one read view taken
  // at the call): the result holds one status per key, in order, and (*values)[i] the
  // value of keys[i] when its status is OK (empty otherwise). *values is resized to
  // keys.size(). A null values or another DB's snapshot makes every status
  // InvalidArgument. Keys may repeat.
  virtual std::vector<Status> MultiGet(const ReadOptions& options,
                                       std::span<const std::string_view> keys,
                                       std::vector<std::string>* values) = 0;
  // An iterator over the database as of options.snapshot (or now). Initially not
  // Valid(); call a Seek method first. The iterator must be destroyed before this DB.
  virtual std::unique_ptr<Iterator> NewIterator(const ReadOptions& options) = 0;

  // A handle on the current state, owned by this DB. Release it with ReleaseSnapshot;
  // until then, the versions it sees are kept. Release every snapshot before destroying
  // the DB.
  virtual const Snapshot* GetSnapshot() = 0;
  // Releases a snapshot; null is ignored. REQUIRES: snapshot came from GetSnapshot of
  // this DB and is not yet released; it must not be used afterwards. Another DB's
  // snapshot aborts the process with a message on stderr.
  virtual void ReleaseSnapshot(const Snapshot* snapshot) = 0;

  // Reads a property (see docs/PROPERTIES.md): "lsmdb.stats",
  // "lsmdb.num-files-at-level<N>", "lsmdb.sstables", "lsmdb.approximate-memory-usage",
  // ... Returns false for an unknown name.
  virtual bool GetProperty(std::string_view name, std::string* value) = 0;

  // Estimates the space the keys of each range take: sizes[i] for ranges[i], in bytes.
  // With options.include_files, the bytes of the table files holding the range (whole
  // tables inside it, and for a table that straddles an end, the part up to the data
  // block holding that end: a granularity of one block); with include_memtables, the
  // bytes of the memtables' entries in the range (every version, deletions included).
  // Data compressed in tables counts as stored. A range with start >= limit is 0.
  // Old versions and deleted keys not yet compacted away count too. Errors:
  // InvalidArgument if n < 0, ranges or sizes is null while n > 0, or neither option is
  // set. Thread-safe; reads no data block (opens tables that straddle an end).
  virtual Status GetApproximateSizes(const SizeApproximationOptions& options, const Range* ranges,
                                     int n, uint64_t* sizes) = 0;
  Status GetApproximateSizes(const Range* ranges, int n, uint64_t* sizes) {
    return GetApproximateSizes(SizeApproximationOptions(), ranges, n, sizes);
  }
  // The entries (every version, deletions included; range tombstones not) of the
  // memtables in range, and the bytes of their keys and values: *count and *size,
  // exact as of the call. It walks those entries: its cost grows with the range's share
  // of the memtables. Both 0 for start >= limit. REQUIRES: count and size not null.
  virtual void GetApproximateMemTableStats(const Range& range, uint64_t* count, uint64_t* size) = 0;

  // Writes the memtable to a table and waits until it is done.
  virtual Status Flush() = 0;
  // Compacts the key range [*begin, *end] (null means unbounded): flushes the memtables,
  // then compacts every level above the deepest one holding keys of the range into the
  // one below, so the range ends in one level (L1 at least), with
  // overwritten versions and tombstones dropped unless a live snapshot still sees them.
  virtual Status CompactRange(const std::string_view* begin, const std::string_view* end) = 0;

  // Makes a checkpoint: a new database directory dir holding this database as of one
  // moment during the call, which opens on its own (DB::Open, DB::OpenForReadOnly) and
  // is independent of this one afterwards. Writes may go on meanwhile: the checkpoint
  // holds every write acknowledged before the call, and of the writes made during it,
  // exactly those below some sequence number (a prefix: never a later write without an
  // earlier one). It holds no log: the tables of the moment are hard-linked into dir
  // (copied where the file system cannot link, e.g. across file systems), what the
  // memtables hold up to that sequence is written to dir as one more table, and a new
  // MANIFEST and CURRENT name them. Every file and dir are synced before OK.
  // The checkpoint is built in the sibling "<dir>.tmp" (a leftover one, from a
  // checkpoint a crash cut short, is removed first) and renamed to dir at the end, so a
  // crash never leaves a half-made checkpoint under the name dir. dir's parent must
  // exist. Errors: InvalidArgument if dir is empty or exists (nothing is changed then);
  // the error of the flush (options.flush_before); IOError from the file system (the
  // temporary directory is removed). A read-only handle checkpoints the state it sees
  // (no flush); beside a writer, a table the writer's compaction deleted since the open
  // makes it fail with NotFound naming the table: open again and retry.
  // Thread-safe; may run beside writes, reads, flushes and compactions.
  virtual Status CreateCheckpoint(const CheckpointOptions& options, const std::string& dir) = 0;
  Status CreateCheckpoint(const std::string& dir) {
    return CreateCheckpoint(CheckpointOptions(), dir);
  }

  // Background errors. When a flush, a compaction, a MANIFEST write, or a WAL append or
  // sync fails, the database stops taking writes: every later write (and Flush,
  // CompactRange) returns that error, whose message names what failed, until the error
  // is cleared. Reads (Get, iterators, snapshots) go on and see every acknowledged write.
  // A write that returned an error was not acknowledged: after a reopen it may or may not
  // be present (a WAL record whose sync failed can survive). Nothing the failed work
  // wrote is installed; its leftover files are deleted by Resume or the next Open. The
  // error is readable as the property "lsmdb.background-error", which reads "OK" only
  // when writes are accepted (during a Resume it still shows the error being cleared).
  //
  // Resume() clears a retryable background error (an I/O error, a full device
  // included) and makes the database writable again, keeping every acknowledged write;
  // a write that failed on the WAL never reappears once Resume has succeeded. It may
  // block while it flushes the memtables (docs/DESIGN.md §9 says how it works). OK:
  // writes succeed again (a later failure, such as of a retried compaction, stops them
  // again). Otherwise the error that still stops writes; Corruption and other non-I/O
  // errors are never cleared (reopen, or repair, the database). OK when there is no
  // error. A full device (Status::NoSpace) is also retried by a background thread on its
  // own (Options::max_bgerror_resume_count). Writes queued meanwhile wait for Resume and
  // then proceed. Thread-safe; concurrent calls are serialized.
  virtual Status Resume() = 0;
};

// Removes the database's files and directory. OK if the directory does not exist.
// Fails with IOError if the database is open.
LSMDB_EXPORT Status DestroyDB(const std::string& path, const Options& options);

// Rebuilds a damaged database from the tables and logs that can be read.
LSMDB_EXPORT Status RepairDB(const std::string& path, const Options& options);

}  // namespace lsmdb

#endif  // LSMDB_DB_H_
