// FileMetaData (one table of the tree) and VersionEdit (a change of the set of tables,
// one record of the MANIFEST; docs/format/manifest.md gives the bytes).
//
// Thread-safety: a VersionEdit is a value used by one thread. A FileMetaData is
// immutable once installed in a Version, except `being_compacted`, which is guarded by
// the DB mutex, and `pin` and `allowed_seeks`, which are atomic.
#ifndef LSMDB_VERSION_VERSION_EDIT_H_
#define LSMDB_VERSION_VERSION_EDIT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lsmdb/status.h"
#include "util/internal_key.h"
#include "version/table_pin.h"

namespace lsmdb {

// How many more reads may pass through a table on their way to a deeper one before the
// table is worth compacting into the level below ("seek compaction", as LevelDB's
// allowed_seeks): a read that probes this table and must then probe another one pays for
// this table's overlap with the deeper data; compacting the table removes that cost.
// Starts empty (never charged); VersionSet fills it when the table joins a Version.
// Copies start empty.
//
// Thread-safety: Charge may be called concurrently; Fill needs exclusive access.
class SeekBudget {
 public:
  // One seek per this many bytes of table: LevelDB's estimate that one wasted seek costs
  // about as much as compacting 16 KiB.
  static constexpr uint64_t kBytesPerSeek = 16 * 1024;
  static constexpr int32_t kMinSeeks = 100;

  SeekBudget() = default;
  SeekBudget(const SeekBudget&) noexcept {}
  SeekBudget& operator=(const SeekBudget&) noexcept {
    left_.store(0, std::memory_order_relaxed);
    return *this;
  }

  // Sets the budget of a table of file_size bytes.
  void Fill(uint64_t file_size) {
    uint64_t seeks = file_size / kBytesPerSeek;
    if (seeks < kMinSeeks) seeks = kMinSeeks;
    if (seeks > INT32_MAX) seeks = INT32_MAX;
    left_.store(static_cast<int32_t>(seeks), std::memory_order_relaxed);
  }

  // Spends n >= 1 seeks. True for exactly one call: the one that spends the last seek.
  // An empty budget costs one load (no write to a shared cache line).
  bool Charge(int32_t n = 1) {
    if (left_.load(std::memory_order_relaxed) <= 0) return false;
    const int32_t before = left_.fetch_sub(n, std::memory_order_relaxed);
    return before > 0 && before <= n;
  }

  int32_t left() const { return left_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int32_t> left_{0};
};

struct FileMetaData {
  uint64_t number = 0;
  uint64_t file_size = 0;
  std::string smallest;  // internal key
  std::string largest;   // internal key
  SequenceNumber smallest_seq = 0;
  SequenceNumber largest_seq = 0;
  uint64_t num_entries = 0;
  uint64_t num_deletions = 0;
  uint64_t num_range_deletions = 0;  // range tombstones in the table's range-deletion block
  // Runtime only: a compaction has picked this file (guarded by the DB mutex).
  bool being_compacted = false;
  // Runtime only: the open table, pinned by TableCache::Get (see table_pin.h).
  mutable TablePin pin;
  // Runtime only: reads left before a seek compaction (filled by VersionSet when
  // Options::seek_compaction is on).
  mutable SeekBudget allowed_seeks;
};

class VersionEdit {
 public:
  void Clear() { *this = VersionEdit(); }

  void SetComparatorName(std::string_view name) { comparator_ = std::string(name); }
  void SetLogNumber(uint64_t n) { log_number_ = n; }
  void SetNextFile(uint64_t n) { next_file_number_ = n; }
  void SetLastSequence(SequenceNumber s) { last_sequence_ = s; }
  void SetCompactPointer(int level, std::string_view ikey) {
    compact_pointers_.emplace_back(level, std::string(ikey));
  }
  // Adds a table at level. REQUIRES: f.smallest <= f.largest (internal key order).
  void AddFile(int level, const FileMetaData& f) { new_files_.emplace_back(level, f); }
  void RemoveFile(int level, uint64_t number) { deleted_files_.emplace(level, number); }

  const std::optional<std::string>& comparator() const { return comparator_; }
  const std::optional<uint64_t>& log_number() const { return log_number_; }
  const std::optional<uint64_t>& next_file_number() const { return next_file_number_; }
  const std::optional<SequenceNumber>& last_sequence() const { return last_sequence_; }
  const std::vector<std::pair<int, std::string>>& compact_pointers() const {
    return compact_pointers_;
  }
  const std::vector<std::pair<int, FileMetaData>>& new_files() const { return new_files_; }
  const std::set<std::pair<int, uint64_t>>& deleted_files() const { return deleted_files_; }

  void EncodeTo(std::string* dst) const;
  // Parses a record. Corruption (naming the field) if it is malformed, has an unknown
  // tag, or a level >= kMaxLevels.
  Status DecodeFrom(std::string_view src);

  // A readable form, for `lsmdb dump manifest` and the LOG.
  std::string DebugString() const;

 private:
  std::optional<std::string> comparator_;
  std::optional<uint64_t> log_number_;
  std::optional<uint64_t> next_file_number_;
  std::optional<SequenceNumber> last_sequence_;
  std::vector<std::pair<int, std::string>> compact_pointers_;
  std::set<std::pair<int, uint64_t>> deleted_files_;
  std::vector<std::pair<int, FileMetaData>> new_files_;
};

// The most levels a database can have (Options::num_levels is at most this).
inline constexpr int kMaxLevels = 12;

}  // namespace lsmdb

#endif  // LSMDB_VERSION_VERSION_EDIT_H_
