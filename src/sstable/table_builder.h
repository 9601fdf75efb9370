// TableBuilder: writes a sorted sequence of key/value pairs as a table file
// (docs/format/sstable.md): data blocks, then the filter, index and properties blocks,
// then the footer.
//
// The builder appends to a WritableFile it does not own and never syncs or closes it:
// the caller does that after Finish(). After the first failed write every later call is
// a no-op and status() returns the error.
//
// Thread-safety: one thread at a time.
#ifndef LSMDB_SSTABLE_TABLE_BUILDER_H_
#define LSMDB_SSTABLE_TABLE_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsmdb/comparator.h"
#include "lsmdb/file_system.h"
#include "lsmdb/options.h"
#include "lsmdb/status.h"
#include "sstable/block_builder.h"
#include "sstable/bloom_filter.h"
#include "sstable/format.h"
#include "sstable/table_properties.h"
#include "util/range_tombstone.h"

namespace lsmdb {

struct TableOptions {
  // Orders the keys added. The DB passes an InternalKeyComparator. Must outlive the
  // builder. Default: none (required).
  const Comparator* comparator = nullptr;
  // Uncompressed bytes of entries per data block; a block is cut once it reaches this.
  // Default: 4 KiB.
  size_t block_size = 4096;
  // Keys between restart points in data blocks. Default: 16. Must be >= 1.
  int block_restart_interval = 16;
  // Bloom filter bits per key; 0 writes no filter. Default: 10.
  int bloom_bits_per_key = 10;
  // Codec for data blocks (a block that would not shrink by 1/8 is stored uncompressed).
  // Default: kNone.
  CompressionType compression = CompressionType::kNone;
  // zstd level for kZstd. Default: 3.
  int zstd_level = 3;
  // When true, keys are internal keys (util/internal_key.h): the filter holds user keys,
  // and tombstones and sequence numbers are counted in the properties. Default: true.
  bool keys_are_internal = true;
};

class TableBuilder {
 public:
  // REQUIRES: options.comparator != null, options.block_restart_interval >= 1.
  TableBuilder(const TableOptions& options, WritableFile* file);
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;
  // REQUIRES: Finish() or Abandon() was called.
  ~TableBuilder();

  // Adds an entry. REQUIRES: key > every key added before (per the comparator);
  // Finish()/Abandon() not called. With keys_are_internal, a key that does not parse as
  // an internal key sets status() to InvalidArgument.
  void Add(std::string_view key, std::string_view value);

  // Sets the range tombstones written in the table's range-deletion block (none by
  // default). REQUIRES: Finish()/Abandon() not called.
  void SetRangeTombstones(std::vector<RangeTombstone> tombstones) {
    range_dels_ = std::move(tombstones);
  }

  // Writes the last data block, the filter, index and properties blocks and the footer.
  // Does not Sync() or Close() the file. Returns status().
  Status Finish();

  // Stops building; the file's contents are garbage the caller deletes.
  void Abandon();

  Status status() const { return status_; }
  uint64_t NumEntries() const { return props_.num_entries; }
  // Bytes written to the file so far (the final file size after Finish()); excludes the
  // data block being filled.
  uint64_t FileSize() const { return offset_; }
  // Counts so far; complete after Finish().
  const TableProperties& properties() const { return props_; }

 private:
  void FlushDataBlock();
  // Compresses (if asked) and writes raw as one block; sets *handle.
  void WriteBlock(std::string_view raw, CompressionType compression, BlockHandle* handle);
  void WriteRaw(std::string_view data);

  const TableOptions options_;
  WritableFile* const file_;
  uint64_t offset_ = 0;
  Status status_;
  bool closed_ = false;

  BlockBuilder data_block_;
  BlockBuilder index_block_;
  std::unique_ptr<BloomFilterBuilder> filter_;  // null without a filter
  TableProperties props_;
  std::vector<RangeTombstone> range_dels_;
  std::string last_key_;
  // After a data block is written, its index entry waits for the next key so that the
  // separator can be chosen between the block's last key and the next block's first.
  bool pending_index_entry_ = false;
  BlockHandle pending_handle_;
  std::string compressed_;       // scratch for CompressBlock
  std::string separator_;        // scratch for index keys
  std::string handle_encoding_;  // scratch for index values
};

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_TABLE_BUILDER_H_
