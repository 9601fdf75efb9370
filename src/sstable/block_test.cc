#include "sstable/block.h"

#include <gtest/gtest.h>

#include <set>

#include "lsmdb/comparator.h"
#include "sstable/block_builder.h"
#include "sstable/sstable_test_util.h"
#include "tests/util/test_util.h"
#include "util/coding.h"

namespace lsmdb {
namespace {

// Keys drawn from a small alphabet with common prefixes, so that prefix compression and
// restart points both matter.
std::string RandomKey(Random* rnd, size_t max_len) {
  static const char kAlphabet[] = "abcd\x00\xff";
  std::string k(rnd->Uniform(max_len + 1), '\0');
  for (char& c : k) c = kAlphabet[rnd->Uniform(sizeof(kAlphabet) - 1)];
  return k;
}

test::KVVector RandomModel(Random* rnd, size_t n, size_t max_key_len) {
  std::set<std::string> keys;
  while (keys.size() < n) keys.insert(RandomKey(rnd, max_key_len));
  test::KVVector model;
  for (const auto& k : keys) model.emplace_back(k, test::RandomBytes(rnd, rnd->Skewed(6)));
  return model;
}

std::string BuildBlock(const test::KVVector& model, int restart_interval) {
  BlockBuilder builder(restart_interval);
  for (const auto& [k, v] : model) builder.Add(k, v);
  return std::string(builder.Finish());
}

TEST(BlockTest, EmptyBlock) {
  std::string bytes = BuildBlock({}, 16);
  EXPECT_EQ(8u, bytes.size());
  Block block(BlockContents{bytes, nullptr});
  ASSERT_TRUE(block.ok());
  auto it = block.NewIterator(BytewiseComparator());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek("a");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST(BlockTest, UninitialisedIteratorIsInvalid) {
  BlockIter it;
  it.SeekToFirst();
  it.Seek("x");
  it.SeekToLast();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().ok());
}

TEST(BlockTest, EntryEncoding) {
  BlockBuilder builder(2);
  builder.Add("apple", "1");
  builder.Add("apply", "22");
  builder.Add("banana", "");
  std::string bytes(builder.Finish());
  // apple: shared 0, unshared 5, value 1; apply: shared 4, unshared 1, value 2;
  // banana starts a restart: shared 0. Then restarts [0, 16] and count 2.
  std::string expected(
      "\x00\x05\x01"
      "apple"
      "1"
      "\x04\x01\x02"
      "y"
      "22"
      "\x00\x06\x00"
      "banana",
      24);
  PutFixed32(&expected, 0);
  PutFixed32(&expected, 15);
  PutFixed32(&expected, 2);
  EXPECT_EQ(expected, bytes);
}

TEST(BlockTest, MatchesModelAcrossRestartIntervals) {
  Random rnd(test::RandomSeed());
  for (int interval : {1, 2, 16, 1024}) {
    SCOPED_TRACE(interval);
    test::KVVector model = RandomModel(&rnd, 1 + rnd.Uniform(2000), 12);
    std::string bytes = BuildBlock(model, interval);
    Block block(BlockContents{bytes, nullptr});
    ASSERT_TRUE(block.ok());
    auto it = block.NewIterator(BytewiseComparator());
    test::CheckFullScans(it.get(), model);
    test::CheckIteratorAgainstModel(
        it.get(), model, BytewiseComparator(), &rnd, 5000, [&](Random* r) {
          return r->OneIn(2) ? model[r->Uniform(model.size())].first : RandomKey(r, 12);
        });
  }
}

TEST(BlockTest, KeysLongerThanTheInlineBuffer) {
  Random rnd(test::RandomSeed());
  test::KVVector model;
  std::string prefix = test::RandomString(&rnd, 3 * BlockIter::kInlineKeyBytes);
  for (int i = 0; i < 200; i++) {
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "%05d", i);
    std::string key = prefix.substr(0, rnd.Uniform(prefix.size())) + "~" + suffix;
    model.emplace_back(key, std::to_string(i));
  }
  std::sort(model.begin(), model.end());
  model.erase(std::unique(model.begin(), model.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              model.end());
  std::string bytes = BuildBlock(model, 8);
  Block block(BlockContents{bytes, nullptr});
  auto it = block.NewIterator(BytewiseComparator());
  test::CheckFullScans(it.get(), model);
  test::CheckIteratorAgainstModel(it.get(), model, BytewiseComparator(), &rnd, 2000,
                                  [&](Random* r) { return model[r->Uniform(model.size())].first; });
}

TEST(BlockTest, OwnsOrBorrowsItsBytes) {
  std::string bytes = BuildBlock({{"k", "v"}}, 16);
  auto owned = std::make_unique<char[]>(bytes.size());
  std::memcpy(owned.get(), bytes.data(), bytes.size());
  std::string_view view(owned.get(), bytes.size());
  Block block(BlockContents{view, std::move(owned)});
  Block borrowed(BlockContents{bytes, nullptr});
  EXPECT_EQ(borrowed.ApproximateMemoryUsage() + bytes.size(), block.ApproximateMemoryUsage());
  auto it = block.NewIterator(BytewiseComparator());
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("k", it->key());
  EXPECT_EQ("v", it->value());
}

void ExpectCorrupt(const std::string& bytes) {
  Block block(BlockContents{bytes, nullptr});
  EXPECT_FALSE(block.ok());
  auto it = block.NewIterator(BytewiseComparator());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
}

TEST(BlockTest, MalformedRestartArrays) {
  ExpectCorrupt("");
  ExpectCorrupt("abc");
  std::string s;
  PutFixed32(&s, 0);  // zero restarts
  ExpectCorrupt(s);
  s.clear();
  PutFixed32(&s, 5);  // more restarts than room
  ExpectCorrupt(s);

  const std::string entries(
      "\x00\x01\x01"
      "a"
      "1"
      "\x00\x01\x01"
      "b"
      "2",
      10);
  auto with_restarts = [&](std::initializer_list<uint32_t> restarts) {
    std::string b = entries;
    for (uint32_t r : restarts) PutFixed32(&b, r);
    PutFixed32(&b, static_cast<uint32_t>(restarts.size()));
    return b;
  };
  {
    Block good(BlockContents{with_restarts({0, 5}), nullptr});
    EXPECT_TRUE(good.ok());
  }
  ExpectCorrupt(with_restarts({1, 5}));    // first restart not 0
  ExpectCorrupt(with_restarts({0, 0}));    // not increasing
  ExpectCorrupt(with_restarts({0, 10}));   // points at the restart array
  ExpectCorrupt(with_restarts({0, 999}));  // past the end
}

TEST(BlockTest, DamagedEntriesAreCorruption) {
  // Entry claims a value longer than the block.
  std::string b(
      "\x00\x01\x7f"
      "a"
      "1",
      5);
  PutFixed32(&b, 0);
  PutFixed32(&b, 1);
  Block block(BlockContents{b, nullptr});
  ASSERT_TRUE(block.ok());
  auto it = block.NewIterator(BytewiseComparator());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
  // The error sticks.
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());

