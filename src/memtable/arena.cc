#include "memtable/arena.h"

#include <cassert>
#include <cstdint>

namespace lsmdb {

static_assert((Arena::kAlignment & (Arena::kAlignment - 1)) == 0,
              "the arena's alignment must be a power of two");
// Blocks come from operator new[], which aligns at least to the default new alignment.
static_assert(Arena::kAlignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
              "heap blocks must satisfy the arena's alignment");

Arena::Arena() = default;
Arena::~Arena() = default;

char* Arena::AllocateAligned(size_t bytes) {
  assert(bytes > 0);
  size_t misalignment = reinterpret_cast<uintptr_t>(ptr_) & (kAlignment - 1);
  size_t padding = misalignment == 0 ? 0 : kAlignment - misalignment;
  if (bytes + padding <= remaining_) {
    char* result = ptr_ + padding;
    ptr_ += bytes + padding;
    remaining_ -= bytes + padding;
    return result;
  }
  // A fresh block (or a dedicated one) starts aligned.
  char* result = AllocateFallback(bytes);
  assert((reinterpret_cast<uintptr_t>(result) & (kAlignment - 1)) == 0);
  return result;
}

char* Arena::AllocateFallback(size_t bytes) {
  assert(bytes > 0);
  if (bytes > kBlockSize / 4) {
    // Large: a block of its own, so the current block's tail stays usable.
    return NewBlock(bytes);
  }
  // Small: abandon the current block's tail (at most a quarter of a block would fit
  // there anyway) and start a new block.
  ptr_ = NewBlock(kBlockSize);
  remaining_ = kBlockSize;
  char* result = ptr_;
  ptr_ += bytes;
  remaining_ -= bytes;
  return result;
}

char* Arena::NewBlock(size_t block_bytes) {
  size_t old_capacity = blocks_.capacity();
  blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_bytes));
  size_t added = block_bytes;
  if (blocks_.capacity() != old_capacity) {
    added += (blocks_.capacity() - old_capacity) * sizeof(blocks_[0]);
  }
  memory_usage_.fetch_add(added, std::memory_order_relaxed);
  return blocks_.back().get();
}

}  // namespace lsmdb
