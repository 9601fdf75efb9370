#include "memtable/skiplist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

using Key = uint64_t;

struct TestComparator {
  int operator()(const Key& a, const Key& b) const { return a < b ? -1 : (a > b ? 1 : 0); }
};
using TestList = SkipList<Key, TestComparator>;

// list holds exactly the keys of model: Contains() agrees for every key in [0, range),
// and full walks forward and backward give model's keys in order.
void ExpectSameAsModel(const TestList& list, const std::set<Key>& model, Key range) {
  for (Key k = 0; k < range; k++) ASSERT_EQ(model.count(k) == 1, list.Contains(k)) << k;
  TestList::Iterator iter(&list);
  iter.SeekToFirst();
  for (auto it = model.begin(); it != model.end(); ++it, iter.Next()) {
    ASSERT_TRUE(iter.Valid());
    ASSERT_EQ(*it, iter.key());
  }
  ASSERT_FALSE(iter.Valid());
  iter.SeekToLast();
  for (auto it = model.rbegin(); it != model.rend(); ++it, iter.Prev()) {
    ASSERT_TRUE(iter.Valid());
    ASSERT_EQ(*it, iter.key());
  }
  ASSERT_FALSE(iter.Valid());
}

TEST(SkipListTest, Empty) {
  Arena arena;
  TestList list(TestComparator(), &arena);
  EXPECT_FALSE(list.Contains(10));

  TestList::Iterator iter(&list);
  EXPECT_FALSE(iter.Valid());
  iter.SeekToFirst();
  EXPECT_FALSE(iter.Valid());
  iter.Seek(100);
  EXPECT_FALSE(iter.Valid());
  iter.SeekForPrev(100);
  EXPECT_FALSE(iter.Valid());
  iter.SeekToLast();
  EXPECT_FALSE(iter.Valid());
}

TEST(SkipListTest, SmallOrderedWalk) {
  Arena arena;
  TestList list(TestComparator(), &arena);
  for (Key k : {30, 10, 20}) list.Insert(k);
  TestList::Iterator iter(&list);
  iter.SeekToFirst();
  std::vector<Key> seen;
  for (; iter.Valid(); iter.Next()) seen.push_back(iter.key());
  EXPECT_EQ((std::vector<Key>{10, 20, 30}), seen);

  iter.Seek(15);
  ASSERT_TRUE(iter.Valid());
  EXPECT_EQ(20u, iter.key());
  iter.Seek(20);
  EXPECT_EQ(20u, iter.key());
  iter.SeekForPrev(25);
  ASSERT_TRUE(iter.Valid());
  EXPECT_EQ(20u, iter.key());
  iter.SeekForPrev(20);
  EXPECT_EQ(20u, iter.key());
  iter.SeekForPrev(9);
  EXPECT_FALSE(iter.Valid());
  iter.Seek(31);
  EXPECT_FALSE(iter.Valid());
  iter.SeekToLast();
  ASSERT_TRUE(iter.Valid());
  EXPECT_EQ(30u, iter.key());
  iter.Prev();
  iter.Prev();
  EXPECT_EQ(10u, iter.key());
  iter.Prev();
  EXPECT_FALSE(iter.Valid());
}

// Checks the iterator at a position against the model's iterator (end() = !Valid()).
void ExpectSame(const TestList::Iterator& iter, const std::set<Key>& model,
                std::set<Key>::const_iterator pos) {
  if (pos == model.end()) {
    ASSERT_FALSE(iter.Valid());
  } else {
    ASSERT_TRUE(iter.Valid());
    ASSERT_EQ(*pos, iter.key());
  }
}

// Runs of ascending keys (the remembered-position fast path of Insert), each starting at
// a random place, some filling the gaps between keys already present; every level must
// stay linked right: Contains and Prev use the upper levels, the walks level 0.
TEST(SkipListTest, AscendingRunsAgainstModel) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  Arena arena;
  TestList list(TestComparator(), &arena);
  std::set<Key> model;
  const Key kRange = 20000;
  while (model.size() < 6000) {
    Key k = rnd.Uniform(kRange);
    const int run = 1 + static_cast<int>(rnd.Uniform(50));
    const Key step = 1 + rnd.Uniform(3);
    for (int i = 0; i < run && k < kRange; i++, k += step) {
      if (model.insert(k).second) list.Insert(k);
    }
  }
  ASSERT_TRUE(list.TEST_LevelsOrdered()) << "seed " << seed;
  ExpectSameAsModel(list, model, kRange);
}

TEST(SkipListTest, RandomAgainstModel) {
  Random rnd(test::RandomSeed());
  Arena arena;
  TestList list(TestComparator(), &arena);
  std::set<Key> model;
  const int kInserts = 2000;
  const Key kRange = 5000;
  for (int i = 0; i < kInserts; i++) {
    Key k = rnd.Uniform(kRange);
    if (model.insert(k).second) list.Insert(k);
  }
  ASSERT_TRUE(list.TEST_LevelsOrdered());
  ExpectSameAsModel(list, model, kRange);

  TestList::Iterator iter(&list);

  // Random seeks, then a few random steps either way.
  for (int i = 0; i < 2000; i++) {
    Key target = rnd.Uniform(kRange + 10);
    std::set<Key>::const_iterator pos;
    if (rnd.OneIn(2)) {
      iter.Seek(target);
      pos = model.lower_bound(target);
    } else {
      iter.SeekForPrev(target);
      pos = model.upper_bound(target);
      pos = pos == model.begin() ? model.end() : std::prev(pos);
    }
    ASSERT_NO_FATAL_FAILURE(ExpectSame(iter, model, pos)) << "target " << target;
    for (int step = 0; step < 5 && pos != model.end(); step++) {
      if (rnd.OneIn(2)) {
        iter.Next();
        ++pos;
      } else {
        iter.Prev();
        pos = pos == model.begin() ? model.end() : std::prev(pos);
      }
      ASSERT_NO_FATAL_FAILURE(ExpectSame(iter, model, pos)) << "target " << target;
    }
  }
}

