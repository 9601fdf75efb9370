#include "memtable/memtable.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "lsmdb/comparator.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

// prefix followed by the decimal digits of i. (Not `prefix + std::to_string(i)`, which
// trips a false -Wrestrict in g++ 12.)
std::string Numbered(std::string_view prefix, int i) {
  std::string s(prefix);
  s.append(std::to_string(i));
  return s;
}

std::string IKey(std::string_view user_key, SequenceNumber seq, ValueType type) {
  std::string k;
  AppendInternalKey(&k, user_key, seq, type);
  return k;
}

// Every test runs without a key filter, with a one-line filter (saturated after a few
// dozen keys, so nearly every lookup searches the skip list) and with a roomy one.
class MemTableTest : public testing::TestWithParam<size_t> {
 protected:
  MemTableTest() : icmp_(BytewiseComparator()), mem_(icmp_, GetParam()) {}

  // "NOT_FOUND" when the memtable knows nothing, "DELETED" for a deletion, else the
  // value.
  std::string Get(std::string_view user_key, SequenceNumber seq) {
    LookupKey lkey(user_key, seq);
    std::string value = "untouched";
    Status s = Status::Corruption("untouched");
    if (!mem_.Get(lkey, &value, &s)) {
      EXPECT_EQ("untouched", value);
      EXPECT_TRUE(s.IsCorruption());
      return "NOT_FOUND";
    }
    if (s.IsNotFound()) {
      EXPECT_EQ("untouched", value);
      return "DELETED";
    }
    EXPECT_TRUE(s.ok()) << s.ToString();
    return value;
  }

  // Every (internal key, value) in iterator order, forward.
  std::vector<std::pair<std::string, std::string>> Contents() {
    std::vector<std::pair<std::string, std::string>> out;
    auto iter = mem_.NewIterator();
    for (iter->SeekToFirst(); iter->Valid(); iter->Next()) {
      out.emplace_back(std::string(iter->key()), std::string(iter->value()));
    }
    EXPECT_TRUE(iter->status().ok());
    return out;
  }

  InternalKeyComparator icmp_;
  MemTable mem_;
};

TEST_P(MemTableTest, Empty) {
  EXPECT_TRUE(mem_.empty());
  EXPECT_EQ(0u, mem_.num_entries());
  EXPECT_EQ(0u, mem_.num_deletes());
  EXPECT_EQ(kMaxSequenceNumber, mem_.first_sequence());
  EXPECT_EQ("NOT_FOUND", Get("a", kMaxSequenceNumber));
  auto iter = mem_.NewIterator();
  iter->SeekToFirst();
  EXPECT_FALSE(iter->Valid());
  iter->SeekToLast();
  EXPECT_FALSE(iter->Valid());
  iter->Seek(IKey("a", 1, kValueTypeForSeek));
  EXPECT_FALSE(iter->Valid());
  EXPECT_TRUE(iter->status().ok());
}

TEST_P(MemTableTest, GetSeesTheNewestEntryAtOrBelowTheSnapshot) {
  mem_.Add(10, ValueType::kValue, "k", "v10");
  mem_.Add(20, ValueType::kValue, "k", "v20");
  mem_.Add(30, ValueType::kDeletion, "k", "");
  mem_.Add(40, ValueType::kValue, "k", "v40");
  mem_.Add(15, ValueType::kValue, "j", "j15");
  mem_.Add(25, ValueType::kValue, "ka", "ka25");

  EXPECT_EQ("NOT_FOUND", Get("k", 9));
  EXPECT_EQ("v10", Get("k", 10));
  EXPECT_EQ("v10", Get("k", 19));
  EXPECT_EQ("v20", Get("k", 20));
  EXPECT_EQ("v20", Get("k", 29));
  EXPECT_EQ("DELETED", Get("k", 30));
  EXPECT_EQ("DELETED", Get("k", 39));
  EXPECT_EQ("v40", Get("k", 40));
  EXPECT_EQ("v40", Get("k", kMaxSequenceNumber));

  EXPECT_EQ("NOT_FOUND", Get("j", 14));
  EXPECT_EQ("j15", Get("j", 100));
  EXPECT_EQ("NOT_FOUND", Get("ka", 24));
  EXPECT_EQ("ka25", Get("ka", 25));
  // Neighbours and prefixes of stored keys are unknown.
  EXPECT_EQ("NOT_FOUND", Get("", 100));
  EXPECT_EQ("NOT_FOUND", Get("i", 100));
  EXPECT_EQ("NOT_FOUND", Get("jj", 100));
  EXPECT_EQ("NOT_FOUND", Get("kb", 100));
  EXPECT_EQ("NOT_FOUND", Get("z", 100));

  EXPECT_EQ(6u, mem_.num_entries());
  EXPECT_EQ(1u, mem_.num_deletes());
  EXPECT_EQ(10u, mem_.first_sequence());
  EXPECT_FALSE(mem_.empty());
}

