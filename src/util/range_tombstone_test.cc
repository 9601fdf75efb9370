// FragmentedRangeTombstones (cutting overlapping tombstones into fragments, the
// sequence rules of a lookup) and the tombstone-list encoding, against a brute-force
// model on random input.
#include "util/range_tombstone.h"

#include <gtest/gtest.h>

#include "lsmdb/comparator.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

const Comparator* Ucmp() { return BytewiseComparator(); }

std::string Describe(const FragmentedRangeTombstones& f) {
  std::string r;
  for (const auto& frag : f.fragments()) {
    r += "[" + frag.begin + "," + frag.end + ")";
    for (SequenceNumber s : frag.seqs) r += "@" + std::to_string(s);
    r += " ";
  }
  return r;
}

TEST(RangeTombstoneTest, FragmentsOverlappingTombstones) {
  std::vector<RangeTombstone> list = {{"a", "e", 5}, {"c", "g", 9}, {"x", "y", 3}, {"q", "q", 7}};
  FragmentedRangeTombstones f(list, Ucmp());
  // The empty [q, q) is dropped; [a, e) and [c, g) overlap on [c, e).
  EXPECT_EQ("[a,c)@5 [c,e)@9@5 [e,g)@9 [x,y)@3 ", Describe(f));
}

TEST(RangeTombstoneTest, LookupHonoursTheSnapshot) {
  std::vector<RangeTombstone> list = {{"a", "e", 5}, {"c", "g", 9}};
  FragmentedRangeTombstones f(list, Ucmp());
  EXPECT_EQ(9u, f.MaxCoveringSeq("d", kMaxSequenceNumber));
  EXPECT_EQ(5u, f.MaxCoveringSeq("d", 8));  // the reader does not see seq 9
  EXPECT_EQ(0u, f.MaxCoveringSeq("d", 4));
  EXPECT_EQ(0u, f.MaxCoveringSeq("f", 8));
  EXPECT_EQ(0u, f.MaxCoveringSeq("g", 100));  // end is exclusive
  EXPECT_EQ(5u, f.MaxCoveringSeq("a", 100));  // begin is inclusive
  EXPECT_EQ(0u, f.MaxCoveringSeq("", 100));
}

TEST(RangeTombstoneTest, RandomAgainstBruteForce) {
  Random rnd(test::RandomSeed());
  for (int round = 0; round < 200; round++) {
    std::vector<RangeTombstone> list;
    const int n = static_cast<int>(rnd.Uniform(8));
    for (int i = 0; i < n; i++) {
      std::string b(1, static_cast<char>('a' + rnd.Uniform(12)));
      std::string e(1, static_cast<char>('a' + rnd.Uniform(12)));
      list.push_back({b, e, 1 + rnd.Uniform(20)});
    }
    FragmentedRangeTombstones f(list, Ucmp());
    for (char c = 'a' - 1; c <= 'n'; c++) {
      for (SequenceNumber snap = 0; snap <= 21; snap++) {
        const std::string k(1, c);
        SequenceNumber want = 0;
        for (const auto& t : list) {
          if (t.begin <= k && k < t.end && t.seq <= snap) want = std::max(want, t.seq);
        }
        ASSERT_EQ(want, f.MaxCoveringSeq(k, snap)) << "key " << k << " snapshot " << snap;
      }
    }
  }
}

TEST(RangeTombstoneTest, EncodingRoundTripsAndRejectsDamage) {
  std::vector<RangeTombstone> list = {{"a", "e", 5}, {std::string("k\0", 2), "z", 77}};
  std::string enc;
  EncodeRangeTombstones(list, &enc);
  std::vector<RangeTombstone> out;
  ASSERT_TRUE(DecodeRangeTombstones(enc, Ucmp(), &out).ok());
  ASSERT_EQ(2u, out.size());
  EXPECT_EQ(list[1].begin, out[1].begin);
  EXPECT_EQ(77u, out[1].seq);
  for (size_t cut = 0; cut < enc.size(); cut++) {
    EXPECT_TRUE(DecodeRangeTombstones(enc.substr(0, cut), Ucmp(), &out).IsCorruption()) << cut;
  }
  EXPECT_TRUE(DecodeRangeTombstones(enc + "x", Ucmp(), &out).IsCorruption());
  std::string backwards;
  EncodeRangeTombstones({{"z", "a", 1}}, &backwards);
  EXPECT_TRUE(DecodeRangeTombstones(backwards, Ucmp(), &out).IsCorruption());
}

}  // namespace
}  // namespace lsmdb
