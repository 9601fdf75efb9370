#include "cache/lru_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/util/test_util.h"
#include "util/random.h"

namespace lsmdb {
namespace {

std::string Key(int k) { return "key" + std::to_string(k); }

class LRUCacheTest : public testing::Test {
 protected:
  // The value of every entry: an int plus the fixture that records its deletion.
  struct Payload {
    int value;
    LRUCacheTest* owner;
  };

  static void Deleter(std::string_view key, void* v) {
    auto* p = static_cast<Payload*>(v);
    p->owner->deleted_keys_.emplace_back(key);
    p->owner->deleted_values_.push_back(p->value);
    delete p;
  }

  void NewCache(size_t capacity, int shard_bits = 0, double ratio = 0.5) {
    cache_ = NewLRUCache(capacity, shard_bits, ratio);
    ASSERT_NE(cache_, nullptr);
  }

  Cache::Handle* InsertPinned(const std::string& key, int value, size_t charge = 1,
                              Cache::Priority pri = Cache::Priority::kLow) {
    return cache_->Insert(key, new Payload{value, this}, charge, &Deleter, pri);
  }
  void Insert(const std::string& key, int value, size_t charge = 1,
              Cache::Priority pri = Cache::Priority::kLow) {
    cache_->Release(InsertPinned(key, value, charge, pri));
  }
  // The value cached under key, or -1.
  int Lookup(const std::string& key) {
    Cache::Handle* h = cache_->Lookup(key);
    if (h == nullptr) return -1;
    int v = ValueOf(h);
    cache_->Release(h);
    return v;
  }
  int ValueOf(Cache::Handle* h) { return static_cast<Payload*>(cache_->Value(h))->value; }

