#include "sstable/compression.h"

#include <gtest/gtest.h>

#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

constexpr CompressionType kCodecs[] = {CompressionType::kSnappy, CompressionType::kLz4,
                                       CompressionType::kZstd};

std::string Compressible(Random* rnd, size_t n) {
  std::string s;
  while (s.size() < n) s += "key" + std::to_string(rnd->Uniform(100)) + "-value-value-value;";
  s.resize(n);
  return s;
}

TEST(CompressionTest, RoundTripEveryCodec) {
  Random rnd(test::RandomSeed());
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(CompressionTypeName(type));
    for (size_t n : {size_t{64}, size_t{4096}, size_t{1} << 20}) {
      std::string raw = Compressible(&rnd, n);
      std::string out;
      ASSERT_EQ(type, CompressBlock(type, 3, raw, &out));
      EXPECT_LT(out.size(), raw.size() - raw.size() / 8);
      std::unique_ptr<char[]> back;
      size_t back_size = 0;
      ASSERT_TRUE(UncompressBlock(type, out, uint64_t{1} << 30, &back, &back_size).ok());
      ASSERT_EQ(raw, std::string_view(back.get(), back_size));
    }
  }
}

TEST(CompressionTest, IncompressibleDataIsStoredRaw) {
  Random rnd(test::RandomSeed());
  std::string raw = test::RandomBytes(&rnd, 4096);
  for (CompressionType type : kCodecs) {
    std::string out = "junk";
    EXPECT_EQ(CompressionType::kNone, CompressBlock(type, 3, raw, &out));
    EXPECT_TRUE(out.empty());
  }
  std::string out;
  EXPECT_EQ(CompressionType::kNone, CompressBlock(CompressionType::kNone, 3, "aaaaaaaaaaaa", &out));
  // Too small to save 1/8 once framed.
  EXPECT_EQ(CompressionType::kNone, CompressBlock(CompressionType::kZstd, 3, "a", &out));
}

TEST(CompressionTest, DamagedInputIsCorruption) {
  Random rnd(test::RandomSeed());
  std::string raw = Compressible(&rnd, 8192);
  for (CompressionType type : kCodecs) {
    SCOPED_TRACE(CompressionTypeName(type));
    std::string good;
    ASSERT_EQ(type, CompressBlock(type, 3, raw, &good));
    std::unique_ptr<char[]> back;
    size_t back_size = 0;
    // Declared size larger than allowed.
    EXPECT_TRUE(UncompressBlock(type, good, 100, &back, &back_size).IsCorruption());
    // Declared size disagrees with the payload.
    std::string wrong_size = good;
    wrong_size[0] = static_cast<char>(wrong_size[0] ^ 1);
    EXPECT_TRUE(UncompressBlock(type, wrong_size, 1 << 20, &back, &back_size).IsCorruption());
    // Truncated payloads and empty input.
    for (size_t len : {size_t{0}, size_t{1}, size_t{3}, good.size() / 2, good.size() - 1}) {
      EXPECT_TRUE(
          UncompressBlock(type, good.substr(0, len), 1 << 20, &back, &back_size).IsCorruption())
          << len;
    }
    // Random flips: either Corruption or the exact size (the trailer checksum catches
    // the rest); never a crash.
    for (int i = 0; i < 200; i++) {
      std::string bad = good;
      bad[rnd.Uniform(bad.size())] ^= static_cast<char>(1 << rnd.Uniform(8));
      Status s = UncompressBlock(type, bad, 1 << 20, &back, &back_size);
      if (s.ok()) {
        EXPECT_EQ(raw.size(), back_size);
      } else {
        EXPECT_TRUE(s.IsCorruption());
      }
    }
  }
  std::unique_ptr<char[]> back;
  size_t back_size = 0;
  EXPECT_TRUE(
      UncompressBlock(CompressionType::kNone, "\x01x", 10, &back, &back_size).IsCorruption());
}

TEST(CompressionTest, Names) {
  EXPECT_STREQ("none", CompressionTypeName(CompressionType::kNone));
  EXPECT_STREQ("zstd", CompressionTypeName(CompressionType::kZstd));
  EXPECT_TRUE(IsKnownCompressionType(3));
  EXPECT_FALSE(IsKnownCompressionType(4));
}

}  // namespace
}  // namespace lsmdb
