// BytewiseCompare against std::string_view::compare on random keys of every short length
// and on long ones, with bytes of both halves of the unsigned range.
#include "util/bytewise.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

int Sign(int r) { return (r > 0) - (r < 0); }

TEST(BytewiseTest, MatchesStringCompare) {
  const uint64_t seed = test::RandomSeed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto random_key = [&](size_t len) {
    std::string s(len, '\0');
    // Few distinct byte values, so keys often share long prefixes.
    for (char& c : s) c = static_cast<char>(std::array<int, 4>{0, 1, 0x7f, 0xff}[rng() % 4]);
    return s;
  };
  for (int i = 0; i < 200000; i++) {
    const size_t la = rng() % 80, lb = rng() % 3 == 0 ? la : rng() % 80;
    std::string a = random_key(la);
    std::string b = rng() % 2 ? random_key(lb) : a.substr(0, lb);
    if (rng() % 4 == 0 && !b.empty()) b[rng() % b.size()] ^= 0x80;
    ASSERT_EQ(Sign(std::string_view(a).compare(b)), Sign(BytewiseCompare(a, b)))
        << "lengths " << la << " and " << lb << " at iteration " << i;
  }
  EXPECT_EQ(0, BytewiseCompare("", ""));
  for (size_t len = 0; len < 40; len++) {
    const std::string a(len, 'k');
    for (size_t diff = 0; diff <= len; diff++) {
      std::string b = a + "tail";
      if (diff < len) b[diff] = 'j';
      EXPECT_EQ(diff, SharedPrefixLength(a, b)) << len;
      EXPECT_EQ(diff, SharedPrefixLength(b, a)) << len;
    }
  }
  EXPECT_LT(BytewiseCompare("", "a"), 0);
  EXPECT_GT(BytewiseCompare("\xff", "\x01"), 0);
  EXPECT_LT(BytewiseCompare("12345678a", "12345678b"), 0);
}

// BytewiseComparePadded against BytewiseCompare, each key in its own exact-size heap
// buffer plus the 8 bytes of slack the contract requires (filled with noise that must not
// matter), so that ASan would see a read past them.
TEST(BytewiseTest, PaddedMatchesUnpadded) {
  const uint64_t seed = test::RandomSeed();
  std::mt19937_64 rng(seed);
  auto padded = [&](const std::string& s) {
    auto buf = std::make_unique<char[]>(s.size() + 8);
    std::memcpy(buf.get(), s.data(), s.size());
    for (size_t i = 0; i < 8; i++) buf[s.size() + i] = static_cast<char>(rng());
    return buf;
  };
  for (int i = 0; i < 200000; i++) {
    const size_t la = rng() % 100, lb = rng() % 3 == 0 ? la : rng() % 100;
    std::string a(la, '\0');
    for (char& c : a) c = static_cast<char>(std::array<int, 4>{0, 1, 0x7f, 0xff}[rng() % 4]);
    std::string b = rng() % 2
                        ? a.substr(0, std::min(la, lb)) + std::string(lb - std::min(la, lb), 'x')
                        : std::string(lb, '\x7f');
    if (rng() % 3 == 0 && !b.empty()) b[rng() % b.size()] ^= 0x80;
    auto pa = padded(a), pb = padded(b);
    ASSERT_EQ(Sign(BytewiseCompare(a, b)),
              Sign(BytewiseComparePadded({pa.get(), a.size()}, {pb.get(), b.size()})))
        << "lengths " << la << " and " << lb << " at iteration " << i;
  }
}

}  // namespace
}  // namespace lsmdb