TEST_P(MemTableTest, DeletionAndValueAtTheSameSequence) {
  // A deletion sorts after a value of the same sequence (kind descending).
  mem_.Add(5, ValueType::kDeletion, "k", "");
  mem_.Add(5, ValueType::kValue, "k", "v");
  EXPECT_EQ("v", Get("k", 5));
  auto contents = Contents();
  ASSERT_EQ(2u, contents.size());
  EXPECT_EQ(IKey("k", 5, ValueType::kValue), contents[0].first);
  EXPECT_EQ(IKey("k", 5, ValueType::kDeletion), contents[1].first);
}

TEST_P(MemTableTest, EmptyKeysAndValues) {
  mem_.Add(1, ValueType::kValue, "", "empty-key");
  mem_.Add(2, ValueType::kValue, "empty-value", "");
  mem_.Add(3, ValueType::kValue, "", "");
  EXPECT_EQ("empty-key", Get("", 1));
  EXPECT_EQ("", Get("", 3));
  EXPECT_EQ("", Get("empty-value", 2));
  EXPECT_EQ("NOT_FOUND", Get("empty-value", 1));

  auto contents = Contents();
  ASSERT_EQ(3u, contents.size());
  EXPECT_EQ(IKey("", 3, ValueType::kValue), contents[0].first);
  EXPECT_EQ("", contents[0].second);
  EXPECT_EQ(IKey("", 1, ValueType::kValue), contents[1].first);
  EXPECT_EQ("empty-key", contents[1].second);
  EXPECT_EQ(IKey("empty-value", 2, ValueType::kValue), contents[2].first);
}

TEST_P(MemTableTest, BinaryKeysWithZeroBytes) {
  using namespace std::string_literals;
  const std::vector<std::string> keys = {"\0"s,   "\0\0"s,  "a"s, "a\0"s,
                                         "a\0b"s, "a\xff"s, "b"s, "\xff\0"s};  // bytewise order
  for (size_t i = 0; i < keys.size(); i++) {
    mem_.Add(100 - i, ValueType::kValue, keys[i], "value\0"s + keys[i]);
  }
  for (size_t i = 0; i < keys.size(); i++) {
    EXPECT_EQ("value\0"s + keys[i], Get(keys[i], 100)) << i;
  }
  EXPECT_EQ("NOT_FOUND", Get("", 100));
  EXPECT_EQ("NOT_FOUND", Get("a\0a"s, 100));

  auto contents = Contents();
  ASSERT_EQ(keys.size(), contents.size());
  for (size_t i = 0; i < keys.size(); i++) {
    EXPECT_EQ(IKey(keys[i], 100 - i, ValueType::kValue), contents[i].first) << i;
  }
}

TEST_P(MemTableTest, LargeValues) {
  Random rnd(test::RandomSeed());
  const std::string big1 = test::RandomBytes(&rnd, 1 << 20);
  const std::string big2 = test::RandomBytes(&rnd, (1 << 20) + 17);
  const std::string big_key = test::RandomBytes(&rnd, 100000);
  mem_.Add(1, ValueType::kValue, "big", big1);
  mem_.Add(2, ValueType::kValue, big_key, big2);
  mem_.Add(3, ValueType::kValue, "small", "s");
  EXPECT_EQ(big1, Get("big", 5));
  EXPECT_EQ(big2, Get(big_key, 5));
  EXPECT_EQ("s", Get("small", 5));
  EXPECT_GE(mem_.ApproximateMemoryUsage(), big1.size() + big2.size() + big_key.size());
}

