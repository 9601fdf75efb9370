// TableIterator: the two-level iterator over a Table. An iterator over the pinned index
// block yields data-block handles; the data block under the cursor is fetched through
// the Table (and so the block cache) and held until the cursor leaves it. A forward scan
// that has crossed a few blocks in a row announces the next MiB of the file to it
// (RandomAccessFile::WillRead), so a mapped table is mapped ahead in one call.
//
// The first error (an unreadable or damaged block) makes the iterator invalid for good,
// with status() naming the file and block offset: it never skips damaged data.
//
// Thread-safety: one thread at a time; many iterators may share a Table.
#ifndef LSMDB_SSTABLE_TABLE_ITERATOR_H_
#define LSMDB_SSTABLE_TABLE_ITERATOR_H_

#include <cstdint>
#include <string_view>

#include "lsmdb/options.h"
#include "sstable/block.h"
#include "sstable/table.h"
#include "util/internal_iterator.h"

namespace lsmdb {

class TableIterator final : public InternalIterator {
 public:
  // REQUIRES: table outlives the iterator.
  TableIterator(const Table* table, const ReadOptions& options);

  bool Valid() const override { return has_data_ && data_iter_.Valid(); }
  void SeekToFirst() override;
  void SeekToLast() override;
  void Seek(std::string_view target) override;
  void Next() override;
  void Prev() override;
  std::string_view key() const override { return data_iter_.key(); }
  std::string_view value() const override { return data_iter_.value(); }
  Status status() const override { return status_; }
  // The table's bloom filter (tables of internal keys; true for tables of plain keys).
  bool MayContainUserKey(std::string_view user_key) override;

 private:
  // Loads the data block the index cursor points at (if not already loaded).
  void InitDataBlock();
  void SkipEmptyBlocksForward();
  void SkipEmptyBlocksBackward();
  // Checks the data and index cursors for errors after they ran off their ends; true
  // if the iterator is now in error.
  bool CheckCursors();
  void SetError(Status s);
  void ClearData();
  // Called after each step forward into the next block: once a scan has crossed a few
  // blocks in a row, asks the file to map the next stretch ahead (WillRead).
  void NoteForwardBlock();

  const Table* const table_;
  const ReadOptions options_;
  BlockIter index_iter_;
  PinnedBlock block_;
  BlockIter data_iter_;
  bool has_data_ = false;
  uint64_t data_offset_ = 0;
  int forward_blocks_ = 0;         // blocks entered by Next() since the last seek
  uint64_t read_ahead_until_ = 0;  // end of the stretch already announced to the file
  Status status_;
};

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_TABLE_ITERATOR_H_
