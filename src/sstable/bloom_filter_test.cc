#include "sstable/bloom_filter.h"

#include <gtest/gtest.h>

#include "tests/util/test_util.h"
#include "util/coding.h"

namespace lsmdb {
namespace {

std::string Key(uint64_t i) {
  std::string k;
  PutFixed64(&k, i);
  return k;
}

std::string BuildFilter(int bits_per_key, uint64_t first, uint64_t n) {
  BloomFilterBuilder builder(bits_per_key);
  for (uint64_t i = first; i < first + n; i++) builder.AddKey(Key(i));
  std::string out;
  builder.Finish(&out);
  return out;
}

TEST(BloomFilterTest, EmptyFilterMatchesNothing) {
  std::string f = BuildFilter(10, 0, 0);
  EXPECT_EQ(kBloomTrailerSize, f.size());
  BloomFilterReader reader;
  ASSERT_TRUE(reader.Init(f));
  EXPECT_FALSE(reader.KeyMayMatch("hello"));
  EXPECT_FALSE(reader.KeyMayMatch(""));
}

TEST(BloomFilterTest, NoFalseNegatives) {
  for (uint64_t n : {1u, 10u, 100u, 1000u, 10000u}) {
    for (int bits : {1, 5, 10, 20}) {
      std::string f = BuildFilter(bits, 7, n);
      BloomFilterReader reader;
      ASSERT_TRUE(reader.Init(f));
      for (uint64_t i = 7; i < 7 + n; i++) ASSERT_TRUE(reader.KeyMayMatch(Key(i))) << n << " " << i;
    }
  }
}

TEST(BloomFilterTest, ConsecutiveDuplicatesAreAddedOnce) {
  BloomFilterBuilder builder(10);
  builder.AddKey("a");
  builder.AddKey("a");
  builder.AddKey("b");
  EXPECT_EQ(2u, builder.num_keys());
}

TEST(BloomFilterTest, EncodingCarriesItsParameters) {
  std::string f = BuildFilter(10, 0, 1000);
  // 1000 keys * 10 bits = 10000 bits -> 20 lines of 512 bits.
  ASSERT_EQ(20 * kBloomLineBytes + kBloomTrailerSize, f.size());
  const char* trailer = f.data() + f.size() - kBloomTrailerSize;
  EXPECT_EQ(20u, DecodeFixed32(trailer));
  EXPECT_EQ(BloomNumProbes(10), trailer[4]);
  EXPECT_EQ(kBloomFilterKind, trailer[5]);
  EXPECT_EQ(6, BloomNumProbes(10));
  EXPECT_EQ(1, BloomNumProbes(1));
}

TEST(BloomFilterTest, InconsistentEncodingsAreRejected) {
  const std::string good = BuildFilter(10, 0, 1000);
  BloomFilterReader reader;
  ASSERT_TRUE(reader.Init(good));
  EXPECT_FALSE(reader.Init(""));
  EXPECT_FALSE(reader.Init(good.substr(0, 7)));
  EXPECT_FALSE(reader.Init(good.substr(1)));  // size disagrees with num_lines
  auto with = [&](size_t pos, char c) {
    std::string b = good;
    b[b.size() - kBloomTrailerSize + pos] = c;
    return b;
  };
  EXPECT_FALSE(reader.Init(with(0, 21)));  // num_lines
  EXPECT_FALSE(reader.Init(with(3, 1)));   // num_lines, high byte
  EXPECT_FALSE(reader.Init(with(4, 0)));   // zero probes
  EXPECT_FALSE(reader.Init(with(4, 31)));  // too many probes
  EXPECT_FALSE(reader.Init(with(5, 2)));   // unknown kind
  EXPECT_FALSE(reader.Init(with(6, 1)));   // reserved byte
  // A rejected filter matches everything: it must never cause a false negative.
  EXPECT_TRUE(reader.KeyMayMatch(Key(5)));
  EXPECT_TRUE(reader.KeyMayMatch("absent"));
}

// The property the design promises: about 1% false positives at 10 bits per key.
TEST(BloomFilterTest, FalsePositiveRateAtTenBitsPerKey) {
  Random rnd(test::RandomSeed());
  const uint64_t base = rnd.Next64() >> 2;
  constexpr uint64_t kKeys = 1000000;
  std::string f = BuildFilter(10, base, kKeys);
  BloomFilterReader reader;
  ASSERT_TRUE(reader.Init(f));
  uint64_t false_positives = 0;
  for (uint64_t i = base + kKeys; i < base + 2 * kKeys; i++) {
    false_positives += reader.KeyMayMatch(Key(i)) ? 1 : 0;
  }
  const double rate = static_cast<double>(false_positives) / kKeys;
  std::fprintf(stderr, "false-positive rate at 10 bits/key: %.4f%%\n", rate * 100);
  EXPECT_LE(rate, 0.012);
}

}  // namespace
}  // namespace lsmdb
