#include "sstable/block.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <string>

#include "util/coding.h"

namespace lsmdb {

Block::Block(BlockContents contents) : contents_(std::move(contents)) {
  const size_t n = contents_.data.size();
  if (n < sizeof(uint32_t) || n > std::numeric_limits<uint32_t>::max()) {
    malformed_ = true;
    return;
  }
  const char* d = contents_.data.data();
  const uint32_t num = DecodeFixed32(d + n - sizeof(uint32_t));
  if (num == 0 || num > (n - sizeof(uint32_t)) / sizeof(uint32_t)) {
    malformed_ = true;
    return;
  }
  const auto restarts = static_cast<uint32_t>(n - sizeof(uint32_t) * (size_t{num} + 1));
  // Restart points must start at 0, increase strictly and point inside the entries (an
  // empty block has the single restart point 0).
  uint32_t prev = DecodeFixed32(d + restarts);
  bool ok = prev == 0 && (restarts > 0 || num == 1);
  for (uint32_t i = 1; ok && i < num; i++) {
    uint32_t r = DecodeFixed32(d + restarts + sizeof(uint32_t) * i);
    ok = r > prev && r < restarts;
    prev = r;
  }
  if (!ok) {
    malformed_ = true;
    return;
  }
  restarts_offset_ = restarts;
  num_restarts_ = num;
}

size_t Block::ApproximateMemoryUsage() const {
  return sizeof(Block) + (contents_.owned ? contents_.data.size() : 0);
}

std::unique_ptr<InternalIterator> Block::NewIterator(const Comparator* comparator,
                                                     size_t min_key_size) const {
  return std::make_unique<BlockIter>(comparator, this, min_key_size);
}

void BlockIter::Init(const Comparator* comparator, const Block* block, size_t min_key_size) {
  comparator_ = comparator;
  min_key_size_ = min_key_size;
  data_ = block->data().data();
  restarts_ = block->restarts_offset_;
  num_restarts_ = block->num_restarts_;
  status_ = Status::OK();
  if (!block->ok()) MarkCorrupt(static_cast<uint32_t>(block->size()), "malformed restart array");
  Invalidate();
}

uint32_t BlockIter::RestartPoint(uint32_t index) const {
  assert(index < num_restarts_);
  return DecodeFixed32(data_ + restarts_ + sizeof(uint32_t) * index);
}

void BlockIter::Invalidate() {
  current_ = next_ = restarts_;
  restart_index_ = num_restarts_;
  key_ = {};
  value_ = {};
}

void BlockIter::MarkCorrupt(uint32_t offset, const char* what) {
  status_ = Status::Corruption(std::string(what) + " at offset " + std::to_string(offset) +
                               " inside a block");
  // With no entries left, every positioning call leaves the iterator invalid.
  restarts_ = 0;
  num_restarts_ = 0;
  Invalidate();
}

void BlockIter::SeekToRestartPoint(uint32_t index) {
  key_ = {};
  value_ = {};
  restart_index_ = index;
  next_ = RestartPoint(index);
}

void BlockIter::GrowKeyBuffer(size_t n, size_t keep) {
  size_t cap = std::max(n, key_cap_ * 2);
  auto bigger = std::make_unique_for_overwrite<char[]>(cap);
  if (keep > 0) std::memcpy(bigger.get(), key_buf_, keep);
  heap_key_ = std::move(bigger);
  key_buf_ = heap_key_.get();
  key_cap_ = cap;
}

bool BlockIter::ParseNextEntry() {
  current_ = next_;
  if (current_ >= restarts_) {  // no more entries
    Invalidate();
    return false;
  }
  const char* p = data_ + current_;
  const char* limit = data_ + restarts_;
  uint32_t shared, unshared, value_len;
  if ((p = GetVarint32Ptr(p, limit, &shared)) == nullptr ||
      (p = GetVarint32Ptr(p, limit, &unshared)) == nullptr ||
      (p = GetVarint32Ptr(p, limit, &value_len)) == nullptr) {
    MarkCorrupt(current_, "truncated entry header");
    return false;
  }
  const auto room = static_cast<size_t>(limit - p);
  if (unshared > room || value_len > room - unshared) {
    MarkCorrupt(current_, "entry overruns the block");
    return false;
  }
  if (shared > key_.size()) {
    MarkCorrupt(current_, "entry shares more bytes than the previous key has");
    return false;
  }
  if (size_t{shared} + unshared < min_key_size_) {
    MarkCorrupt(current_, "key too short");
    return false;
  }
  while (restart_index_ + 1 < num_restarts_ && RestartPoint(restart_index_ + 1) <= current_) {
    restart_index_++;
  }
  if (shared != 0 && RestartPoint(restart_index_) == current_) {
    MarkCorrupt(current_, "restart entry with a shared prefix");
    return false;
  }
  if (shared == 0) {
    key_ = std::string_view(p, unshared);  // stored whole: point into the block
  } else {
    const size_t total = size_t{shared} + unshared;
    if (key_.data() != key_buf_) {
      // The prefix is in the block: copy it next to the new suffix.
      if (total > key_cap_) GrowKeyBuffer(total, 0);
      std::memmove(key_buf_, key_.data(), shared);
    } else if (total > key_cap_) {
      GrowKeyBuffer(total, shared);
    }
    std::memcpy(key_buf_ + shared, p, unshared);
    key_ = std::string_view(key_buf_, total);
  }
  value_ = std::string_view(p + unshared, value_len);
  next_ = static_cast<uint32_t>(p + unshared + value_len - data_);
  return true;
}

bool BlockIter::KeyAtRestart(uint32_t index, std::string_view* key) {
  const uint32_t offset = RestartPoint(index);
  const char* p = data_ + offset;
  const char* limit = data_ + restarts_;
  uint32_t shared, unshared, value_len;
  if ((p = GetVarint32Ptr(p, limit, &shared)) == nullptr ||
      (p = GetVarint32Ptr(p, limit, &unshared)) == nullptr ||
      (p = GetVarint32Ptr(p, limit, &value_len)) == nullptr) {
    MarkCorrupt(offset, "truncated entry header");
    return false;
  }
  const auto room = static_cast<size_t>(limit - p);
  if (shared != 0 || unshared > room || value_len > room - unshared || unshared < min_key_size_) {
    MarkCorrupt(offset, "bad restart entry");
    return false;
  }
  *key = std::string_view(p, unshared);
  return true;
}

void BlockIter::SeekToFirst() {
  if (!status_.ok() || data_ == nullptr) return;
  SeekToRestartPoint(0);
  ParseNextEntry();
}

void BlockIter::SeekToLast() {
  if (!status_.ok() || data_ == nullptr) return;
  SeekToRestartPoint(num_restarts_ - 1);
  while (ParseNextEntry() && next_ < restarts_) {
  }
}

void BlockIter::Seek(std::string_view target) {
  if (!status_.ok() || data_ == nullptr) return;
  // Binary search for the last restart point whose key is < target.
  uint32_t left = 0;
  uint32_t right = num_restarts_ - 1;
  while (left < right) {
    const uint32_t mid = left + (right - left + 1) / 2;
    std::string_view mid_key;
    if (!KeyAtRestart(mid, &mid_key)) return;
    if (comparator_->Compare(mid_key, target) < 0) {
      left = mid;
    } else {
      right = mid - 1;
    }
  }
  SeekToRestartPoint(left);
  while (ParseNextEntry()) {
    if (comparator_->Compare(key_, target) >= 0) return;
  }
}

void BlockIter::Next() {
  assert(Valid());
  ParseNextEntry();
}

void BlockIter::Prev() {
  assert(Valid());
  const uint32_t original = current_;
  // Back up to the last restart point before the current entry...
  while (RestartPoint(restart_index_) >= original) {
    if (restart_index_ == 0) {
      Invalidate();
      return;
    }
    restart_index_--;
  }
  // ...and walk forward to the entry that ends where the current one starts.
  SeekToRestartPoint(restart_index_);
  while (ParseNextEntry() && next_ < original) {
  }
  if (Valid() && next_ != original) MarkCorrupt(current_, "entries overlap a restart point");
}

}  // namespace lsmdb