TEST_P(MemTableTest, MemoryUsageGrows) {
  size_t last = mem_.ApproximateMemoryUsage();
  size_t added = 0;
  for (int i = 0; i < 5000; i++) {
    std::string key = Numbered("key", i);
    std::string value(100, 'v');
    mem_.Add(i + 1, ValueType::kValue, key, value);
    added += key.size() + value.size() + kInternalKeyTrailer;
    size_t now = mem_.ApproximateMemoryUsage();
    ASSERT_GE(now, last);
    last = now;
  }
  EXPECT_GE(last, added);
  // A few blocks of slack at most beyond the entries, their nodes and prefixes.
  EXPECT_LE(last, added * 2);
}

// Random updates over a small key space, checked against a model: Get at random
// snapshots, and the iterator both ways and after Seek.
TEST_P(MemTableTest, RandomAgainstModel) {
  Random rnd(test::RandomSeed());
  // user key -> sequence -> (type, value); the full history.
  std::map<std::string, std::map<SequenceNumber, std::pair<ValueType, std::string>>> model;
  std::vector<std::string> user_keys;
  // Mostly tiny keys (many collisions), some long enough that a seek target does not fit
  // the iterator's inline buffer.
  for (int i = 0; i < 50; i++) {
    user_keys.push_back(
        test::RandomBytes(&rnd, rnd.OneIn(5) ? 50 + rnd.Uniform(100) : rnd.Uniform(6)));
  }

  SequenceNumber seq = 1000;
  for (int i = 0; i < 3000; i++) {
    seq += 1 + rnd.Uniform(3);
    const std::string& k = user_keys[rnd.Uniform(user_keys.size())];
    ValueType type = rnd.OneIn(4) ? ValueType::kDeletion : ValueType::kValue;
    std::string v = type == ValueType::kValue ? test::RandomBytes(&rnd, rnd.Uniform(20)) : "";
    mem_.Add(seq, type, k, v);
    model[k][seq] = {type, v};
  }
  EXPECT_EQ(3000u, mem_.num_entries());

  for (int i = 0; i < 3000; i++) {
    const std::string& k = user_keys[rnd.Uniform(user_keys.size())];
    SequenceNumber snapshot = 1000 + rnd.Uniform(seq - 1000 + 10);
    std::string expected = "NOT_FOUND";
    auto kit = model.find(k);
    if (kit != model.end()) {
      auto sit = kit->second.upper_bound(snapshot);
      if (sit != kit->second.begin()) {
        --sit;
        expected = sit->second.first == ValueType::kDeletion ? "DELETED" : sit->second.second;
      }
    }
    ASSERT_EQ(expected, Get(k, snapshot)) << "snapshot " << snapshot;
  }

  // The model flattened in internal-key order: user key ascending, sequence descending.
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& [k, versions] : model) {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
      expected.emplace_back(IKey(k, it->first, it->second.first), it->second.second);
    }
  }
  ASSERT_EQ(expected, Contents());

  auto iter = mem_.NewIterator();
  size_t i = expected.size();
  for (iter->SeekToLast(); iter->Valid(); iter->Prev()) {
    ASSERT_GT(i, 0u);
    --i;
    ASSERT_EQ(expected[i].first, iter->key());
    ASSERT_EQ(expected[i].second, iter->value());
  }
  EXPECT_EQ(0u, i);

  for (int n = 0; n < 500; n++) {
    std::string target = IKey(user_keys[rnd.Uniform(user_keys.size())],
                              1000 + rnd.Uniform(seq - 1000 + 10), kValueTypeForSeek);
    auto pos = std::lower_bound(
        expected.begin(), expected.end(), target,
        [&](const auto& entry, const std::string& t) { return icmp_.Compare(entry.first, t) < 0; });
    iter->Seek(target);
    if (pos == expected.end()) {
      ASSERT_FALSE(iter->Valid());
      continue;
    }
    ASSERT_TRUE(iter->Valid());
    ASSERT_EQ(pos->first, iter->key());
    ASSERT_EQ(pos->second, iter->value());
    if (pos != expected.begin()) {
      iter->Prev();
      ASSERT_TRUE(iter->Valid());
      ASSERT_EQ(std::prev(pos)->first, iter->key());
    }
  }
}

