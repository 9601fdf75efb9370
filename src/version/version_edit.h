// FileMetaData (one table of the tree) and VersionEdit (a change of the set of tables,
// one record of the MANIFEST; docs/format/manifest.md gives the bytes).
//
// Thread-safety: a VersionEdit is a value used by one thread. A FileMetaData is
// immutable once installed in a Version, except `being_compacted`, which is guarded by
// the DB mutex.
#ifndef LSMDB_VERSION_VERSION_EDIT_H_
#define LSMDB_VERSION_VERSION_EDIT_H_

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

struct FileMetaData {
  uint64_t number = 0;
  uint64_t file_size = 0;
  std::string smallest;  // internal key
  std::string largest;   // internal key
  SequenceNumber smallest_seq = 0;
  SequenceNumber largest_seq = 0;
  uint64_t num_entries = 0;
  uint64_t num_deletions = 0;
  // Runtime only: a compaction has picked this file (guarded by the DB mutex).
  bool being_compacted = false;
  // Runtime only: the open table, pinned by TableCache::Get (see table_pin.h).
  mutable TablePin pin;
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
