// Version: the set of tables in each level at one point in time. Immutable once built;
// shared by std::shared_ptr, so a reader or iterator that holds one keeps every table in
// it alive (VersionSet::AddLiveFiles sees it).
//
// L0 tables may overlap and are kept newest first; in every level >= 1 the tables are
// sorted by key and do not overlap.
//
// Thread-safety: const methods are safe to call concurrently.
#ifndef LSMDB_VERSION_VERSION_H_
#define LSMDB_VERSION_VERSION_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "lsmdb/options.h"
#include "util/internal_iterator.h"
#include "util/internal_key.h"
#include "version/table_cache.h"
#include "version/version_edit.h"

namespace lsmdb {

using FileList = std::vector<std::shared_ptr<FileMetaData>>;

// The table a read charges for seek compaction (SeekBudget): for a point lookup, the
// first table whose data block it searched in vain (its filter let the key through), when
// it then had to probe another table; for an iterator seek, see ChargeForKey. file is
// null when there is none.
struct SeekCharge {
  FileMetaData* file = nullptr;
  int level = -1;
};

class Version {
 public:
  Version(const InternalKeyComparator* icmp, TableCache* table_cache, int num_levels)
      : icmp_(icmp), table_cache_(table_cache), num_levels_(num_levels) {}

  // Looks up key in the tables. *found is false if no table holds the key. Otherwise
  // *s is OK with *value set (a value) or NotFound (a deletion). Returns non-OK for an
  // I/O error or corruption.
  // When charge is given, it is set to the table this lookup charges (see SeekCharge).
  Status Get(const ReadOptions& options, const LookupKey& key, std::string* value, bool* found,
             SeekCharge* charge = nullptr) const;

  // For a sampled iterator read at user_key: the first (newest) table whose key range
  // holds user_key, when a second one does too; none otherwise. An iterator positioned
  // near user_key had to position every one of those tables.
  SeekCharge ChargeForKey(std::string_view user_key) const;

  // Appends an iterator per L0 table and one per non-empty deeper level.
  // REQUIRES: this Version outlives the iterators.
  void AddIterators(const ReadOptions& options,
                    std::vector<std::unique_ptr<InternalIterator>>* iters) const;

  int num_levels() const { return num_levels_; }
  const FileList& files(int level) const { return files_[level]; }
  int NumFiles(int level) const { return static_cast<int>(files_[level].size()); }
  uint64_t LevelBytes(int level) const;

  // The files of level that overlap the user-key range [begin, end] (null = unbounded).
  // For L0, the range grows to cover every overlapping file's range, transitively.
  FileList GetOverlappingInputs(int level, const std::string_view* begin,
                                const std::string_view* end) const;
  bool OverlapInLevel(int level, const std::string_view* smallest_user_key,
                      const std::string_view* largest_user_key) const;

  // The approximate number of table bytes (over every level) holding entries before
  // ikey: whole tables below ikey, plus the part of each table that straddles it. A
  // table that cannot be opened counts as 0 bytes of the part. Grows with ikey.
  uint64_t ApproximateOffsetOf(std::string_view ikey) const;

  // The table numbered number in level (any level when level < 0), or null.
  const FileMetaData* FileByNumber(uint64_t number, int level = -1) const;

  std::string DebugString() const;

  // For tests that build versions by hand: appends f to level. The caller keeps the
  // level's order (L0 newest first; deeper levels sorted and disjoint).
  void TEST_AppendFile(int level, std::shared_ptr<FileMetaData> f) {
    files_[level].push_back(std::move(f));
  }

 private:
  friend class VersionSet;

  const InternalKeyComparator* const icmp_;
  TableCache* const table_cache_;
  const int num_levels_;
  std::array<FileList, kMaxLevels> files_;
};

// Index of the first file in a sorted, non-overlapping list whose largest key is >=
// ikey; files.size() if there is none.
size_t FindFile(const InternalKeyComparator& icmp, const FileList& files, std::string_view ikey);

// Index of the first file in such a list whose largest user key is >= user_key (the only
// file that can hold user_key's newest entry); files.size() if there is none.
size_t FindFileForUserKey(const Comparator& ucmp, const FileList& files, std::string_view user_key);

// An iterator over the concatenation of a sorted, non-overlapping list of tables, which
// opens each table only when it reaches it. The list is borrowed, not copied (copying
// it would touch the reference count of every file of the level per iterator).
// REQUIRES: *files (and so the Version or Compaction holding it) outlives the iterator.
std::unique_ptr<InternalIterator> NewLevelIterator(const ReadOptions& options,
                                                   const InternalKeyComparator* icmp,
                                                   TableCache* table_cache, const FileList* files);

}  // namespace lsmdb

#endif  // LSMDB_VERSION_VERSION_H_
