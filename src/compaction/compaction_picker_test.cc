#include "compaction/compaction_picker.h"

#include <gtest/gtest.h>

#include "compaction/compaction_test_util.h"

namespace lsmdb {
namespace {

using test::FakeFile;

std::vector<uint64_t> Numbers(const FileList& files) {
  std::vector<uint64_t> r;
  for (const auto& f : files) r.push_back(f->number);
  return r;
}

class CompactionPickerTest : public ::testing::Test {
 protected:
  CompactionPickerTest() {
    options_.num_levels = 4;
    options_.target_file_size = 1000;
    options_.max_bytes_for_level_base = 10000;
    options_.max_bytes_for_level_multiplier = 10;
    options_.level0_file_num_compaction_trigger = 4;
  }

  std::shared_ptr<FileMetaData> Add(int level, uint64_t number, std::string_view lo,
                                    std::string_view hi, uint64_t size, SequenceNumber seq = 100) {
    auto f = FakeFile(number, lo, hi, size, seq);
    v_->TEST_AppendFile(level, f);
    return f;
  }
  Compaction* Pick() { return PickFrom(v_); }
  Compaction* PickFrom(std::shared_ptr<Version> v) {
    return picked_.Keep(picker_.PickCompaction(std::move(v), pointers_));
  }
  Compaction* Range(std::shared_ptr<Version> v, int level, const std::string_view* begin,
                    const std::string_view* end, bool* busy = nullptr) {
    return picked_.Keep(picker_.CompactRange(std::move(v), level, begin, end, busy));
  }
  void Release(Compaction* c) { picked_.Release(c); }

