#include "sstable/index_prefixes.h"

#include <gtest/gtest.h>

#include <set>

#include "lsmdb/comparator.h"
#include "sstable/block_builder.h"
#include "tests/util/test_util.h"
#include "util/internal_key.h"

namespace lsmdb {
namespace {

// User keys that share long prefixes, differ in length and hold 0x00 and 0xff bytes: the
// cases where an 8-byte image ties or where zero padding could mislead.
std::string RandomUserKey(Random* rnd, const std::string& prefix) {
  static const char kAlphabet[] = "ab\x00\xff";
  std::string k =
      prefix.substr(0, rnd->Uniform(4) == 0 ? rnd->Uniform(prefix.size() + 1) : prefix.size());
  const size_t extra = rnd->Uniform(12);
  for (size_t i = 0; i < extra; i++) k += kAlphabet[rnd->Uniform(sizeof(kAlphabet) - 1)];
  return k;
}

std::string IKey(const std::string& user_key, SequenceNumber seq) {
  std::string k;
  AppendInternalKey(&k, user_key, seq, ValueType::kValue);
  return k;
}

struct InternalOrder {
  bool operator()(const std::string& a, const std::string& b) const {
    return InternalKeyComparator(BytewiseComparator()).Compare(a, b) < 0;
  }
};

// Seeking with the bounds IndexPrefixes gives lands where a full binary search does, for
// targets inside, between, before and after the index keys.
TEST(IndexPrefixesTest, BoundedSeekMatchesFullSeek) {
  const uint32_t seed = test::RandomSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random rnd(seed);
  const InternalKeyComparator icmp(BytewiseComparator());
  for (int round = 0; round < 30; round++) {
    const std::string prefix(rnd.Uniform(12), round % 2 ? '0' : '\xff');
    std::set<std::string, InternalOrder> keys;
    const size_t n = 1 + rnd.Uniform(300);
    while (keys.size() < n) keys.insert(IKey(RandomUserKey(&rnd, prefix), rnd.Uniform(5)));
    BlockBuilder builder(1);
    for (const auto& k : keys) builder.Add(k, "v");
    const std::string bytes(builder.Finish());
    Block block(BlockContents{bytes, nullptr});
    ASSERT_TRUE(block.ok());
    IndexPrefixes prefixes;
    prefixes.Build(block, &icmp);
    ASSERT_TRUE(prefixes.enabled());

    BlockIter full(&icmp, &block, kInternalKeyTrailer), bounded(&icmp, &block, kInternalKeyTrailer);
    for (int t = 0; t < 200; t++) {
      const std::string target = IKey(RandomUserKey(&rnd, prefix), rnd.Uniform(5));
      uint32_t first = 0, last = 0;
      prefixes.Bounds(target, &first, &last);
      ASSERT_LE(first, last);
      full.Seek(target);
      bounded.SeekInRestarts(target, first, last);
      ASSERT_EQ(full.Valid(), bounded.Valid());
      if (full.Valid()) {
        ASSERT_EQ(full.key(), bounded.key());
      }
    }
  }
}

TEST(IndexPrefixesTest, DisabledForOtherOrdersAndLayouts) {
  const InternalKeyComparator icmp(BytewiseComparator());
  BlockBuilder builder(16);  // several keys per restart point
  for (int i = 0; i < 40; i++) builder.Add(IKey("k" + std::to_string(100 + i), 1), "v");
  const std::string bytes(builder.Finish());
  Block block(BlockContents{bytes, nullptr});
  IndexPrefixes prefixes;
  prefixes.Build(block, &icmp);
  EXPECT_FALSE(prefixes.enabled());
  prefixes.Build(block, BytewiseComparator());  // not internal keys
  EXPECT_FALSE(prefixes.enabled());
}

}  // namespace
}  // namespace lsmdb