  std::vector<std::string> deleted_keys_;
  std::vector<int> deleted_values_;
  std::shared_ptr<Cache> cache_;  // last: its deleters record into the vectors above
};

TEST_F(LRUCacheTest, HitAndMiss) {
  NewCache(1000);
  EXPECT_EQ(Lookup(Key(100)), -1);
  Insert(Key(100), 101);
  EXPECT_EQ(Lookup(Key(100)), 101);
  EXPECT_EQ(Lookup(Key(200)), -1);
  EXPECT_EQ(Lookup(Key(300)), -1);
  Insert(Key(200), 201);
  EXPECT_EQ(Lookup(Key(100)), 101);
  EXPECT_EQ(Lookup(Key(200)), 201);
  EXPECT_EQ(Lookup(Key(300)), -1);
  // An empty key and keys that differ only in length are distinct.
  Insert("", 1);
  Insert(std::string(1, '\0'), 2);
  EXPECT_EQ(Lookup(""), 1);
  EXPECT_EQ(Lookup(std::string(1, '\0')), 2);
  EXPECT_TRUE(deleted_keys_.empty());
  EXPECT_EQ(cache_->TotalCharge(), 4u);
}

TEST_F(LRUCacheTest, Replace) {
  NewCache(1000);
  Insert(Key(100), 101);
  Cache::Handle* h = cache_->Lookup(Key(100));
  ASSERT_NE(h, nullptr);
  Insert(Key(100), 102, 5);
  EXPECT_EQ(Lookup(Key(100)), 102);
  // The replaced value lives on while pinned, then goes.
  EXPECT_EQ(ValueOf(h), 101);
  EXPECT_TRUE(deleted_keys_.empty());
  EXPECT_EQ(cache_->TotalCharge(), 6u);
  cache_->Release(h);
  ASSERT_EQ(deleted_keys_.size(), 1u);
  EXPECT_EQ(deleted_keys_[0], Key(100));
  EXPECT_EQ(deleted_values_[0], 101);
  EXPECT_EQ(cache_->TotalCharge(), 5u);
  // Replacing an unpinned entry frees it at once.
  Insert(Key(100), 103);
  ASSERT_EQ(deleted_values_.size(), 2u);
  EXPECT_EQ(deleted_values_[1], 102);
  EXPECT_EQ(Lookup(Key(100)), 103);
}

TEST_F(LRUCacheTest, EraseWhilePinned) {
  NewCache(1000);
  cache_->Erase(Key(200));  // absent: nothing happens
  EXPECT_TRUE(deleted_keys_.empty());

  Insert(Key(100), 101);
  Insert(Key(200), 201);
  cache_->Erase(Key(100));
  EXPECT_EQ(Lookup(Key(100)), -1);
  EXPECT_EQ(Lookup(Key(200)), 201);
  ASSERT_EQ(deleted_keys_.size(), 1u);
  EXPECT_EQ(deleted_values_[0], 101);

  Cache::Handle* h1 = cache_->Lookup(Key(200));
  Cache::Handle* h2 = cache_->Lookup(Key(200));
  ASSERT_NE(h1, nullptr);
  ASSERT_EQ(h1, h2);
  cache_->Erase(Key(200));
  EXPECT_EQ(Lookup(Key(200)), -1);
  EXPECT_EQ(ValueOf(h1), 201);
  EXPECT_EQ(deleted_keys_.size(), 1u);
  cache_->Release(h1);
  EXPECT_EQ(deleted_keys_.size(), 1u);
  EXPECT_EQ(cache_->TotalCharge(), 1u);  // still pinned by h2
  cache_->Release(h2);
  ASSERT_EQ(deleted_keys_.size(), 2u);
  EXPECT_EQ(deleted_values_[1], 201);
  EXPECT_EQ(cache_->TotalCharge(), 0u);
  // Erasing twice and erasing an erased key are harmless.
  cache_->Erase(Key(200));
  EXPECT_EQ(deleted_keys_.size(), 2u);
}

TEST_F(LRUCacheTest, EvictionOrderIsLRU) {
  NewCache(10);
  for (int i = 0; i < 10; i++) Insert(Key(i), i);
  // Touch 0 and 1: 2 is now the least recently used.
  EXPECT_EQ(Lookup(Key(0)), 0);
  EXPECT_EQ(Lookup(Key(1)), 1);
  Insert(Key(10), 10);
  EXPECT_EQ(Lookup(Key(2)), -1);
  ASSERT_EQ(deleted_values_, std::vector<int>({2}));
  Insert(Key(11), 11);
  Insert(Key(12), 12);
  EXPECT_EQ(deleted_values_, std::vector<int>({2, 3, 4}));
  for (int i : {0, 1, 5, 6, 7, 8, 9, 10, 11, 12}) EXPECT_EQ(Lookup(Key(i)), i) << i;
  EXPECT_EQ(cache_->TotalCharge(), 10u);
}

TEST_F(LRUCacheTest, PinnedEntriesAreNotEvicted) {
  NewCache(10);
  Cache::Handle* h = InsertPinned(Key(0), 0);
  for (int i = 1; i < 100; i++) Insert(Key(i), i);
  EXPECT_EQ(Lookup(Key(0)), 0);
  EXPECT_EQ(ValueOf(h), 0);
  cache_->Release(h);
  // Once released it is the newest entry, and the total stays within capacity.
  EXPECT_EQ(Lookup(Key(0)), 0);
  EXPECT_LE(cache_->TotalCharge(), 10u);
}

TEST_F(LRUCacheTest, OverCapacityWhilePinnedSettlesOnRelease) {
  NewCache(10);
  Insert(Key(1), 1, 4);
  Cache::Handle* big = InsertPinned(Key(2), 2, 25);
  // Everything evictable went; the pinned entry alone passes the capacity.
  EXPECT_EQ(Lookup(Key(1)), -1);
  EXPECT_EQ(cache_->TotalCharge(), 25u);
  EXPECT_EQ(Lookup(Key(2)), 2);
  cache_->Release(big);
  EXPECT_EQ(Lookup(Key(2)), -1);
  EXPECT_EQ(cache_->TotalCharge(), 0u);
  EXPECT_EQ(deleted_values_, std::vector<int>({1, 2}));
}

TEST_F(LRUCacheTest, CapacityRespectedAfterInserts) {
  Random rnd(test::RandomSeed());
  for (int shard_bits : {0, 2}) {
    const size_t capacity = 1000;
    NewCache(capacity, shard_bits);
    for (int i = 0; i < 5000; i++) {
      size_t charge = 1 + rnd.Uniform(40);
      Insert(Key(static_cast<int>(rnd.Uniform(500))), i, charge,
             rnd.OneIn(4) ? Cache::Priority::kHigh : Cache::Priority::kLow);
      ASSERT_LE(cache_->TotalCharge(), capacity) << "after insert " << i;
    }
    EXPECT_GT(cache_->TotalCharge(), capacity / 2);
    cache_.reset();
  }
}

TEST_F(LRUCacheTest, HighPriorityEntriesSurviveScan) {
  NewCache(100, 0, 0.5);
  for (int i = 0; i < 20; i++) Insert(Key(i), i, 1, Cache::Priority::kHigh);
  // A scan of low-priority entries far larger than the cache.
  for (int i = 1000; i < 3000; i++) Insert(Key(i), i);
  for (int i = 0; i < 20; i++) EXPECT_EQ(Lookup(Key(i)), i) << i;
  EXPECT_EQ(Lookup(Key(1000)), -1);
  EXPECT_EQ(Lookup(Key(2999)), 2999);
  EXPECT_EQ(cache_->TotalCharge(), 100u);

  // Without a high pool, the same scan flushes them.
  NewCache(100, 0, 0.0);
  for (int i = 0; i < 20; i++) Insert(Key(i), i, 1, Cache::Priority::kHigh);
  for (int i = 1000; i < 3000; i++) Insert(Key(i), i);
  for (int i = 0; i < 20; i++) EXPECT_EQ(Lookup(Key(i)), -1) << i;
}

TEST_F(LRUCacheTest, HighPoolOverflowIsEvictedOldestFirst) {
  // Pool of 5: of 8 high-priority entries the 3 oldest spill into the low pool.
  NewCache(10, 0, 0.5);
  for (int i = 0; i < 8; i++) Insert(Key(i), i, 1, Cache::Priority::kHigh);
  for (int i = 100; i < 110; i++) Insert(Key(i), i);
  for (int i = 0; i < 3; i++) EXPECT_EQ(Lookup(Key(i)), -1) << i;
  for (int i = 3; i < 8; i++) EXPECT_EQ(Lookup(Key(i)), i) << i;
  EXPECT_EQ(Lookup(Key(109)), 109);
  EXPECT_LE(cache_->TotalCharge(), 10u);
}

TEST_F(LRUCacheTest, DeleterCalledExactlyOnce) {
  Random rnd(test::RandomSeed());
  NewCache(50, 1);
  std::vector<Cache::Handle*> pinned;
  const int kOps = 3000;
  for (int i = 0; i < kOps; i++) {
    std::string key = Key(static_cast<int>(rnd.Uniform(100)));
    switch (rnd.Uniform(4)) {
      case 0:
        pinned.push_back(InsertPinned(key, i, 1 + rnd.Uniform(5)));
        break;
      case 1:
        Insert(key, i, 1 + rnd.Uniform(5));
        break;
      case 2:
        cache_->Erase(key);
        break;
      default:
        if (Cache::Handle* h = cache_->Lookup(key)) pinned.push_back(h);
        break;
    }
    if (pinned.size() > 10) {
      size_t victim = rnd.Uniform(pinned.size());
      cache_->Release(pinned[victim]);
      pinned.erase(pinned.begin() + static_cast<ptrdiff_t>(victim));
    }
  }
  for (Cache::Handle* h : pinned) cache_->Release(h);
  cache_.reset();
  // Every insert's value (value = op number) was deleted once; no other deletions.
  std::vector<int> seen(kOps, 0);
  for (int v : deleted_values_) {
    ASSERT_GE(v, 0);
    ASSERT_LT(v, kOps);
    seen[v]++;
  }
  int inserts = 0;
  for (int c : seen) {
    ASSERT_LE(c, 1);
    inserts += c;
  }
  EXPECT_EQ(static_cast<size_t>(inserts), deleted_values_.size());
  EXPECT_GT(inserts, kOps / 4);
}

TEST_F(LRUCacheTest, ManyShards) {
  NewCache(64 * 100, 6);
  EXPECT_EQ(static_cast<LRUCache*>(cache_.get())->num_shard_bits(), 6);
  for (int i = 0; i < 2000; i++) Insert(Key(i), i);
  // 2000 unit entries fit in 6400 bytes even when the hash is uneven across shards.
  for (int i = 0; i < 2000; i++) ASSERT_EQ(Lookup(Key(i)), i) << i;
  EXPECT_EQ(cache_->TotalCharge(), 2000u);
  for (int i = 0; i < 2000; i += 2) cache_->Erase(Key(i));
  EXPECT_EQ(cache_->TotalCharge(), 1000u);
  for (int i = 0; i < 2000; i++) ASSERT_EQ(Lookup(Key(i)), i % 2 ? i : -1) << i;
  EXPECT_EQ(cache_->Capacity(), 6400u);
}

TEST_F(LRUCacheTest, ZeroCapacity) {
  NewCache(0);
  Cache::Handle* h = InsertPinned(Key(1), 1, 10);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(ValueOf(h), 1);
  EXPECT_EQ(Lookup(Key(1)), -1);
  EXPECT_TRUE(deleted_keys_.empty());
  cache_->Release(h);
  EXPECT_EQ(deleted_values_, std::vector<int>({1}));
  Insert(Key(2), 2);
  EXPECT_EQ(deleted_values_, std::vector<int>({1, 2}));
  EXPECT_EQ(cache_->TotalCharge(), 0u);
}

TEST(LRUCacheFactoryTest, ArgumentsAndDefaults) {
  EXPECT_EQ(NewLRUCache(1000, 20), nullptr);
  EXPECT_EQ(NewLRUCache(1000, 0, -0.1), nullptr);
  EXPECT_EQ(NewLRUCache(1000, 0, 1.5), nullptr);
  EXPECT_EQ(LRUCache::DefaultShardBits(0), 0);
  EXPECT_EQ(LRUCache::DefaultShardBits(1 << 20), 1);
  EXPECT_EQ(LRUCache::DefaultShardBits(size_t{8} << 20), 4);
  EXPECT_EQ(LRUCache::DefaultShardBits(size_t{1} << 40), 6);
  auto cache = NewLRUCache(size_t{8} << 20);
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(static_cast<LRUCache*>(cache.get())->num_shard_bits(), 4);
  uint64_t a = cache->NewId();
  uint64_t b = cache->NewId();
  EXPECT_NE(a, b);
}

// Four threads insert, look up, pin, release and erase over a shared key space. Checks
// that values match their keys, that the deleter runs once per insert, and (under TSan)
// that the shards are race-free.
TEST(LRUCacheThreadTest, ConcurrentOperations) {
  struct Value {
    int key;
    std::atomic<int>* deletions;
  };
  static constexpr Cache::Deleter kDeleter = [](std::string_view, void* v) {
    auto* value = static_cast<Value*>(v);
    value->deletions->fetch_add(1, std::memory_order_relaxed);
    delete value;
  };
  const uint64_t seed = test::RandomSeed();
  std::shared_ptr<Cache> cache = NewLRUCache(200, 2);
  std::atomic<int> inserts{0};
  std::atomic<int> deletions{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      Random rnd(seed + static_cast<uint64_t>(t));
      std::vector<Cache::Handle*> held;
      for (int i = 0; i < 20000; i++) {
        int k = static_cast<int>(rnd.Uniform(300));
        std::string key = Key(k);
        uint64_t op = rnd.Uniform(10);
        if (op < 3) {
          inserts.fetch_add(1, std::memory_order_relaxed);
          held.push_back(
              cache->Insert(key, new Value{k, &deletions}, 1 + rnd.Uniform(4), kDeleter,
                            rnd.OneIn(3) ? Cache::Priority::kHigh : Cache::Priority::kLow));
        } else if (op < 8) {
          if (Cache::Handle* h = cache->Lookup(key)) {
            if (static_cast<Value*>(cache->Value(h))->key != k) failures.fetch_add(1);
            held.push_back(h);
          }
        } else {
          cache->Erase(key);
        }
        if (held.size() > 4 || (!held.empty() && rnd.OneIn(2))) {
          Cache::Handle* h = held.back();
          held.pop_back();
          int held_key = static_cast<Value*>(cache->Value(h))->key;
          if (held_key < 0 || held_key >= 300) failures.fetch_add(1);
          cache->Release(h);
        }
      }
      for (Cache::Handle* h : held) cache->Release(h);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(cache->TotalCharge(), 200u);
  cache.reset();
  EXPECT_EQ(deletions.load(), inserts.load());
}

}  // namespace
}  // namespace lsmdb