// Seek encodes its target in an inline buffer when it fits and in a kept heap buffer
// otherwise: targets of every length around that limit, a long one then a short one
// then a longer one on the same iterator, all land where the model says.
TEST_P(MemTableTest, SeekTargetsOfEveryLength) {
  std::vector<std::string> keys;
  for (size_t len = 0; len <= 300; len += (len < 80 ? 1 : 37)) {
    keys.push_back(std::string(len, 'k'));
    keys.push_back(std::string(len, 'k') + "\x01");
  }
  SequenceNumber seq = 1;
  for (const std::string& k : keys) mem_.Add(seq++, ValueType::kValue, k, k);
  std::sort(keys.begin(), keys.end());
  auto iter = mem_.NewIterator();
  Random rnd(test::RandomSeed());
  for (int n = 0; n < 2000; n++) {
    const std::string& k = keys[rnd.Uniform(keys.size())];
    // Sequence 0 sorts after every entry of k: lands on the next user key.
    const bool past = rnd.OneIn(2);
    iter->Seek(IKey(k, past ? 0 : kMaxSequenceNumber, kValueTypeForSeek));
    auto want = std::find(keys.begin(), keys.end(), k) + (past ? 1 : 0);
    if (want == keys.end()) {
      ASSERT_FALSE(iter->Valid()) << k.size();
      continue;
    }
    ASSERT_TRUE(iter->Valid()) << k.size();
    ASSERT_EQ(*want, ExtractUserKey(iter->key())) << "target of " << k.size() << " bytes";
  }
}

// A writer adds while readers Get and iterate: readers always find every entry published
// before they looked. Bounded by counts.
TEST_P(MemTableTest, ConcurrentReadersAndOneWriter) {
  const int kEntries = 5000;
  const int kReaders = 2;
  std::atomic<int> published{0};  // entries 1..published are in the memtable
  std::atomic<int> readers_ready{0};
  std::atomic<bool> failed{false};

  auto reader = [&](uint64_t seed) {
    Random rnd(seed);
    readers_ready.fetch_add(1);
    for (int round = 0; !failed.load(); round++) {
      const int known = published.load(std::memory_order_acquire);
      for (int probe = 0; probe < 20 && known > 0; probe++) {
        int i = 1 + static_cast<int>(rnd.Uniform(known));
        LookupKey lkey(Numbered("key", i), kMaxSequenceNumber);
        std::string value;
        Status s;
        if (!mem_.Get(lkey, &value, &s) || !s.ok() || value != Numbered("v", i)) {
          ADD_FAILURE() << "Get misses entry " << i;
          failed = true;
          return;
        }
      }
      if (mem_.num_entries() < static_cast<uint64_t>(known) ||
          (known > 0 && mem_.first_sequence() != 1)) {
        ADD_FAILURE() << "counters lag behind published entries";
        failed = true;
        return;
      }
      if (round % 8 == 0) {
        int count = 0;
        std::string prev;
        auto iter = mem_.NewIterator();
        for (iter->SeekToFirst(); iter->Valid(); iter->Next(), count++) {
          std::string cur(iter->key());
          if (count > 0 && icmp_.Compare(prev, cur) >= 0) {
            ADD_FAILURE() << "iterator out of order";
            failed = true;
            return;
          }
          prev = std::move(cur);
        }
        if (count < known) {
          ADD_FAILURE() << "iterator saw " << count << " < " << known;
          failed = true;
          return;
        }
      }
      if (known == kEntries) return;
    }
  };

  const uint64_t seed = test::RandomSeed();
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; r++) threads.emplace_back(reader, seed + r);
  while (readers_ready.load() < kReaders) std::this_thread::yield();
  for (int i = 1; i <= kEntries && !failed.load(std::memory_order_relaxed); i++) {
    mem_.Add(i, ValueType::kValue, Numbered("key", i), Numbered("v", i));
    published.store(i, std::memory_order_release);
  }
  published.store(kEntries, std::memory_order_release);
  for (auto& t : threads) t.join();
  EXPECT_FALSE(failed.load());
}

INSTANTIATE_TEST_SUITE_P(FilterBytes, MemTableTest, testing::Values(0, 64, 64 << 10));

}  // namespace
}  // namespace lsmdb
