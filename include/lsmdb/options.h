// Options that control a database, and options of single reads and writes.
//
// Options is an aggregate: write `Options{.create_if_missing = true}`. DB::Open checks
// every field and rejects a bad value with InvalidArgument naming the field; nothing is
// silently clamped.
#ifndef LSMDB_OPTIONS_H_
#define LSMDB_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "lsmdb/export.h"

namespace lsmdb {

class Comparator;
class FileSystem;
class MergeOperator;
class Snapshot;

// Block compression. Persisted in every table block — never renumber.
enum class CompressionType : uint8_t {
  kNone = 0,
  kSnappy = 1,
  kLz4 = 2,
  kZstd = 3,
};

// What recovery does with damage in the write-ahead log.
enum class WalRecoveryMode : uint8_t {
  // Default. What a crash leaves at the end of the last log (a torn write, or damage no
  // valid record follows) is dropped and reported in LOG; damage followed by a valid
  // record is Corruption. The end of an older log is judged by the next log's link
  // record (docs/format/wal.md §5): damage past every write of that log is dropped; an
  // older log that a power loss cut short ends replay before the next log (only unsynced
  // writes are lost then). Open then holds a prefix of the writes with every synced one.
  kTolerateCorruptedTailRecords = 0,
  // Any damage, even a torn tail or an older log cut short, is Corruption.
  kAbsoluteConsistency = 1,
  // Stops replay at the first damaged record, keeping every record before it: the
  // database opens holding a prefix of the writes. The damage is reported in LOG.
  kPointInTimeRecovery = 2,
};

// Size limits of a single entry. Longer keys or values get InvalidArgument.
inline constexpr size_t kMaxKeySize = size_t{8} << 20;      // 8 MiB
inline constexpr size_t kMaxValueSize = size_t{256} << 20;  // 256 MiB

struct LSMDB_EXPORT Options {
  // Order of user keys. Not owned: must outlive every DB opened with it (and their
  // iterators). A database must always be opened with a comparator of the same Name()
  // (otherwise Open fails with InvalidArgument). Default: BytewiseComparator() (when
  // null).
  const Comparator* comparator = nullptr;
  // Where files live. Default: FileSystem::Default() (when null).
  std::shared_ptr<FileSystem> file_system = nullptr;
  // Gives DB::Merge its meaning (include/lsmdb/merge_operator.h; built-in ones in
  // merge_operators.h). Null: DB::Merge and batches holding merges are InvalidArgument,
  // and reading a key that holds operands is NotSupported. Default: null.
  std::shared_ptr<MergeOperator> merge_operator = nullptr;

  // Create the database if it does not exist. Default: false.
  bool create_if_missing = false;
  // Fail if the database already exists. Default: false.
  bool error_if_exists = false;
  // Check more, and fail rather than skip damage. Default: false. With it:
  //  - Open checks that every table the MANIFEST lists exists with the recorded size
  //    (Corruption naming the file otherwise), and each table's footer and index
  //    checksums when it is first opened;
  //  - WAL replay with kTolerateCorruptedTailRecords fails with Corruption on a damaged
  //    (checksum-failing) record at the end of the last log instead of dropping it, and
  //    on damage at the end of an older log or an older log cut short; an incomplete
  //    record at the end of the last log (a torn write, what a crash leaves) is still
  //    dropped. kAbsoluteConsistency already fails on all of these; kPointInTimeRecovery
  //    still stops at damage (choosing that mode is choosing to keep the prefix);
  //  - every table a flush or compaction writes is read back in full (checksums, key
  //    order, entry count) before it is installed; a failure is a background error;
  //  - every data block read from a table file is verified on each read from the file,
  //    memory-mapped tables included.
  bool paranoid_checks = false;

  // Bytes of writes a memtable holds before it is turned into a table. Default: 64 MiB.
  // Range: [64 KiB, 4 GiB]. The budget includes a filter of the memtable's keys of
  // write_buffer_size / 64 bytes.
  size_t write_buffer_size = size_t{64} << 20;
  // Memtables (active + immutable) held at most; writers wait when all are full.
  // Default: 2. Range: [2, 64].
  int max_write_buffer_number = 2;

  // Uncompressed bytes of user data per table block. Default: 4 KiB. Range: [256, 64 MiB].
  size_t block_size = 4096;
  // Keys between restart points in a block. Default: 16. Range: [1, 65536].
  int block_restart_interval = 16;
  // Bytes of decompressed blocks kept in memory. 0 disables the cache. Default: 32 MiB.
  size_t block_cache_capacity = size_t{32} << 20;
  // Bloom filter bits per key; 0 builds no filter. Default: 10 (about 1% false
  // positives). Range: [0, 64].
  int bloom_bits_per_key = 10;
  // Compression of table blocks. Default: kSnappy.
  CompressionType compression = CompressionType::kSnappy;
  // zstd level when compression is kZstd. Default: 3. Range: [1, 19].
  int zstd_level = 3;
  // Files kept open at once, tables included (a table counts whether the file system
  // holds it by a descriptor or a memory mapping). Tables pinned by live iterators may
  // exceed the bound. Default: 1000. Range: [16, 1000000].
  int max_open_files = 1000;