  // Second entry shares more than the first key has.
  std::string c(
      "\x00\x01\x00"
      "a"
      "\x05\x01\x00"
      "b",
      8);
  PutFixed32(&c, 0);
  PutFixed32(&c, 1);
  Block block2(BlockContents{c, nullptr});
  auto it2 = block2.NewIterator(BytewiseComparator());
  it2->SeekToFirst();
  ASSERT_TRUE(it2->Valid());
  it2->Next();
  EXPECT_FALSE(it2->Valid());
  EXPECT_TRUE(it2->status().IsCorruption());
}

// Entries past the second of a restart block are decoded by a fast path (prefix already
// in the key buffer, short suffix, value under 16 KiB); the rest by the general one. Both
// must agree whatever the lengths: values around the one- and two-byte varint limits,
// suffixes around the 16-byte fixed copy.
TEST(BlockTest, EntryLengthsAroundTheFastPathLimits) {
  Random rnd(test::RandomSeed());
  const size_t value_sizes[] = {0, 1, 127, 128, 200, 16383, 16384, 20000};
  test::KVVector model;
  std::set<std::string> keys;
  while (keys.size() < 300) {
    std::string k = "prefix/" + std::string(rnd.Uniform(3), 'p');
    k += test::RandomString(&rnd, 1 + rnd.Uniform(40));
    keys.insert(k);
  }
  for (const auto& k : keys) {
    model.emplace_back(k, test::RandomString(&rnd, value_sizes[rnd.Uniform(8)]));
  }
  for (int interval : {1, 3, 16}) {
    SCOPED_TRACE(interval);
    std::string bytes = BuildBlock(model, interval);
    Block block(BlockContents{bytes, nullptr});
    ASSERT_TRUE(block.ok());
    auto it = block.NewIterator(BytewiseComparator());
    test::CheckFullScans(it.get(), model);
    test::CheckIteratorAgainstModel(
        it.get(), model, BytewiseComparator(), &rnd, 2000,
        [&](Random* r) { return model[r->Uniform(model.size())].first; });
  }
}

// Damage in the third entry of a restart block, whose predecessor's key is already in
// the key buffer (the fast path's case), is Corruption too.
TEST(BlockTest, DamageAfterAPrefixCompressedEntryIsCorruption) {
  const std::string first(
      "\x00\x02\x00"
      "ab"
      "\x01\x01\x00"
      "c",
      9);
  const std::string thirds[] = {
      std::string("\x05\x01\x00", 3) + "d",      // shares more than "ac" has
      std::string("\x01\x01\x7f", 3) + "d",      // value overruns the entries
      std::string("\x01\x01\xff\x7f", 4) + "d",  // two-byte value length overruns them
      std::string("\x01\x00\x00", 3),            // key "a": shorter than the minimum
  };
  // A fourth entry after the damaged one, so that the block is long enough for the
  // fast path's fixed-size copy.
  const std::string padding = std::string("\x00\x14\x00", 3) + std::string(20, 'z');
  for (const std::string& third : thirds) {
    std::string b = first + third + padding;
    PutFixed32(&b, 0);
    PutFixed32(&b, 1);
    Block block(BlockContents{b, nullptr});
    ASSERT_TRUE(block.ok());
    BlockIter it(BytewiseComparator(), &block, /*min_key_size=*/2);
    it.SeekToFirst();
    ASSERT_TRUE(it.Valid());
    it.Next();
    ASSERT_TRUE(it.Valid());
    EXPECT_EQ("ac", it.key());
    it.Next();
    EXPECT_FALSE(it.Valid());
    EXPECT_TRUE(it.status().IsCorruption()) << it.status().ToString();
  }
}

TEST(BlockTest, KeysShorterThanTheMinimumAreCorruption) {
  std::string bytes = BuildBlock({{"12345678", "a"}, {"123456789", "b"}, {"2", "c"}}, 2);
  Block block(BlockContents{bytes, nullptr});
  BlockIter it(BytewiseComparator(), &block, 8);
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  it.Next();
  ASSERT_TRUE(it.Valid());
  it.Next();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().IsCorruption());
  BlockIter seeker(BytewiseComparator(), &block, 8);
  seeker.Seek("3");  // binary search reads the short restart key
  EXPECT_FALSE(seeker.Valid());
  EXPECT_TRUE(seeker.status().IsCorruption());
}

