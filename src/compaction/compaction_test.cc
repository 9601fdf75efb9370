// Tests of Compaction (the job description) and SnapshotStripes.
#include "compaction/compaction.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "compaction/compaction_test_util.h"
#include "compaction/snapshot_stripes.h"

namespace lsmdb {
namespace {

using test::FakeFile;

class CompactionTest : public ::testing::Test {
 protected:
  InternalKeyComparator icmp_{BytewiseComparator()};
  std::shared_ptr<Version> v_ = std::make_shared<Version>(&icmp_, nullptr, 4);
};

TEST_F(CompactionTest, Accessors) {
  auto a = FakeFile(1, "d", "f", 100);
  auto b = FakeFile(2, "b", "e", 200);
  auto c = FakeFile(3, "e", "k", 300);
  Compaction comp(&icmp_, v_, 0, 1, {a, b}, {c}, {}, 1000, 1.5, false);
  EXPECT_EQ(0, comp.level());
  EXPECT_EQ(1, comp.output_level());
  EXPECT_EQ("b", comp.smallest_user_key());
  EXPECT_EQ("k", comp.largest_user_key());
  EXPECT_EQ(600u, comp.TotalInputBytes());
  EXPECT_EQ(3, comp.num_input_files());
  EXPECT_EQ(1.5, comp.score());
  EXPECT_EQ(v_, comp.input_version());
  EXPECT_EQ("L0 [#1 #2] + L1 [#3] -> L1 (score 1.50)", comp.Summary());

  VersionEdit edit;
  comp.AddInputDeletions(&edit);
  std::set<std::pair<int, uint64_t>> expected = {{0, 1}, {0, 2}, {1, 3}};
  EXPECT_EQ(expected, edit.deleted_files());
  EXPECT_TRUE(edit.new_files().empty());

  comp.MarkBeingCompacted(true);
  EXPECT_TRUE(a->being_compacted && b->being_compacted && c->being_compacted);
  comp.MarkBeingCompacted(false);
  EXPECT_FALSE(a->being_compacted || b->being_compacted || c->being_compacted);
}

TEST_F(CompactionTest, TrivialMove) {
  auto a = FakeFile(1, "d", "f", 100);
  Compaction move(&icmp_, v_, 1, 2, {a}, {}, {FakeFile(5, "a", "z", 10000)}, 1000, 1, false);
  ASSERT_TRUE(move.IsTrivialMove());
  a->being_compacted = true;
  VersionEdit edit;
  move.AddTrivialMove(&edit);
  EXPECT_EQ((std::set<std::pair<int, uint64_t>>{{1, 1}}), edit.deleted_files());
  ASSERT_EQ(1u, edit.new_files().size());
  EXPECT_EQ(2, edit.new_files()[0].first);
  EXPECT_EQ(1u, edit.new_files()[0].second.number);
  EXPECT_EQ(a->largest, edit.new_files()[0].second.largest);
  EXPECT_FALSE(edit.new_files()[0].second.being_compacted);

  // Too much grandparent overlap, something to merge with, a manual job, or a level
  // compacted into itself: all need a rewrite.
  EXPECT_FALSE(Compaction(&icmp_, v_, 1, 2, {a}, {}, {FakeFile(5, "a", "z", 10001)}, 1000, 1, false)
                   .IsTrivialMove());
  EXPECT_FALSE(Compaction(&icmp_, v_, 1, 2, {a}, {FakeFile(6, "e", "e", 1)}, {}, 1000, 1, false)
                   .IsTrivialMove());
  EXPECT_FALSE(Compaction(&icmp_, v_, 1, 2, {a}, {}, {}, 1000, 1, true).IsTrivialMove());
  EXPECT_FALSE(Compaction(&icmp_, v_, 3, 3, {a}, {}, {}, 1000, 1, false).IsTrivialMove());
  // L0 tables that share a user key must be merged.
  EXPECT_FALSE(Compaction(&icmp_, v_, 0, 1, {a, FakeFile(7, "f", "y", 1)}, {}, {}, 1000, 1, false)
                   .IsTrivialMove());
}

TEST_F(CompactionTest, TrivialMoveOfDisjointTables) {
  // Newest first, as L0 lists them; key order differs from list order.
  auto x = FakeFile(7, "x", "y", 100);
  auto a = FakeFile(1, "d", "f", 100);
  auto m = FakeFile(3, "g", "k", 100);
  Compaction move(&icmp_, v_, 0, 1, {x, a, m}, {}, {FakeFile(9, "h", "h", 5000)}, 1000, 1, false);
  ASSERT_TRUE(move.IsTrivialMove());
  VersionEdit edit;
  move.AddTrivialMove(&edit);
  EXPECT_EQ((std::set<std::pair<int, uint64_t>>{{0, 1}, {0, 3}, {0, 7}}), edit.deleted_files());
  std::set<uint64_t> added;
  for (const auto& [level, f] : edit.new_files()) {
    EXPECT_EQ(1, level);
    added.insert(f.number);
  }
  EXPECT_EQ((std::set<uint64_t>{1, 3, 7}), added);

  // The grandparent limit holds per moved table: one table over it makes the whole job a
  // rewrite, while a total over the limit spread across tables does not.
  EXPECT_FALSE(
      Compaction(&icmp_, v_, 0, 1, {x, a, m}, {}, {FakeFile(9, "h", "h", 10001)}, 1000, 1, false)
          .IsTrivialMove());
  EXPECT_TRUE(Compaction(&icmp_, v_, 0, 1, {x, a, m}, {},
                         {FakeFile(9, "h", "h", 6000), FakeFile(10, "z", "z", 6000)}, 1000, 1,
                         false)
                  .IsTrivialMove());
}

TEST_F(CompactionTest, IsBaseLevelForKey) {
  v_->TEST_AppendFile(2, FakeFile(10, "c", "e", 1));
  v_->TEST_AppendFile(2, FakeFile(11, "k", "m", 1));
  v_->TEST_AppendFile(3, FakeFile(12, "d", "d", 1));
  v_->TEST_AppendFile(3, FakeFile(13, "p", "r", 1));
  // Files of the output level itself do not count.
  v_->TEST_AppendFile(1, FakeFile(14, "a", "z", 1));
  Compaction comp(&icmp_, v_, 0, 1, {FakeFile(1, "a", "z", 1)}, {}, {}, 1000, 1, false);
  const std::pair<const char*, bool> queries[] = {
      {"a", true},  {"b", true},  {"c", false}, {"d", false}, {"dd", false}, {"e", false},
      {"f", true},  {"j", true},  {"k", false}, {"m", false}, {"n", true},   {"p", false},
      {"q", false}, {"r", false}, {"s", true},  {"z", true}};
  for (const auto& [key, base] : queries) EXPECT_EQ(base, comp.IsBaseLevelForKey(key)) << key;

  // A copy has cursors of its own; a compaction into the last level is base for all.
  Compaction copy(&icmp_, v_, 0, 1, {FakeFile(1, "a", "z", 1)}, {}, {}, 1000, 1, false);
  EXPECT_FALSE(copy.IsBaseLevelForKey("d"));
  Compaction last(&icmp_, v_, 3, 3, {FakeFile(13, "p", "r", 1)}, {}, {}, 1000, 1, true);
  EXPECT_TRUE(last.IsBaseLevelForKey("q"));
}

// n grandparent tables of `bytes` each, covering "g00".."g01", "g02".."g03", ...
FileList Grandparents(int n, uint64_t bytes) {
  FileList grandparents;
  for (int i = 0; i < n; i++) {
    char lo[8], hi[8];
    std::snprintf(lo, sizeof(lo), "g%02d", 2 * i);
    std::snprintf(hi, sizeof(hi), "g%02d", 2 * i + 1);
    grandparents.push_back(FakeFile(100 + i, lo, hi, bytes));
  }
  return grandparents;
}

TEST_F(CompactionTest, ShouldStopBeforeCountsGrandparentOverlap) {
  // Grandparents of 300 bytes covering "g00".."g01", "g02".."g03", ...; the limit is
  // 10 * 100 = 1000 bytes: passing a fourth one cuts.
  const FileList grandparents = Grandparents(20, 300);
  Compaction comp(&icmp_, v_, 1, 2, {FakeFile(1, "a", "z", 1)}, {}, grandparents, 100, 1, false);
  std::vector<int> cuts;
  for (int i = 0; i < 40; i++) {
    char key[8];
    std::snprintf(key, sizeof(key), "g%02d", i);
    // Newer than the grandparents' entries (seq 100), as data above them is.
    if (comp.ShouldStopBefore(test::IKey(key, 200), 0)) cuts.push_back(i);
  }
  // Keys g08 (after 4 grandparents: 1200 > 1000), then 4 more each time.
  EXPECT_EQ((std::vector<int>{8, 16, 24, 32}), cuts);

  // The first key does not count the grandparents before it.
  Compaction late(&icmp_, v_, 1, 2, {FakeFile(1, "a", "z", 1)}, {}, grandparents, 100, 1, false);
  EXPECT_FALSE(late.ShouldStopBefore(test::IKey("g30", 200), 0));
  EXPECT_FALSE(late.ShouldStopBefore(test::IKey("g31", 200), 0));
}

TEST_F(CompactionTest, ShouldStopBeforeCutsAtGrandparentEndsOnceHalfFull) {
  // Grandparents "g00".."g01", "g02".."g03", ... of 10 bytes: never too much overlap.
  const FileList grandparents = Grandparents(10, 10);
  Compaction comp(&icmp_, v_, 1, 2, {FakeFile(1, "a", "z", 1)}, {}, grandparents, 100, 1, false);
  // The output grows by 20 bytes a key: it is half full (50) from the third key on.
  std::vector<int> cuts;
  uint64_t output = 0;
  for (int i = 0; i < 20; i++) {
    char key[8];
    std::snprintf(key, sizeof(key), "g%02d", i);
    if (comp.ShouldStopBefore(test::IKey(key, 200), output)) {
      cuts.push_back(i);
      output = 0;
    }
    output += 20;
  }
  // Cuts only at the first key of a grandparent (even numbers), once 60+ bytes are out.
  EXPECT_EQ((std::vector<int>{4, 8, 12, 16}), cuts);
}

TEST(SnapshotStripesTest, Stripes) {
  SnapshotStripes none({}, 100);
  EXPECT_EQ(0u, none.StripeOf(1));
  EXPECT_EQ(0u, none.StripeOf(100));
  EXPECT_EQ(1u, none.StripeOf(101));
  EXPECT_TRUE(none.InOldestStripe(100));

  SnapshotStripes s({30, 10, 30, 20}, 100);  // unsorted, with a duplicate
  EXPECT_EQ(0u, s.StripeOf(0));
  EXPECT_EQ(0u, s.StripeOf(10));
  EXPECT_EQ(1u, s.StripeOf(11));
  EXPECT_EQ(1u, s.StripeOf(20));
  EXPECT_EQ(2u, s.StripeOf(30));
  EXPECT_EQ(3u, s.StripeOf(31));
  EXPECT_EQ(3u, s.StripeOf(100));
  EXPECT_TRUE(s.InOldestStripe(10));
  EXPECT_FALSE(s.InOldestStripe(11));

  // Versions of one key, newest first: 25 (stripe 2), 22 (2, hidden), 15 (1), 12 (1,
  // hidden), 9 (0), 1 (0, hidden); then a new key.
  KeyVersionFilter filter(&s);
  EXPECT_FALSE(filter.IsHidden(25, true));
  EXPECT_TRUE(filter.IsHidden(22, false));
  EXPECT_FALSE(filter.IsHidden(15, false));
  EXPECT_TRUE(filter.IsHidden(12, false));
  EXPECT_FALSE(filter.IsHidden(9, false));
  EXPECT_TRUE(filter.IsHidden(1, false));
  EXPECT_FALSE(filter.IsHidden(1, true));
}

}  // namespace
}  // namespace lsmdb
