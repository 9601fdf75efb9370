#include "sstable/block.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <string>
#include <typeinfo>

#include "util/coding.h"
#include "util/internal_key.h"

namespace lsmdb {
namespace {

// Decodes an entry header (shared, unshared and value lengths) at p; returns the first byte
// after it, or nullptr if it is truncated. The common case, three one-byte varints, takes
// no call.
inline const char* DecodeEntryHeader(const char* p, const char* limit, uint32_t* shared,
                                     uint32_t* unshared, uint32_t* value_len) {
  if (limit - p >= 3) {
    const auto b0 = static_cast<uint8_t>(p[0]);
    const auto b1 = static_cast<uint8_t>(p[1]);
    const auto b2 = static_cast<uint8_t>(p[2]);
    if (((b0 | b1 | b2) & 0x80) == 0) {
      *shared = b0;
      *unshared = b1;
      *value_len = b2;
      return p + 3;
    }
  }
  if ((p = GetVarint32Ptr(p, limit, shared)) == nullptr ||
      (p = GetVarint32Ptr(p, limit, unshared)) == nullptr) {
    return nullptr;
  }
  return GetVarint32Ptr(p, limit, value_len);
}

}  // namespace

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
  if (comparator != comparator_) {
    comparator_ = comparator;
    // The internal-key comparator is final: calling it through its own type inlines it.
    icmp_ = typeid(*comparator) == typeid(InternalKeyComparator)
                ? static_cast<const InternalKeyComparator*>(comparator)
                : nullptr;
  }
  min_key_size_ = min_key_size;
  data_ = block->data().data();
  block_size_ = static_cast<uint32_t>(block->size());
  restarts_ = block->restarts_offset_;
  num_restarts_ = block->num_restarts_;
  status_ = Status::OK();
  prev_entries_.clear();
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
  restart_begin_ = restart_end_ = restarts_;
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
  restart_begin_ = RestartPoint(index);
  restart_end_ = index + 1 < num_restarts_ ? RestartPoint(index + 1) : restarts_;
  next_ = restart_begin_;
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
  // The common step, taken without a call: an entry of the current restart block whose
  // key shares a prefix with the current key (already assembled in key_buf_), a suffix of
  // at most kShortCopy bytes, one-byte shared and unshared lengths and a value under
  // 16 KiB. Anything else (and every damaged entry) takes the general path.
  const uint32_t offset = next_;
  if (offset < restart_end_ && key_.data() == key_buf_) {
    // restart_end_ <= restarts_, and at least 4 bytes (the restart count) follow the
    // entries: the header bytes read here lie inside the block.
    const char* p = data_ + offset;
    const uint32_t shared = static_cast<uint8_t>(p[0]);
    const uint32_t unshared = static_cast<uint8_t>(p[1]);
    uint32_t value_len = static_cast<uint8_t>(p[2]);
    uint32_t header = 3;
    if (value_len >= 0x80) {
      value_len = (value_len & 0x7f) | (uint32_t{static_cast<uint8_t>(p[3])} << 7);
      header = 4;
    }
    const size_t key_end = size_t{offset} + header + unshared;  // no wrap-around
    // Unsigned wrap-around makes shared - 1 < size reject shared == 0.
    if (((shared | unshared) & 0x80) == 0 && value_len < (1u << 14) && shared - 1 < key_.size() &&
        unshared <= kShortCopy && key_end + value_len <= restarts_ &&
        shared + unshared >= min_key_size_ && key_cap_ - shared >= kShortCopy &&
        size_t{offset} + header + kShortCopy <= block_size_) {
      // A key in key_buf_ was decoded from this restart block, before this entry.
      assert(restart_begin_ < offset);
      // Both buffers have room: copy a fixed 16 bytes (a pair of moves) rather than call
      // memcpy for a variable length.
      std::memcpy(key_buf_ + shared, p + header, kShortCopy);
      current_ = offset;
      key_ = std::string_view(key_buf_, shared + unshared);
      value_ = std::string_view(data_ + key_end, value_len);
      next_ = static_cast<uint32_t>(key_end + value_len);
      return true;
    }
  }
  return ParseNextEntrySlow();
}

