#include "util/crc32c.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "tests/util/test_util.h"

namespace lsmdb::crc32c {
uint32_t TEST_ExtendPortable(uint32_t init_crc, const char* data, size_t n);
namespace {

TEST(Crc32cTest, StandardVectors) {
  // Check values from RFC 3720 section B.4.
  char buf[32];
  std::memset(buf, 0, sizeof(buf));
  EXPECT_EQ(0x8a9136aau, Value(buf, sizeof(buf)));
  std::memset(buf, 0xff, sizeof(buf));
  EXPECT_EQ(0x62a8ab43u, Value(buf, sizeof(buf)));
  for (int i = 0; i < 32; i++) buf[i] = static_cast<char>(i);
  EXPECT_EQ(0x46dd794eu, Value(buf, sizeof(buf)));
  for (int i = 0; i < 32; i++) buf[i] = static_cast<char>(31 - i);
  EXPECT_EQ(0x113fdb5cu, Value(buf, sizeof(buf)));
  EXPECT_EQ(0xe3069283u, Value("123456789"));
}

TEST(Crc32cTest, HardwareAndPortableAgree) {
  Random rnd(test::RandomSeed());
  for (int i = 0; i < 200; i++) {
    // Up to 3 long stripes (3 KiB) and 3 short ones (384 bytes) and a tail, so every
    // combination of the interleaved paths runs.
    std::string s = test::RandomBytes(&rnd, rnd.Uniform(i < 100 ? 300 : 9000));
    uint32_t init = rnd.Next();
    ASSERT_EQ(TEST_ExtendPortable(init, s.data(), s.size()), Extend(init, s.data(), s.size()));
  }
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  EXPECT_EQ(Value("hello world"), Extend(Value("hello "), "world", 5));
}

TEST(Crc32cTest, MaskRoundTripsAndDiffers) {
  uint32_t crc = Value("foo");
  EXPECT_NE(crc, Mask(crc));
  EXPECT_NE(crc, Mask(Mask(crc)));
  EXPECT_EQ(crc, Unmask(Mask(crc)));
  EXPECT_EQ(crc, Unmask(Unmask(Mask(Mask(crc)))));
}

}  // namespace
}  // namespace lsmdb::crc32c
