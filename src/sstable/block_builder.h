// BlockBuilder: assembles the bytes of one data or index block.
//
// Keys are prefix-compressed against the key before them; every
// `restart_interval`-th key is stored whole and its offset recorded as a restart point,
// so that a reader can binary-search the restarts:
//
//   entry    := varint32 shared | varint32 unshared | varint32 value_len
//               | key[shared, shared + unshared) | value
//   block    := entry* | fixed32 restart_offset[num_restarts] | fixed32 num_restarts
//
// docs/format/sstable.md has the details. The trailer (compression, checksum) is added
// by the TableBuilder, not here.
//
// Thread-safety: one thread at a time.
#ifndef LSMDB_SSTABLE_BLOCK_BUILDER_H_
#define LSMDB_SSTABLE_BLOCK_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdb {

class BlockBuilder {
 public:
  // REQUIRES: restart_interval >= 1.
  explicit BlockBuilder(int restart_interval);
  BlockBuilder(const BlockBuilder&) = delete;
  BlockBuilder& operator=(const BlockBuilder&) = delete;

  // Appends an entry. REQUIRES: Finish() not called since the last Reset(); key is
  // after every key added before (the caller's order; not checked here).
  void Add(std::string_view key, std::string_view value);

  // Appends the restart array and returns the whole block. The bytes stay valid until
  // Reset() or destruction.
  std::string_view Finish();

  // Empties the builder for the next block.
  void Reset();

  // Bytes the block would take if finished now.
  size_t CurrentSizeEstimate() const;
  bool empty() const { return num_entries_ == 0; }
  size_t num_entries() const { return num_entries_; }

 private:
  const int restart_interval_;
  std::string buffer_;
  std::vector<uint32_t> restarts_;
  int counter_ = 0;  // entries since the last restart
  size_t num_entries_ = 0;
  bool finished_ = false;
  std::string last_key_;
};

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_BLOCK_BUILDER_H_