  // Levels of the tree. Default: 7. Range: [2, 12].
  int num_levels = 7;
  // Bytes at which a compaction (or RepairDB) cuts the table it is writing; a flush
  // writes each memtable as one table. 0 means an eighth of max_bytes_for_level_base
  // (32 MiB with the defaults), but at least 64 KiB. Default: 0.
  // Range: 0 or [64 KiB, 4 GiB].
  uint64_t target_file_size = 0;
  // L0 tables that start a compaction into L1. Default: 4. Range: [1, 1000].
  int level0_file_num_compaction_trigger = 4;
  // L0 tables at which writes are slowed. Default: 20. Must be >= the trigger.
  int level0_slowdown_writes_trigger = 20;
  // L0 tables at which writes stop until compaction catches up. Default: 36. Must be >=
  // the slowdown trigger.
  int level0_stop_writes_trigger = 36;
  // Target bytes of L1 (with dynamic level sizing: the most the base level is given).
  // 0 means write_buffer_size * level0_file_num_compaction_trigger (256 MiB with the
  // defaults), but at least 64 KiB. Default: 0. Range: 0 or [64 KiB, 2^50].
  uint64_t max_bytes_for_level_base = 0;
  // Each level's target is this many times the one above. Default: 10. Range: [2, 100].
  double max_bytes_for_level_multiplier = 10;
  // Derive level targets from the size of the last level (as RocksDB's
  // level_compaction_dynamic_level_bytes). Default: false.
  bool level_compaction_dynamic_level_bytes = false;
  // Background threads for flushes and compactions. Default: 2. Range: [1, 256].
  int max_background_jobs = 2;
  // Key-range pieces a large L0 -> L1 compaction may be split into, run in parallel.
  // Default: 1 (no split). Range: [1, 64].
  int max_subcompactions = 1;
  // Seek compaction: a table that reads keep passing through on their way to deeper
  // levels is compacted into the level below once it has cost about one read per 16 KiB
  // of its size (at least 100 reads), when no level is over its target
  // (docs/DESIGN.md §6 says which reads count). Default: true.
  bool seek_compaction = true;

  // What recovery does with a damaged write-ahead log.
  // Default: kTolerateCorruptedTailRecords.
  WalRecoveryMode wal_recovery_mode = WalRecoveryMode::kTolerateCorruptedTailRecords;
  // A MANIFEST larger than this is rolled over to a new one holding just the current
  // state. Default: 64 MiB. Range: [4 KiB, ...).
  uint64_t max_manifest_file_size = uint64_t{64} << 20;

  // When a background error is Status::NoSpace (the device is full), a background thread
  // retries DB::Resume() on its own, up to this many times in a row; writes succeed
  // again once space is back. 0 leaves recovery to DB::Resume(). Other errors are never
  // retried automatically. Default: 2147483647 (keep trying). Range: [0, 2147483647].
  int max_bgerror_resume_count = 2147483647;
  // Microseconds before the first automatic retry; the wait doubles after each failed
  // retry, up to 1 s (or this interval, if longer). Default: 10000 (10 ms).
  // Range: [1, 60000000].
  uint64_t bgerror_resume_retry_interval = 10000;
};

struct LSMDB_EXPORT ReadOptions {
  // Read as of this snapshot; null reads the latest state. REQUIRES: null, or a snapshot
  // that GetSnapshot of the same DB returned and that is not yet released. Default: null.
  const Snapshot* snapshot = nullptr;
  // Verify the checksum of each table block this read uses before using it; a block
  // verified once (when it entered the block cache, or by an earlier read of the same
  // open table) is not verified again. With false, blocks this read loads unverified are
  // used as they are and are not added to the block cache. Options::paranoid_checks
  // verifies every block read from a file regardless. Default: true.
  bool verify_checksums = true;
  // Put the blocks this read loads into the block cache. Default: true.
  bool fill_cache = true;
  // Iterators only: the inclusive lower and exclusive upper bound of the keys they show.
  // The bytes must outlive the iterator. Default: unbounded.
  std::optional<std::string_view> lower_bound = std::nullopt;
  std::optional<std::string_view> upper_bound = std::nullopt;
};

struct LSMDB_EXPORT WriteOptions {
  // fsync the write-ahead log before acknowledging: the write then survives a power
  // loss. Without it a write survives a process crash but may be lost by a power loss.
  // Default: false.
  bool sync = false;
  // Skip the write-ahead log: the write is lost by any crash until the memtable holding
  // it is flushed. Default: false. Incompatible with sync.
  bool disable_wal = false;
};

// What DB::GetApproximateSizes counts. At least one must be set.
struct LSMDB_EXPORT SizeApproximationOptions {
  // The bytes of the tables' files that hold the range. Default: true.
  bool include_files = true;
  // The bytes of the memtables' entries (keys and values) in the range. Default: false.
  bool include_memtables = false;
};

struct LSMDB_EXPORT CheckpointOptions {
  // Flush the memtable (DB::Flush) before taking the checkpoint, so that the database's
  // own writes are in tables, which the checkpoint links rather than writes. Without it,
  // or on a read-only handle (which cannot flush), the checkpoint still holds every
  // write: what the memtables hold is written into it as a table. Default: true.
  bool flush_before = true;
};

}  // namespace lsmdb

#endif  // LSMDB_OPTIONS_H_
