// Table: a reader of one table file (the format TableBuilder writes;
// docs/format/sstable.md).
//
// Open() reads the footer, the index, filter and properties blocks and checks them; the
// index block and the filter stay pinned in the Table (in memory, not charged to the
// block cache) for as long as it is open, so a lookup never reads them from the file.
// Data blocks are read on demand through the block cache (if one is given): each is
// checksum-verified and decompressed once, when it is read from the file, and cached
// decompressed under the key (table's cache id, block offset) with Priority::kLow.
//
// A table whose file is memory-mapped (RandomAccessFile::MappedContents()) reads its
// uncompressed data blocks in place instead: no copy, no allocation, no cache entry (the
// operating system's page cache holds them). Each such block's checksum is verified the
// first time this Table reads it (a bit per block records it), not on every read; with
// TableReaderOptions::paranoid_checks, every block goes through the cache path above.
//
// Every damage is reported as Corruption naming the file (and the block offset where one
// applies), never as a wrong value.
//
// Thread-safety: a Table is immutable after Open(); any number of threads may call Get()
// and use their own iterators at once.
#ifndef LSMDB_SSTABLE_TABLE_H_
#define LSMDB_SSTABLE_TABLE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cache/cache.h"
#include "lsmdb/comparator.h"
#include "lsmdb/file_system.h"
#include "lsmdb/options.h"
#include "lsmdb/status.h"
#include "sstable/block.h"
#include "sstable/bloom_filter.h"
#include "sstable/format.h"
#include "sstable/index_prefixes.h"
#include "sstable/table_properties.h"
#include "util/internal_iterator.h"
#include "util/range_tombstone.h"
#include "util/statistics.h"

namespace lsmdb {

struct TableReaderOptions {
  // The order the table was built with (an InternalKeyComparator in a DB). Must outlive
  // the Table. Default: none (required).
  const Comparator* comparator = nullptr;
  // Whether keys are internal keys: then the filter is probed with their user keys.
  // Must match the builder's TableOptions::keys_are_internal. Default: true.
  bool keys_are_internal = true;
  // Cache of decompressed data blocks, shared between tables. Default: null (none).
  std::shared_ptr<Cache> block_cache;
  // Counters of cache hits and filter results. Must outlive the Table. Default: null.
  ReadStats* stats = nullptr;
  // Named in every error message. Default: empty.
  std::string file_name;
  // Also check at Open() that every index entry decodes and points inside the file, and
  // never read blocks in place (so each read from the file is verified). Default: false.
  bool paranoid_checks = false;
};

// A data block held for reading: pinned in the block cache (released when this object
// is reset or destroyed), owned outright, or borrowed in place from a mapped file (which
// the Table keeps alive). Used by Table and its iterators.
class PinnedBlock {
 public:
  PinnedBlock() = default;
  PinnedBlock(const PinnedBlock&) = delete;
  PinnedBlock& operator=(const PinnedBlock&) = delete;
  ~PinnedBlock() { Reset(); }

  // Null when nothing is held.
  const Block* get() const { return block_; }
  void Reset();

 private:
  friend class Table;
  void SetCached(Cache* cache, Cache::Handle* handle, const Block* block);
  void SetOwned(std::unique_ptr<Block> block);
  void SetInPlace(std::string_view data);

  Cache* cache_ = nullptr;
  Cache::Handle* handle_ = nullptr;
  std::unique_ptr<Block> owned_;
  std::optional<Block> in_place_;
  const Block* block_ = nullptr;
};

class Table {
 public:
  // Opens the table held by file, of file_size bytes, taking ownership of file. Reads
  // and checks the footer, index, filter and properties; on any damage returns
  // Corruption naming options.file_name (NotSupported for an unknown format version).
  // REQUIRES: options.comparator != null.
  static Status Open(const TableReaderOptions& options, std::unique_ptr<RandomAccessFile> file,
                     uint64_t file_size, std::unique_ptr<Table>* table);

  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  ~Table();

  // An iterator over every entry of the table (index block -> data blocks). Errors make
  // it invalid with status() set. options.lower_bound/upper_bound are not applied here.
  // REQUIRES: the Table outlives the iterator.
  std::unique_ptr<InternalIterator> NewIterator(const ReadOptions& options) const;

