#include "memtable/memtable_filter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "tests/util/test_util.h"
#include "util/random.h"

namespace lsmdb {
namespace {

std::vector<std::string> RandomKeys(Random* rnd, size_t n) {
  std::vector<std::string> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; i++) keys.push_back(test::RandomString(rnd, 1 + rnd->Uniform(40)));
  return keys;
}

TEST(MemTableFilterTest, BelowOneLineItIsDisabledAndMatchesEverything) {
  MemTableFilter filter(63);
  EXPECT_FALSE(filter.enabled());
  EXPECT_EQ(0u, filter.ApproximateMemoryUsage());
  filter.Add("a");
  EXPECT_TRUE(filter.MayContain("a"));
  EXPECT_TRUE(filter.MayContain("never added"));
}

TEST(MemTableFilterTest, SizeIsWholeLines) {
  EXPECT_EQ(128u, MemTableFilter(191).ApproximateMemoryUsage());
  EXPECT_EQ(64u << 10, MemTableFilter(64 << 10).ApproximateMemoryUsage());
}

TEST(MemTableFilterTest, NoFalseNegativesAndFewFalsePositives) {
  Random rnd(test::RandomSeed());
  // 16 bits per key, as a memtable of 130-byte entries gets.
  const size_t kKeys = 20000;
  MemTableFilter filter(kKeys * 2);
  const std::vector<std::string> keys = RandomKeys(&rnd, kKeys);
  EXPECT_TRUE(filter.enabled());
  for (const auto& k : keys) filter.Add(k);
  for (const auto& k : keys) ASSERT_TRUE(filter.MayContain(k)) << k;
  const std::unordered_set<std::string> added(keys.begin(), keys.end());
  size_t probes = 0, positives = 0;
  for (int i = 0; i < 20000; i++) {
    std::string k = "absent" + std::to_string(i);
    if (added.count(k) != 0) continue;
    probes++;
    if (filter.MayContain(k)) positives++;
  }
  // A blocked filter at 16 bits per key with 6 probes: well under 1% expected.
  EXPECT_LT(positives * 100, probes * 2) << positives << " of " << probes;
  EXPECT_FALSE(filter.MayContain("")) << "the empty key was never added";
}

TEST(MemTableFilterTest, SaturatedFilterStillHasNoFalseNegatives) {
  Random rnd(test::RandomSeed());
  MemTableFilter filter(64);  // one line for thousands of keys
  const std::vector<std::string> keys = RandomKeys(&rnd, 5000);
  for (const auto& k : keys) filter.Add(k);
  for (const auto& k : keys) ASSERT_TRUE(filter.MayContain(k)) << k;
}

// One writer adds keys and publishes a count (release); readers check every published
// key (acquire): none may be missing. Run under TSan.
TEST(MemTableFilterTest, ConcurrentReadersSeeEveryPublishedKey) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  const std::vector<std::string> keys = RandomKeys(&rnd, 20000);
  MemTableFilter filter(8 << 10);
  std::atomic<size_t> published{0};
  std::atomic<bool> failed{false};
  auto reader = [&](uint64_t s) {
    Random r(s);
    size_t known = 0;
    while (known < keys.size() && !failed.load()) {
      known = published.load(std::memory_order_acquire);
      for (int probe = 0; probe < 16 && known > 0; probe++) {
        const std::string& k = keys[r.Uniform(known)];
        if (!filter.MayContain(k)) {
          ADD_FAILURE() << "published key missing: " << k;
          failed = true;
          return;
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; t++) threads.emplace_back(reader, seed + 1 + t);
  for (size_t i = 0; i < keys.size(); i++) {
    filter.Add(keys[i]);
    published.store(i + 1, std::memory_order_release);
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(failed.load());
}

}  // namespace
}  // namespace lsmdb