// Keys that point at bytes stored in the node's payload, as the memtable uses them.
struct StringKeyComparator {
  int operator()(const char* a, const char* b) const { return std::strcmp(a, b); }
};

TEST(SkipListTest, ReservedPayloadHoldsTheKey) {
  Arena arena;
  SkipList<const char*, StringKeyComparator> list(StringKeyComparator(), &arena);
  std::set<std::string> model;
  Random rnd(test::RandomSeed());
  for (int i = 0; i < 500; i++) {
    std::string s = test::RandomString(&rnd, rnd.Uniform(40));
    if (!model.insert(s).second) continue;
    auto reservation = list.Reserve(s.size() + 1);
    char* payload = reservation.payload();
    ASSERT_EQ(0u, reinterpret_cast<uintptr_t>(payload) % Arena::kAlignment);
    std::memcpy(payload, s.c_str(), s.size() + 1);
    list.Insert(reservation, payload);
  }
  SkipList<const char*, StringKeyComparator>::Iterator iter(&list);
  iter.SeekToFirst();
  for (const std::string& s : model) {
    ASSERT_TRUE(iter.Valid());
    ASSERT_EQ(s, iter.key());
    iter.Next();
  }
  EXPECT_FALSE(iter.Valid());
  EXPECT_TRUE(list.Contains(model.begin()->c_str()));
}

TEST(SkipListTest, MemoryComesFromTheArena) {
  Arena arena;
  TestList list(TestComparator(), &arena);
  size_t before = arena.MemoryUsage();
  for (Key k = 0; k < 10000; k++) list.Insert(k);
  // At least one key and one link per node.
  EXPECT_GE(arena.MemoryUsage(), before + 10000 * 2 * sizeof(Key));
}

// One writer inserts keys while readers iterate. Every pass of a reader must be strictly
// sorted and hold every key whose insertion finished before the pass started. The test is
// bounded by counts: the writer inserts kKeys keys, readers stop after the pass that
// starts once the writer is done.
TEST(SkipListTest, ConcurrentReadersSeeASortedSuperset) {
  const size_t kKeys = 10000;
  const int kReaders = 3;
  Random rnd(test::RandomSeed());
  std::vector<Key> keys;
  {
    std::set<Key> unique;
    while (unique.size() < kKeys) {
      Key k = rnd.Next64();
      if (unique.insert(k).second) keys.push_back(k);
    }
  }

  Arena arena;
  TestList list(TestComparator(), &arena);
  std::atomic<size_t> inserted{0};  // keys[0, inserted) are in the list
  std::atomic<int> readers_ready{0};
  std::atomic<bool> failed{false};

  auto reader = [&](int id) {
    readers_ready.fetch_add(1);
    std::vector<Key> seen;
    seen.reserve(kKeys);
    for (int pass = 0; !failed.load(); pass++) {
      const size_t known = inserted.load(std::memory_order_acquire);
      const bool last = known == kKeys;
      seen.clear();
      TestList::Iterator iter(&list);
      if ((pass + id) % 2 == 0) {
        for (iter.SeekToFirst(); iter.Valid(); iter.Next()) seen.push_back(iter.key());
      } else {
        // Backward: collect, then reverse so both directions are checked the same way.
        for (iter.SeekToLast(); iter.Valid(); iter.Prev()) seen.push_back(iter.key());
        std::reverse(seen.begin(), seen.end());
      }
      for (size_t i = 1; i < seen.size(); i++) {
        if (seen[i - 1] >= seen[i]) {
          ADD_FAILURE() << "reader " << id << " pass " << pass << ": unsorted at " << i;
          failed = true;
          return;
        }
      }
      for (size_t i = 0; i < known; i++) {
        if (!std::binary_search(seen.begin(), seen.end(), keys[i])) {
          ADD_FAILURE() << "reader " << id << " pass " << pass << ": missing key #" << i;
          failed = true;
          return;
        }
        if (i % 64 == 0 && !list.Contains(keys[i])) {
          ADD_FAILURE() << "reader " << id << ": Contains misses key #" << i;
          failed = true;
          return;
        }
      }
      // A seek for a published key finds it.
      TestList::Iterator probe(&list);
      if (known > 0) {
        Key k = keys[known / 2];
        probe.Seek(k);
        if (!probe.Valid() || probe.key() != k) {
          ADD_FAILURE() << "reader " << id << ": Seek misses key #" << known / 2;
          failed = true;
          return;
        }
        probe.SeekForPrev(k);
        if (!probe.Valid() || probe.key() != k) {
          ADD_FAILURE() << "reader " << id << ": SeekForPrev misses key #" << known / 2;
          failed = true;
          return;
        }
      }
      if (last) return;
    }
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < kReaders; i++) threads.emplace_back(reader, i);
  // Start writing once every reader runs, so that passes overlap the inserts.
  while (readers_ready.load() < kReaders) std::this_thread::yield();
  for (size_t i = 0; i < kKeys && !failed.load(std::memory_order_relaxed); i++) {
    list.Insert(keys[i]);
    inserted.store(i + 1, std::memory_order_release);
  }
  inserted.store(kKeys, std::memory_order_release);  // lets readers finish even on failure
  for (auto& t : threads) t.join();
  EXPECT_FALSE(failed.load());
}

}  // namespace
}  // namespace lsmdb
