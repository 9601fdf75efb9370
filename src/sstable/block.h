// Block: one decoded data or index block (the format BlockBuilder writes), and BlockIter,
// the cursor over its entries.
//
// A Block owns its bytes when its BlockContents carries them (blocks read from a file,
// blocks in the block cache) and borrows them otherwise; borrowed bytes must outlive the
// Block. The restart array is validated once, when the Block is built; entries are
// checked as the iterator decodes them. Any damage makes iterators over the block
// invalid with a Corruption status() naming the offset inside the block — never an
// out-of-bounds read.
//
// Thread-safety: a Block is immutable, so any number of threads may iterate it at once.
// A BlockIter is used by one thread at a time.
#ifndef LSMDB_SSTABLE_BLOCK_H_
#define LSMDB_SSTABLE_BLOCK_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/comparator.h"
#include "sstable/format.h"
#include "util/internal_iterator.h"
#include "util/internal_key.h"

namespace lsmdb {

class Block {
 public:
  explicit Block(BlockContents contents);
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  std::string_view data() const { return contents_.data; }
  size_t size() const { return contents_.data.size(); }
  // Bytes of memory this object holds (what the block cache charges for it).
  size_t ApproximateMemoryUsage() const;
  // False if the restart array is damaged; iterators then report Corruption.
  bool ok() const { return !malformed_; }
  // Number of restart points (0 when !ok()).
  uint32_t num_restarts() const { return num_restarts_; }

  // An iterator ordering keys by comparator (see BlockIter). REQUIRES: the Block and
  // comparator outlive the iterator.
  std::unique_ptr<InternalIterator> NewIterator(const Comparator* comparator,
                                                size_t min_key_size = 0) const;

 private:
  friend class BlockIter;

  BlockContents contents_;
  uint32_t restarts_offset_ = 0;  // where the restart array begins
  uint32_t num_restarts_ = 0;
  bool malformed_ = false;
};

// The cursor over one Block. Built empty (Valid() false) and pointed at a block with
// Init(), it may live on the stack: positioning allocates nothing unless a key is longer
// than kInlineKeyBytes. key() and value() point into the block or into the iterator and
// stay valid until the iterator moves, is re-initialised or destroyed.
class BlockIter final : public InternalIterator {
 public:
  static constexpr size_t kInlineKeyBytes = 128;

  BlockIter() = default;
  BlockIter(const Comparator* comparator, const Block* block, size_t min_key_size = 0) {
    Init(comparator, block, min_key_size);
  }

  // Points the iterator at block (unpositioned). A key shorter than min_key_size (8 for
  // internal keys, which the comparator would otherwise misread) is Corruption.
  // REQUIRES: comparator and block outlive the iterator or the next Init().
  void Init(const Comparator* comparator, const Block* block, size_t min_key_size = 0);

  bool Valid() const override { return current_ < restarts_; }
  void SeekToFirst() override;
  void SeekToLast() override;
  void Seek(std::string_view target) override;
  // Seek, for a caller that knows (from IndexPrefixes) that the last restart key <
  // target lies at a restart index in [first, last] (or that none is < target and
  // first == 0): only those restart keys are compared. An out-of-range bound is clamped.
  void SeekInRestarts(std::string_view target, uint32_t first, uint32_t last);
  void Next() override {
    assert(Valid());
    ParseNextEntry();
  }
  void Prev() override;
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  Status status() const override { return status_; }
  // The index of the restart point that begins the run holding the current entry. In a
  // block with one entry per restart point (an index block) it is the entry's ordinal.
  // REQUIRES: Valid().
  uint32_t restart_index() const { return restart_index_; }

 private:
  // Key suffixes up to this long are copied with one fixed-size move.
  static constexpr size_t kShortCopy = 16;

  uint32_t RestartPoint(uint32_t index) const;
  void SeekToRestartPoint(uint32_t index);
  // Decodes the entry at next_; false at the end of the entries or on damage.
  bool ParseNextEntry();
  bool ParseNextEntrySlow();  // the general case of ParseNextEntry
  // Reads the whole key stored at restart `index` without moving; false on damage.
  bool KeyAtRestart(uint32_t index, std::string_view* key);
  // From a restart point just set, parses forward to the entry that ends at `end` (or the
  // last one), remembering the entries before it for Prev().
  void ParseForwardTo(uint32_t end);
  void MarkCorrupt(uint32_t offset, const char* what);
  void Invalidate();
  // Replaces the key buffer by one of at least n bytes, keeping its first `keep` bytes.
  void GrowKeyBuffer(size_t n, size_t keep);
  int Compare(std::string_view a, std::string_view b) const {
    return icmp_ != nullptr ? icmp_->Compare(a, b) : comparator_->Compare(a, b);
  }

  const Comparator* comparator_ = nullptr;
  const InternalKeyComparator* icmp_ = nullptr;  // comparator_, when it is one
  size_t min_key_size_ = 0;
  const char* data_ = nullptr;
  uint32_t block_size_ = 0;  // the whole block, restart array included
  uint32_t restarts_ = 0;    // offset of the restart array: the end of the entries
  uint32_t num_restarts_ = 0;
  uint32_t current_ = 0;        // offset of the current entry; restarts_ when !Valid()
  uint32_t next_ = 0;           // offset just past the current entry
  uint32_t restart_index_ = 0;  // the restart block holding current_
  uint32_t restart_begin_ = 0;  // offset of restart point restart_index_
  uint32_t restart_end_ = 0;    // offset of the next restart point (restarts_ if none)
  std::string_view key_;
  std::string_view value_;
  Status status_;

  // The entries of restart block prev_restart_index_ before the current one, in order, as
  // the last backward walk decoded them: Prev() pops them instead of re-parsing the
  // restart block for every step. Only ever describes the block the iterator is on.
  struct CachedEntry {
    uint32_t offset;
    uint32_t next;
    uint32_t key_pos;  // the key is prev_keys_[key_pos, key_pos + key_size)
    uint32_t key_size;
    uint32_t value_offset;
    uint32_t value_size;
  };
  std::vector<CachedEntry> prev_entries_;
  std::string prev_keys_;
  uint32_t prev_restart_index_ = 0;

  // The current key, when it had to be assembled from a shared prefix.
  char* key_buf_ = inline_key_;
  size_t key_cap_ = kInlineKeyBytes;
  std::unique_ptr<char[]> heap_key_;
  char inline_key_[kInlineKeyBytes];
};

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_BLOCK_H_
