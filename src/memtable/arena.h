// Arena: a bump allocator for the memtable. Memory is carved from 4 KiB blocks; a request
// larger than a quarter of a block gets a block of its own, so little is wasted at the end
// of a block. Nothing is freed before the arena itself: every pointer it returns stays
// valid until the Arena is destroyed.
//
// Thread-safety: Allocate and AllocateAligned need external synchronisation (one thread at
// a time). MemoryUsage may be called from any thread at any time.
#ifndef LSMDB_MEMTABLE_ARENA_H_
#define LSMDB_MEMTABLE_ARENA_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace lsmdb {

class Arena {
 public:
  static constexpr size_t kBlockSize = 4096;
  // The alignment of AllocateAligned: enough for pointers and 64-bit integers.
  static constexpr size_t kAlignment = alignof(void*) > 8 ? alignof(void*) : 8;

  Arena();
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns `bytes` bytes of uninitialised memory with no particular alignment, owned by
  // the arena and valid until it is destroyed.
  // REQUIRES: bytes > 0.
  char* Allocate(size_t bytes) {
    if (bytes <= remaining_) {
      char* result = ptr_;
      ptr_ += bytes;
      remaining_ -= bytes;
      return result;
    }
    return AllocateFallback(bytes);
  }

  // Like Allocate, but the result is aligned to kAlignment.
  // REQUIRES: bytes > 0.
  char* AllocateAligned(size_t bytes);

  // Bytes obtained from the heap so far (blocks plus bookkeeping): an upper bound of what
  // the arena holds, never decreasing. Thread-safe.
  size_t MemoryUsage() const { return memory_usage_.load(std::memory_order_relaxed); }

 private:
  char* AllocateFallback(size_t bytes);
  char* NewBlock(size_t block_bytes);

  // The unused tail of the current block.
  char* ptr_ = nullptr;
  size_t remaining_ = 0;

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::atomic<size_t> memory_usage_{0};
};

}  // namespace lsmdb

#endif  // LSMDB_MEMTABLE_ARENA_H_