// Random damage must never crash or read out of bounds (run under ASan); the iterator
// either works or reports Corruption.
TEST(BlockTest, RandomDamageNeverCrashes) {
  Random rnd(test::RandomSeed());
  test::KVVector model = RandomModel(&rnd, 300, 10);
  const std::string good = BuildBlock(model, 4);
  for (int trial = 0; trial < 3000; trial++) {
    std::string bad = good;
    if (rnd.OneIn(4)) {
      bad.resize(rnd.Uniform(bad.size()));
    } else {
      for (int flips = 1 + static_cast<int>(rnd.Uniform(3)); flips > 0; flips--) {
        bad[rnd.Uniform(bad.size())] ^= static_cast<char>(1 << rnd.Uniform(8));
      }
    }
    // Copy into an exact-size heap buffer so ASan sees any overrun.
    auto owned = std::make_unique<char[]>(bad.size() + 1);
    std::memcpy(owned.get(), bad.data(), bad.size());
    std::string_view view(owned.get(), bad.size());
    Block block(BlockContents{view, std::move(owned)});
    BlockIter it(BytewiseComparator(), &block);
    int steps = 0;
    for (it.SeekToFirst(); it.Valid() && steps < 1000; it.Next(), steps++) {
      ASSERT_LE(it.key().size(), bad.size() + BlockIter::kInlineKeyBytes * 64);
    }
    for (it.SeekToLast(); it.Valid() && steps < 2000; it.Prev(), steps++) {
    }
    it.Seek(model[rnd.Uniform(model.size())].first);
    if (it.Valid()) it.Prev();
    if (!it.status().ok()) {
      EXPECT_TRUE(it.status().IsCorruption());
      EXPECT_FALSE(it.Valid());
    }
  }
}

}  // namespace
}  // namespace lsmdb
