// TableCache: the open tables of a database, at most `capacity` at a time.
//
// A table is opened (its file, footer, index and filter read) on first use and kept in
// an LRU cache keyed by file number; the least recently used unpinned table is closed
// when the cache is full. An iterator pins its table until it is destroyed, so the
// process holds at most capacity + (tables pinned by live iterators) tables open, plus
// one for each thread opening a table at that moment (a table is opened before the least
// recently used one is closed; DBImpl keeps 10 of max_open_files aside for this and for
// the WAL, MANIFEST and LOG). Get() and NewIterator() also pin up to capacity / 2 tables
// in their FileMetaData (FileMetaData::pin), until the file leaves every Version: later
// calls on those files skip the cache lookup.
//
// Thread-safety: safe for concurrent use.
#ifndef LSMDB_VERSION_TABLE_CACHE_H_
#define LSMDB_VERSION_TABLE_CACHE_H_

#include <functional>
#include <memory>
#include <string>

#include "cache/cache.h"
#include "lsmdb/file_system.h"
#include "lsmdb/options.h"
#include "sstable/table.h"
#include "util/internal_iterator.h"
#include "util/internal_key.h"
#include "util/statistics.h"
#include "version/version_edit.h"

namespace lsmdb {

class TableCache {
 public:
  // fs, icmp, stats must outlive the cache; block_cache may be null.
  TableCache(std::string dbname, FileSystem* fs, const InternalKeyComparator* icmp,
             std::shared_ptr<Cache> block_cache, ReadStats* stats, bool paranoid_checks,
             int capacity);
  // REQUIRES: every FileMetaData this cache pinned a table in is destroyed.
  ~TableCache();
  TableCache(const TableCache&) = delete;
  TableCache& operator=(const TableCache&) = delete;

  // An iterator over the table. On error, an empty iterator carrying the status.
  // REQUIRES: file outlives the iterator (it may use the table pinned in file).
  std::unique_ptr<InternalIterator> NewIterator(const ReadOptions& options,
                                                const FileMetaData& file);
  // Looks up ikey in the table (see Table::Get). REQUIRES: file outlives this cache or
  // is destroyed before it (the table may be pinned in it).
  Status Get(const ReadOptions& options, const FileMetaData& file, std::string_view ikey,
             const std::function<void(std::string_view, std::string_view)>& handle_result);
  // The range tombstones of the table (opening it if needed): fragmented (null if none)
  // and/or as written. Either pointer may be null.
  Status GetRangeTombstones(const FileMetaData& file,
                            std::shared_ptr<const FragmentedRangeTombstones>* fragmented,
                            std::vector<RangeTombstone>* list = nullptr);
  // The approximate offset in the table's file at which its entries >= ikey begin
  // (Table::ApproximateOffsetOf), opening the table if needed.
  Status ApproximateOffsetOf(const FileMetaData& file, std::string_view ikey, uint64_t* offset);
  // Opens the table (if needed) and verifies every block checksum.
  Status Verify(const FileMetaData& file);

  // Opens the table (if needed) and readies it for readers (Table::Warm). For a table
  // recently written by a flush or compaction. Best effort: an error is left for the
  // first reader to report.
  void Warm(const FileMetaData& file);
  // Drops the table from the cache (its file is about to be deleted). A table pinned in
  // a FileMetaData (see above) stays open until that FileMetaData is destroyed.
  void Evict(uint64_t file_number);

  size_t OpenTables() const { return cache_->TotalCharge(); }

 private:
  // Opens (or finds open) the table of file. On open, the table's own record of itself
  // (its properties: first and last key, entry count) must match file's: a mismatch is
  // Corruption naming the file (another table put in its place).
  Status FindTable(const FileMetaData& file, Cache::Handle** handle);

  const std::string dbname_;
  FileSystem* const fs_;
  const InternalKeyComparator* const icmp_;
  const std::shared_ptr<Cache> block_cache_;
  ReadStats* const stats_;
  const bool paranoid_checks_;
  std::shared_ptr<Cache> cache_;
  TablePinOwner pin_owner_;
};

}  // namespace lsmdb

#endif  // LSMDB_VERSION_TABLE_CACHE_H_