  Options options_;
  InternalKeyComparator icmp_{BytewiseComparator()};
  std::shared_ptr<Version> v_ = std::make_shared<Version>(&icmp_, nullptr, 4);
  CompactionPicker picker_{&options_, &icmp_};
  std::string pointers_[kMaxLevels];
  test::PickedCompactions picked_{&picker_};
};

TEST_F(CompactionPickerTest, Level0Trigger) {
  // L0 is newest first.
  Add(0, 4, "c", "m", 100, 400);
  Add(0, 3, "a", "d", 100, 300);
  Add(0, 2, "e", "f", 100, 200);
  Add(1, 10, "a", "b", 500);
  Add(1, 11, "l", "n", 500);
  Add(1, 12, "x", "y", 500);
  EXPECT_DOUBLE_EQ(0.75, picker_.Scores(*v_)[0]);
  EXPECT_FALSE(picker_.NeedsCompaction(*v_));
  EXPECT_EQ(nullptr, Pick());

  Add(0, 1, "g", "h", 100, 100);
  EXPECT_DOUBLE_EQ(1.0, picker_.Scores(*v_)[0]);
  EXPECT_TRUE(picker_.NeedsCompaction(*v_));
  auto c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ(0, c->level());
  EXPECT_EQ(1, c->output_level());
  EXPECT_EQ((std::vector<uint64_t>{4, 3, 2, 1}), Numbers(c->inputs(0)));
  EXPECT_EQ((std::vector<uint64_t>{10, 11}), Numbers(c->inputs(1)));
  EXPECT_DOUBLE_EQ(1.0, c->score());
  EXPECT_FALSE(c->IsTrivialMove());
  EXPECT_EQ(1, picker_.NumRunning());
  for (const auto& f : c->inputs(0)) EXPECT_TRUE(f->being_compacted);
  for (const auto& f : c->inputs(1)) EXPECT_TRUE(f->being_compacted);
  // Tables being compacted do not count.
  EXPECT_DOUBLE_EQ(0.0, picker_.Scores(*v_)[0]);
  EXPECT_EQ(nullptr, Pick());

  Release(c);
  EXPECT_EQ(0, picker_.NumRunning());
  for (const auto& f : v_->files(0)) EXPECT_FALSE(f->being_compacted);
  for (const auto& f : v_->files(1)) EXPECT_FALSE(f->being_compacted);
}

TEST_F(CompactionPickerTest, Level0LeavesOutGroupsTouchingRunningTables) {
  options_.level0_file_num_compaction_trigger = 2;
  Add(0, 5, "a", "b", 100, 500);
  auto busy = Add(0, 4, "m", "n", 100, 400);
  Add(0, 3, "n", "o", 100, 300);  // overlaps the busy table: off limits
  Add(0, 2, "x", "z", 100, 200);
  Add(0, 1, "y", "zz", 100, 100);
  busy->being_compacted = true;
  // Runs of free groups: {5} and {2, 1}; the bigger one goes.
  auto c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ((std::vector<uint64_t>{2, 1}), Numbers(c->inputs(0)));
  Release(c);

  // With every group touching a busy table, nothing.
  busy->being_compacted = false;
  auto first = Pick();
  ASSERT_NE(nullptr, first);
  EXPECT_EQ(5u, first->inputs(0).size());
  Add(0, 6, "c", "d", 100, 600);
  Add(0, 7, "b", "c", 100, 700);  // overlaps running #5
  EXPECT_EQ(nullptr, Pick());
  Release(first);
}

TEST_F(CompactionPickerTest, LevelPicksSmallestOverlapRatio) {
  Add(1, 1, "a", "b", 5000);
  Add(1, 2, "c", "d", 5000);
  Add(1, 3, "e", "f", 5000);
  Add(2, 10, "a", "a", 4000);
  Add(2, 11, "b", "b", 4000);  // #1: 8000 / 5000
  Add(2, 12, "c", "c", 1000);  // #2: 1000 / 5000
  Add(2, 13, "e", "e", 2000);  // #3: 2000 / 5000
  EXPECT_DOUBLE_EQ(1.5, picker_.Scores(*v_)[1]);
  auto c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ(1, c->level());
  EXPECT_EQ(2, c->output_level());
  EXPECT_EQ((std::vector<uint64_t>{2}), Numbers(c->inputs(0)));
  EXPECT_EQ((std::vector<uint64_t>{12}), Numbers(c->inputs(1)));
  EXPECT_EQ(v_->files(1)[1]->largest, pointers_[1]);
  EXPECT_DOUBLE_EQ(1.5, c->score());
  Release(c);
}

TEST_F(CompactionPickerTest, SkipsTablesBeingCompacted) {
  auto a = Add(1, 1, "a", "b", 5000);
  auto b = Add(1, 2, "c", "d", 5000);
  Add(1, 3, "e", "f", 5000);
  Add(2, 10, "a", "b", 10000);
  Add(2, 12, "c", "c", 1000);
  auto under_c = Add(2, 13, "e", "e", 2000);
  b->being_compacted = true;  // the best choice is busy: the next best, #3
  auto c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ((std::vector<uint64_t>{3}), Numbers(c->inputs(0)));
  Release(c);
  under_c->being_compacted = true;  // #3's overlap is busy too: #1
  c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ((std::vector<uint64_t>{1}), Numbers(c->inputs(0)));
  EXPECT_EQ((std::vector<uint64_t>{10}), Numbers(c->inputs(1)));
  // While #1 runs, L1 (without it) is under its target.
  EXPECT_EQ(nullptr, Pick());
  Release(c);
  EXPECT_FALSE(a->being_compacted);
  b->being_compacted = under_c->being_compacted = false;
}

TEST_F(CompactionPickerTest, RoundRobinOnTiesAndTrivialMoves) {
  for (uint64_t i = 0; i < 4; i++) {
    const std::string key(1, static_cast<char>('a' + 2 * i));
    Add(1, i + 1, key, key + "z", 3000);
  }
  std::vector<uint64_t> picked;
  for (int round = 0; round < 6; round++) {
    auto c = Pick();
    ASSERT_NE(nullptr, c);
    ASSERT_EQ(1u, c->inputs(0).size());
    EXPECT_TRUE(c->IsTrivialMove());
    picked.push_back(c->inputs(0)[0]->number);
    Release(c);
  }
  EXPECT_EQ((std::vector<uint64_t>{1, 2, 3, 4, 1, 2}), picked);
}

TEST_F(CompactionPickerTest, ExpandsInputsThatCostNothingMore) {
  Add(1, 1, "a", "b", 8000);
  Add(1, 2, "c", "d", 100);
  Add(1, 3, "e", "f", 3000);
  Add(2, 10, "a", "d", 1000);
  Add(2, 11, "e", "f", 9000);
  // #1 has the best ratio (1000 / 8000); #2 lies within #10 too, so it comes along.
  auto c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ((std::vector<uint64_t>{1, 2}), Numbers(c->inputs(0)));
  EXPECT_EQ((std::vector<uint64_t>{10}), Numbers(c->inputs(1)));
  Release(c);
}

TEST_F(CompactionPickerTest, GrandparentsAndLastLevel) {
  Add(1, 1, "c", "f", 20000);
  Add(2, 10, "a", "d", 100);
  Add(3, 20, "a", "b", 100);
  Add(3, 21, "e", "e", 100);
  Add(3, 22, "g", "h", 100);
  EXPECT_EQ(0.0, picker_.Scores(*v_)[3]);  // the last level never scores
  auto c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ((std::vector<uint64_t>{20, 21}), Numbers(c->grandparents()));
  Release(c);
}

TEST_F(CompactionPickerTest, OutputRangeOfRunningJobIsReserved) {
  Add(0, 1, "c", "o", 100);
  auto running = Range(v_, 0, nullptr, nullptr);
  ASSERT_NE(nullptr, running);
  EXPECT_EQ(1, running->output_level());
  // A later version (the L0 table gone, a new one in the middle of the running job's
  // output range): its table may not be compacted into L1 until the job is released.
  auto v2 = std::make_shared<Version>(&icmp_, nullptr, 4);
  options_.level0_file_num_compaction_trigger = 1;
  v2->TEST_AppendFile(0, FakeFile(2, "f", "g", 100));
  EXPECT_EQ(nullptr, PickFrom(v2));
  bool busy = false;
  EXPECT_EQ(nullptr, Range(v2, 0, nullptr, nullptr, &busy));
  EXPECT_TRUE(busy);
  Release(running);
  auto c = PickFrom(v2);
  ASSERT_NE(nullptr, c);
  EXPECT_TRUE(c->IsTrivialMove());
  Release(c);
}

TEST_F(CompactionPickerTest, StaticLevelTargets) {
  EXPECT_EQ(1, picker_.BaseLevel(*v_));
  EXPECT_EQ(0u, picker_.LevelTarget(*v_, 0));
  EXPECT_EQ(10000u, picker_.LevelTarget(*v_, 1));
  EXPECT_EQ(100000u, picker_.LevelTarget(*v_, 2));
  EXPECT_EQ(1000000u, picker_.LevelTarget(*v_, 3));
  Add(2, 1, "a", "b", 250000);
  EXPECT_DOUBLE_EQ(2.5, picker_.Scores(*v_)[2]);
}

TEST_F(CompactionPickerTest, DynamicLevelTargets) {
  options_.level_compaction_dynamic_level_bytes = true;
  // Empty tree: L0 goes straight to the last level.
  EXPECT_EQ(3, picker_.BaseLevel(*v_));
  for (int i = 0; i < 4; i++) Add(0, 100 + i, "a", "b", 10, 100 + i);
  auto c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ(3, c->output_level());
  Release(c);

  auto shape = [&](std::vector<uint64_t> sizes) {
    v_ = std::make_shared<Version>(&icmp_, nullptr, 4);
    for (int level = 1; level < 4; level++) {
      if (sizes[level - 1] > 0) Add(level, level, "a", "b", sizes[level - 1]);
    }
  };
  shape({0, 0, 500});  // small: the last level is the base, with the smallest target
  EXPECT_EQ(3, picker_.BaseLevel(*v_));
  EXPECT_EQ(10000u, picker_.LevelTarget(*v_, 3));
  EXPECT_EQ(0u, picker_.LevelTarget(*v_, 2));

  shape({0, 0, 50000});  // L2 would get 5000 <= base: L2 becomes the base
  EXPECT_EQ(2, picker_.BaseLevel(*v_));
  EXPECT_EQ(0u, picker_.LevelTarget(*v_, 1));
  EXPECT_EQ(10000u, picker_.LevelTarget(*v_, 2));
  EXPECT_EQ(50000u, picker_.LevelTarget(*v_, 3));

  shape({0, 200, 300000});  // L2: 30000, L1: 3000 -> clamped up to 10000
  EXPECT_EQ(1, picker_.BaseLevel(*v_));
  EXPECT_EQ(10000u, picker_.LevelTarget(*v_, 1));
  EXPECT_EQ(30000u, picker_.LevelTarget(*v_, 2));
  EXPECT_EQ(300000u, picker_.LevelTarget(*v_, 3));
  EXPECT_DOUBLE_EQ(200.0 / 30000, picker_.Scores(*v_)[2]);

  shape({0, 90000, 200000});  // L2 over its target 20000
  EXPECT_EQ(20000u, picker_.LevelTarget(*v_, 2));
  EXPECT_DOUBLE_EQ(4.5, picker_.Scores(*v_)[2]);
  c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_EQ(2, c->level());
  EXPECT_EQ(3, c->output_level());
  Release(c);
}

TEST_F(CompactionPickerTest, CompactRangeSelection) {
  Add(1, 1, "a", "c", 100);
  Add(1, 2, "d", "f", 100);
  Add(1, 3, "g", "i", 100);
  Add(2, 10, "b", "e", 100);
  Add(2, 11, "h", "z", 100);
  Add(3, 20, "a", "z", 100);
  const std::string_view e = "e", g = "g", zz = "zz", a = "a", b = "b";
  bool busy = true;
  auto c = Range(v_, 1, &e, &g, &busy);
  ASSERT_NE(nullptr, c);
  EXPECT_FALSE(busy);
  EXPECT_EQ(2, c->output_level());
  EXPECT_TRUE(c->is_manual());
  EXPECT_EQ((std::vector<uint64_t>{2, 3}), Numbers(c->inputs(0)));
  EXPECT_EQ((std::vector<uint64_t>{10, 11}), Numbers(c->inputs(1)));
  EXPECT_EQ((std::vector<uint64_t>{20}), Numbers(c->grandparents()));

  // #1 needs #10, which the running job holds.
  EXPECT_EQ(nullptr, Range(v_, 1, &a, &b, &busy));
  EXPECT_TRUE(busy);
  Release(c);
  c = Range(v_, 1, &a, &b, &busy);
  ASSERT_NE(nullptr, c);
  EXPECT_EQ((std::vector<uint64_t>{1}), Numbers(c->inputs(0)));
  Release(c);

  // Nothing there.
  EXPECT_EQ(nullptr, Range(v_, 1, &zz, nullptr, &busy));
  EXPECT_FALSE(busy);
  EXPECT_EQ(nullptr, Range(v_, 0, nullptr, nullptr, &busy));
  EXPECT_FALSE(busy);

  // The last level compacts into itself; a single table is still rewritten.
  c = Range(v_, 3, nullptr, nullptr);
  ASSERT_NE(nullptr, c);
  EXPECT_EQ(3, c->output_level());
  EXPECT_TRUE(c->inputs(1).empty());
  EXPECT_FALSE(c->IsTrivialMove());
  Release(c);

  // L0: the range grows over overlapping tables.
  Add(0, 31, "m", "p", 100, 300);
  Add(0, 30, "k", "n", 100, 200);
  Add(0, 32, "x", "y", 100, 100);
  const std::string_view o = "o";
  c = Range(v_, 0, &o, &o);
  ASSERT_NE(nullptr, c);
  EXPECT_EQ((std::vector<uint64_t>{31, 30}), Numbers(c->inputs(0)));
  EXPECT_TRUE(c->inputs(1).empty());
  EXPECT_EQ((std::vector<uint64_t>{11}), Numbers(c->grandparents()));
  Release(c);
}

TEST_F(CompactionPickerTest, SeekCandidateCompactsIntoTheNextLevel) {
  // No level over its target.
  Add(0, 30, "a", "c", 100, 300);
  Add(1, 10, "a", "d", 500);
  Add(1, 11, "f", "h", 500);
  Add(2, 20, "a", "e", 1000);
  Add(2, 21, "g", "z", 1000);
  Add(3, 40, "a", "z", 5000);
  EXPECT_FALSE(picker_.NeedsCompaction(*v_));
  EXPECT_EQ(nullptr, Pick());

  picker_.AddSeekCandidate(1, 11);
  picker_.AddSeekCandidate(1, 11);  // once only
  EXPECT_TRUE(picker_.NeedsCompaction(*v_));
  Compaction* c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_TRUE(c->seek_triggered());
  EXPECT_EQ(1, c->level());
  EXPECT_EQ(2, c->output_level());
  EXPECT_EQ((std::vector<uint64_t>{11}), Numbers(c->inputs(0)));
  EXPECT_EQ((std::vector<uint64_t>{21}), Numbers(c->inputs(1)));
  EXPECT_NE(std::string::npos, c->Summary().find("(seek)")) << c->Summary();
  EXPECT_EQ(1u, picker_.SeekCompactionsPicked());
  // The candidate is used up.
  EXPECT_FALSE(picker_.NeedsCompaction(*v_));
  EXPECT_EQ(nullptr, Pick());
  Release(c);

  // An L0 candidate gives a level-0 job into the base level.
  picker_.AddSeekCandidate(0, 30);
  c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_TRUE(c->seek_triggered());
  EXPECT_EQ(0, c->level());
  EXPECT_EQ(1, c->output_level());
  EXPECT_EQ((std::vector<uint64_t>{30}), Numbers(c->inputs(0)));
  EXPECT_EQ((std::vector<uint64_t>{10}), Numbers(c->inputs(1)));
  Release(c);
  EXPECT_EQ(2u, picker_.SeekCompactionsPicked());
}

TEST_F(CompactionPickerTest, SeekCandidatesThatCannotRun) {
  Add(1, 10, "a", "d", 500);
  Add(2, 20, "a", "e", 1000);
  Add(3, 40, "a", "z", 5000);
  // Not in the version (compacted away since), in the last level, or a bad level:
  // dropped.
  picker_.AddSeekCandidate(1, 99);
  picker_.AddSeekCandidate(3, 40);
  picker_.AddSeekCandidate(7, 40);
  EXPECT_FALSE(picker_.NeedsCompaction(*v_));
  EXPECT_EQ(nullptr, Pick());

  // A candidate whose job conflicts with a running one waits for it.
  const std::string_view a = "a", b = "b";
  Compaction* running = Range(v_, 2, &a, &b);  // #20 into L3
  ASSERT_NE(nullptr, running);
  picker_.AddSeekCandidate(1, 10);  // needs #20
  EXPECT_EQ(nullptr, Pick());
  Release(running);
  Compaction* c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_TRUE(c->seek_triggered());
  EXPECT_EQ((std::vector<uint64_t>{10}), Numbers(c->inputs(0)));
  Release(c);

  // A level over its target goes first.
  picker_.AddSeekCandidate(1, 10);
  for (uint64_t n = 50; n < 62; n++) {
    const std::string k(1, static_cast<char>('a' + (n - 50) * 2));
    Add(0, n, k, k, 100, 1000 - n);
  }
  c = Pick();
  ASSERT_NE(nullptr, c);
  EXPECT_FALSE(c->seek_triggered());
  EXPECT_EQ(0, c->level());
  Release(c);
}

}  // namespace
}  // namespace lsmdb