  // Point lookup of ikey. Unless the filter proves ikey's user key absent (counted in
  // stats->bloom_useful; bloom_positive otherwise), seeks the first entry >= ikey and,
  // if there is one, calls handle_result(key, value) with bytes valid only during the
  // call. Returns non-OK only for I/O errors and corruption. Allocates nothing on the
  // heap when the data block is in the cache (beyond what handle_result does).
  // REQUIRES: with keys_are_internal, ikey is an internal key (else InvalidArgument).
  Status Get(const ReadOptions& options, std::string_view ikey,
             const std::function<void(std::string_view, std::string_view)>& handle_result) const;

  // False if the filter proves that no key with this user key (or, for tables of plain
  // keys, this key) is in the table. True when there is no filter.
  bool KeyMayMatch(std::string_view user_key) const;

  const TableProperties& properties() const { return properties_; }
  // The table's range tombstones (read and checked at Open), fragmented; null if none.
  const std::shared_ptr<const FragmentedRangeTombstones>& range_tombstones() const {
    return range_tombstones_;
  }
  // The same, as written.
  const std::vector<RangeTombstone>& range_tombstone_list() const { return range_del_list_; }
  const std::string& file_name() const { return options_.file_name; }

  // The approximate file offset at which the entries >= ikey begin: the offset of the
  // data block holding them, or the end of the data blocks.
  uint64_t ApproximateOffsetOf(std::string_view ikey) const;

  // Reads every block from the file (bypassing the cache) and checks its checksum and
  // structure. For `lsmdb verify`.
  Status VerifyChecksums() const;

  // Readies a table just written, whose bytes are still in the page cache, for readers:
  // announces the whole file (RandomAccessFile::WillRead; a mapped file maps every page
  // now, so the first reads take no page faults) and, when blocks are read in place,
  // verifies the checksum of each uncompressed data block now and records it (the first
  // read then skips the check). A block that fails is left unrecorded: its first read
  // checks it again and reports Corruption. Best effort: reports nothing. Meant for a
  // background thread (the DB's, when idle, for tables its flushes and compactions wrote).
  // Does nothing unless the whole file is in memory (RandomAccessFile::InMemory), so that
  // warming never reads from the device nor evicts the pages readers use.
  void Warm() const;

 private:
  friend class TableIterator;

  Table(const TableReaderOptions& options, std::unique_ptr<RandomAccessFile> file,
        uint64_t file_size);
  Status ReadMetaBlocks();
  // Reads and checks the range-deletion block, if the properties name one.
  Status ReadRangeDelBlock();
  // Turns on in-place reads if the file is mapped and the index has one entry per
  // restart point.
  void EnableInPlaceReads();
  Status CheckIndexEntries() const;
  // Fetches the data block at handle, the block_index-th of the table (the ordinal of
  // its index entry): in place from a mapped file, else through the cache. On OK, out
  // holds it.
  Status ReadDataBlock(const ReadOptions& options, const BlockHandle& handle, uint32_t block_index,
                       PinnedBlock* out) const;
  // Reads an uncompressed block of a mapped file in place, verifying its checksum the
  // first time. Returns false (out untouched) when the block is compressed.
  bool ReadInPlace(const ReadOptions& options, const BlockHandle& handle, uint32_t block_index,
                   PinnedBlock* out, Status* s) const;
  // Positions index (an iterator over index_block_) at the first entry >= target.
  void SeekIndex(BlockIter* index, std::string_view target) const;
  // Adds the file name and block offset to a status from a block iterator.
  Status BlockStatus(const Status& s, uint64_t offset) const;
  uint64_t DataEndOffset() const;
  // Smallest valid key: 8 bytes for internal keys, else 0.
  size_t MinKeySize() const;

  const TableReaderOptions options_;
  const std::unique_ptr<RandomAccessFile> file_;
  const uint64_t file_size_;
  uint64_t cache_id_ = 0;
  Footer footer_;
  std::unique_ptr<Block> index_block_;
  IndexPrefixes index_prefixes_;  // narrows searches of index_block_
  BlockContents filter_contents_;
  BloomFilterReader filter_;
  bool has_filter_ = false;
  TableProperties properties_;
  std::vector<RangeTombstone> range_del_list_;
  std::shared_ptr<const FragmentedRangeTombstones> range_tombstones_;
  // In-place reads: the mapped file (empty when blocks go through the cache), and one bit
  // per data block, set once its checksum has been verified.
  std::string_view mapped_;
  uint32_t num_data_blocks_ = 0;
  std::unique_ptr<std::atomic<uint64_t>[]> verified_;
};

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_TABLE_H_
