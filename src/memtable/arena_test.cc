#include "memtable/arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

bool IsAligned(const char* p) {
  return (reinterpret_cast<uintptr_t>(p) & (Arena::kAlignment - 1)) == 0;
}

TEST(ArenaTest, EmptyUsesNoMemory) {
  Arena arena;
  EXPECT_EQ(0u, arena.MemoryUsage());
}

TEST(ArenaTest, SmallAllocationsShareABlock) {
  Arena arena;
  char* a = arena.Allocate(10);
  size_t after_first = arena.MemoryUsage();
  EXPECT_GE(after_first, Arena::kBlockSize);
  char* b = arena.Allocate(20);
  // The second one comes from the same block, right after the first.
  EXPECT_EQ(a + 10, b);
  EXPECT_EQ(after_first, arena.MemoryUsage());
}

TEST(ArenaTest, AlignedAllocations) {
  Arena arena;
  for (size_t i = 1; i < 2000; i++) {
    arena.Allocate(i % 7 + 1);  // knock the cursor off alignment
    char* p = arena.AllocateAligned(i % 50 + 1);
    ASSERT_TRUE(IsAligned(p)) << i;
  }
  // Large aligned allocations get their own (aligned) block.
  arena.Allocate(3);
  EXPECT_TRUE(IsAligned(arena.AllocateAligned(Arena::kBlockSize * 3)));
}

TEST(ArenaTest, LargeAllocationGetsItsOwnBlock) {
  Arena arena;
  char* small = arena.Allocate(100);
  size_t before = arena.MemoryUsage();
  const size_t kLarge = 1 << 20;
  char* large = arena.Allocate(kLarge);
  std::memset(large, 0xab, kLarge);  // ASan checks that all of it is ours
  EXPECT_GE(arena.MemoryUsage(), before + kLarge);
  // The current small block keeps serving small requests.
  EXPECT_EQ(small + 100, arena.Allocate(50));

  // A request that fits in the current block's tail is served from it, whatever its size.
  char* rest = arena.Allocate(Arena::kBlockSize - 200);
  EXPECT_EQ(small + 150, rest);

  // Just over a quarter block, when it does not fit, goes to a block of its own: usage
  // grows by about its size, not by a whole block, and the old tail stays in use.
  before = arena.MemoryUsage();
  arena.Allocate(Arena::kBlockSize / 4 + 1);
  EXPECT_GE(arena.MemoryUsage(), before + Arena::kBlockSize / 4 + 1);
  EXPECT_LT(arena.MemoryUsage(), before + Arena::kBlockSize);
  EXPECT_EQ(rest + Arena::kBlockSize - 200, arena.Allocate(1));

  // A small request that does not fit the tail starts a new full block.
  before = arena.MemoryUsage();
  arena.Allocate(100);
  EXPECT_GE(arena.MemoryUsage(), before + Arena::kBlockSize);
}

// Random sizes, each allocation filled with a pattern and checked at the end: no two
// allocations overlap, and the usage accounts for every byte handed out.
TEST(ArenaTest, RandomAllocationsKeepTheirContents) {
  Random rnd(test::RandomSeed());
  Arena arena;
  std::vector<std::pair<char*, size_t>> allocated;
  size_t total = 0;
  for (int i = 0; i < 20000; i++) {
    size_t size;
    if (i % 1000 == 0) {
      size = rnd.Uniform(20000) + 1;
    } else {
      size = rnd.Skewed(10) + 1;
    }
    char* p = rnd.OneIn(2) ? arena.AllocateAligned(size) : arena.Allocate(size);
    for (size_t b = 0; b < size; b++) p[b] = static_cast<char>(i % 256);
    allocated.emplace_back(p, size);
    total += size;
    ASSERT_GE(arena.MemoryUsage(), total);
  }
  // Waste stays bounded: at most a quarter block lost per block, plus alignment.
  EXPECT_LE(arena.MemoryUsage(), total * 2 + Arena::kBlockSize);
  for (size_t i = 0; i < allocated.size(); i++) {
    const auto& [p, size] = allocated[i];
    for (size_t b = 0; b < size; b++) {
      ASSERT_EQ(static_cast<char>(i % 256), p[b]) << "allocation " << i << " byte " << b;
    }
  }
}

}  // namespace
}  // namespace lsmdb