bool BlockIter::ParseNextEntrySlow() {
  current_ = next_;
  if (current_ >= restarts_) {  // no more entries
    Invalidate();
    return false;
  }
  const char* p = data_ + current_;
  const char* limit = data_ + restarts_;
  uint32_t shared, unshared, value_len;
  if ((p = DecodeEntryHeader(p, limit, &shared, &unshared, &value_len)) == nullptr) {
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
  while (current_ >= restart_end_) {  // entered the next restart block
    restart_index_++;
    restart_begin_ = restart_end_;
    restart_end_ =
        restart_index_ + 1 < num_restarts_ ? RestartPoint(restart_index_ + 1) : restarts_;
  }
  if (shared != 0 && restart_begin_ == current_) {
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
  if ((p = DecodeEntryHeader(p, limit, &shared, &unshared, &value_len)) == nullptr) {
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
  ParseForwardTo(restarts_);
}

void BlockIter::ParseForwardTo(uint32_t end) {
  prev_entries_.clear();
  prev_keys_.clear();
  prev_restart_index_ = restart_index_;
  while (ParseNextEntry() && next_ < end) {
    prev_entries_.push_back(CachedEntry{current_, next_, static_cast<uint32_t>(prev_keys_.size()),
                                        static_cast<uint32_t>(key_.size()),
                                        static_cast<uint32_t>(value_.data() - data_),
                                        static_cast<uint32_t>(value_.size())});
    prev_keys_.append(key_);
  }
}

void BlockIter::Seek(std::string_view target) {
  SeekInRestarts(target, 0, std::numeric_limits<uint32_t>::max());
}

void BlockIter::SeekInRestarts(std::string_view target, uint32_t first, uint32_t last) {
  if (!status_.ok() || data_ == nullptr) return;
  // Binary search for the last restart point whose key is < target.
  uint32_t right = std::min(last, num_restarts_ - 1);
  uint32_t left = std::min(first, right);
  while (left < right) {
    const uint32_t mid = left + (right - left + 1) / 2;
    std::string_view mid_key;
    if (!KeyAtRestart(mid, &mid_key)) return;
    if (Compare(mid_key, target) < 0) {
      left = mid;
    } else {
      right = mid - 1;
    }
  }
  SeekToRestartPoint(left);
  while (ParseNextEntry()) {
    if (Compare(key_, target) >= 0) return;
  }
}

void BlockIter::Prev() {
  assert(Valid());
  const uint32_t original = current_;
  if (!prev_entries_.empty() && prev_entries_.back().next == original) {
    // The entry before is remembered from the last walk over its restart block.
    const CachedEntry& e = prev_entries_.back();
    current_ = e.offset;
    next_ = e.next;
    key_ = std::string_view(prev_keys_.data() + e.key_pos, e.key_size);
    value_ = std::string_view(data_ + e.value_offset, e.value_size);
    if (restart_index_ != prev_restart_index_) {
      restart_index_ = prev_restart_index_;
      restart_begin_ = RestartPoint(restart_index_);
      restart_end_ =
          restart_index_ + 1 < num_restarts_ ? RestartPoint(restart_index_ + 1) : restarts_;
    }
    prev_entries_.pop_back();
    return;
  }
  // Back up to the last restart point before the current entry...
  uint32_t index = restart_index_;
  uint32_t begin = restart_begin_;
  while (begin >= original) {
    if (index == 0) {
      Invalidate();
      return;
    }
    begin = RestartPoint(--index);
  }
  // ...and walk forward to the entry that ends where the current one starts, remembering
  // the entries on the way for the next calls.
  SeekToRestartPoint(index);
  ParseForwardTo(original);
  if (Valid() && next_ != original) MarkCorrupt(current_, "entries overlap a restart point");
}

}  // namespace lsmdb
