#include "sstable/table_iterator.h"

#include <cassert>

namespace lsmdb {

TableIterator::TableIterator(const Table* table, const ReadOptions& options)
    : table_(table), options_(options) {
  index_iter_.Init(table->options_.comparator, table->index_block_.get(), table->MinKeySize());
}

void TableIterator::SetError(Status s) {
  if (status_.ok()) status_ = std::move(s);
  ClearData();
}

void TableIterator::ClearData() {
  has_data_ = false;
  block_.Reset();
}

bool TableIterator::CheckCursors() {
  if (has_data_ && !data_iter_.status().ok()) {
    SetError(table_->BlockStatus(data_iter_.status(), data_offset_));
  } else if (!index_iter_.status().ok()) {
    SetError(table_->BlockStatus(index_iter_.status(), table_->footer_.index_handle.offset()));
  }
  return !status_.ok();
}

void TableIterator::InitDataBlock() {
  if (!index_iter_.Valid()) {
    ClearData();
    return;
  }
  BlockHandle handle;
  std::string_view v = index_iter_.value();
  if (!handle.DecodeFrom(&v)) {
    SetError(BlockCorruption(table_->file_name(), table_->footer_.index_handle.offset(),
                             "malformed block handle in index"));
    return;
  }
  if (has_data_ && handle.offset() == data_offset_) return;  // already loaded
  ClearData();
  Status s = table_->ReadDataBlock(options_, handle, index_iter_.restart_index(), &block_);
  if (!s.ok()) {
    SetError(std::move(s));
    return;
  }
  data_iter_.Init(table_->options_.comparator, block_.get(), table_->MinKeySize());
  has_data_ = true;
  data_offset_ = handle.offset();
}

namespace {
// A scan is assumed to go on once it has entered this many blocks in a row by Next().
constexpr int kScanBlocks = 4;
constexpr size_t kReadAheadBytes = size_t{1} << 20;
}  // namespace

void TableIterator::NoteForwardBlock() {
  if (++forward_blocks_ < kScanBlocks || data_offset_ < read_ahead_until_) return;
  table_->file_->WillRead(data_offset_, kReadAheadBytes);
  read_ahead_until_ = data_offset_ + kReadAheadBytes;
}

void TableIterator::SkipEmptyBlocksForward() {
  while (status_.ok() && !(has_data_ && data_iter_.Valid())) {
    if (CheckCursors()) return;
    if (!index_iter_.Valid()) {
      ClearData();
      return;
    }
    index_iter_.Next();
    InitDataBlock();
    if (has_data_) {
      NoteForwardBlock();
      data_iter_.SeekToFirst();
    }
  }
}

void TableIterator::SkipEmptyBlocksBackward() {
  while (status_.ok() && !(has_data_ && data_iter_.Valid())) {
    if (CheckCursors()) return;
    if (!index_iter_.Valid()) {
      ClearData();
      return;
    }
    index_iter_.Prev();
    InitDataBlock();
    if (has_data_) data_iter_.SeekToLast();
  }
}

void TableIterator::SeekToFirst() {
  if (!status_.ok()) return;
  forward_blocks_ = 0;
  index_iter_.SeekToFirst();
  InitDataBlock();
  if (has_data_) data_iter_.SeekToFirst();
  SkipEmptyBlocksForward();
}

void TableIterator::SeekToLast() {
  if (!status_.ok()) return;
  index_iter_.SeekToLast();
  InitDataBlock();
  if (has_data_) data_iter_.SeekToLast();
  SkipEmptyBlocksBackward();
}

void TableIterator::Seek(std::string_view target) {
  if (!status_.ok()) return;
  forward_blocks_ = 0;
  table_->SeekIndex(&index_iter_, target);
  InitDataBlock();
  if (has_data_) data_iter_.Seek(target);
  SkipEmptyBlocksForward();
}

bool TableIterator::MayContainUserKey(std::string_view user_key) {
  return !table_->options_.keys_are_internal || table_->KeyMayMatch(user_key);
}

void TableIterator::Next() {
  assert(Valid());
  data_iter_.Next();
  if (!data_iter_.Valid()) SkipEmptyBlocksForward();  // left the block (or it is damaged)
}

void TableIterator::Prev() {
  assert(Valid());
  data_iter_.Prev();
  if (!data_iter_.Valid()) SkipEmptyBlocksBackward();
}

}  // namespace lsmdb
