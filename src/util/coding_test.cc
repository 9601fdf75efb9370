#include "util/coding.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

TEST(CodingTest, Fixed32And64RoundTrip) {
  std::string s;
  for (uint32_t v = 0; v < 100000; v += 7) PutFixed32(&s, v);
  std::string_view in(s);
  for (uint32_t v = 0; v < 100000; v += 7) {
    uint32_t got;
    ASSERT_TRUE(GetFixed32(&in, &got));
    ASSERT_EQ(v, got);
  }
  EXPECT_TRUE(in.empty());

  s.clear();
  for (int power = 0; power <= 63; power++) {
    uint64_t v = uint64_t{1} << power;
    PutFixed64(&s, v - 1);
    PutFixed64(&s, v);
    PutFixed64(&s, v + 1);
  }
  in = s;
  for (int power = 0; power <= 63; power++) {
    uint64_t v = uint64_t{1} << power, got;
    ASSERT_TRUE(GetFixed64(&in, &got));
    ASSERT_EQ(v - 1, got);
    ASSERT_TRUE(GetFixed64(&in, &got));
    ASSERT_EQ(v, got);
    ASSERT_TRUE(GetFixed64(&in, &got));
    ASSERT_EQ(v + 1, got);
  }
}

TEST(CodingTest, FixedIsLittleEndian) {
  std::string s;
  PutFixed32(&s, 0x04030201);
  ASSERT_EQ(4u, s.size());
  EXPECT_EQ(0x01, s[0]);
  EXPECT_EQ(0x04, s[3]);
}

TEST(CodingTest, Varint32RoundTrip) {
  std::string s;
  for (uint32_t i = 0; i < (32 * 32); i++) PutVarint32(&s, (i / 32) << (i % 32));
  std::string_view in(s);
  for (uint32_t i = 0; i < (32 * 32); i++) {
    uint32_t expected = (i / 32) << (i % 32), got;
    ASSERT_TRUE(GetVarint32(&in, &got));
    ASSERT_EQ(expected, got);
  }
  EXPECT_TRUE(in.empty());
}

TEST(CodingTest, Varint64RoundTripAndLength) {
  std::vector<uint64_t> values = {0, 100, ~uint64_t{0}, ~uint64_t{0} - 1};
  for (int k = 0; k < 64; k++) {
    uint64_t p = uint64_t{1} << k;
    values.push_back(p);
    values.push_back(p - 1);
    values.push_back(p + 1);
  }
  std::string s;
  for (uint64_t v : values) {
    size_t before = s.size();
    PutVarint64(&s, v);
    EXPECT_EQ(static_cast<size_t>(VarintLength(v)), s.size() - before);
  }
  std::string_view in(s);
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    ASSERT_EQ(v, got);
  }
}

TEST(CodingTest, Varint32RejectsOverflow) {
  std::string s("\x81\x82\x83\x84\x85\x11");
  std::string_view in(s);
  uint32_t v;
  EXPECT_FALSE(GetVarint32(&in, &v));
  std::string five("\xff\xff\xff\xff\x1f");  // 35 bits
  in = five;
  EXPECT_FALSE(GetVarint32(&in, &v));
  std::string max("\xff\xff\xff\xff\x0f");
  in = max;
  ASSERT_TRUE(GetVarint32(&in, &v));
  EXPECT_EQ(std::numeric_limits<uint32_t>::max(), v);
}

TEST(CodingTest, Varint64RejectsOverflow) {
  std::string s("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02");
  std::string_view in(s);
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&in, &v));
}

TEST(CodingTest, TruncatedVarintsFail) {
  std::string s;
  PutVarint64(&s, ~uint64_t{0});
  for (size_t len = 0; len + 1 < s.size(); len++) {
    std::string_view in(s.data(), len);
    uint64_t v;
    EXPECT_FALSE(GetVarint64(&in, &v)) << len;
    uint32_t v32;
    in = std::string_view(s.data(), len);
    EXPECT_FALSE(GetVarint32(&in, &v32)) << len;
  }
}

TEST(CodingTest, LengthPrefixed) {
  std::string s;
  PutLengthPrefixed(&s, "");
  PutLengthPrefixed(&s, "foo");
  PutLengthPrefixed(&s, std::string(200, 'x'));
  std::string_view in(s), v;
  ASSERT_TRUE(GetLengthPrefixed(&in, &v));
  EXPECT_EQ("", v);
  ASSERT_TRUE(GetLengthPrefixed(&in, &v));
  EXPECT_EQ("foo", v);
  ASSERT_TRUE(GetLengthPrefixed(&in, &v));
  EXPECT_EQ(std::string(200, 'x'), v);
  EXPECT_FALSE(GetLengthPrefixed(&in, &v));
  // A length that runs past the end.
  std::string bad;
  PutVarint32(&bad, 10);
  bad += "abc";
  in = bad;
  EXPECT_FALSE(GetLengthPrefixed(&in, &v));
}

}  // namespace
}  // namespace lsmdb
