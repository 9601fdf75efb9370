// DB::GetApproximateSizes and DB::GetApproximateMemTableStats: 0 for empty databases and
// ranges, close to the bytes written for ranges of tables (in L0 and deeper levels), the
// memtables counted only when asked, growing with the data, and bad arguments refused.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

constexpr size_t kValueSize = 1000;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%06d", i);
  return buf;
}

class ApproximateSizesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rnd_ = Random(test::RandomSeed());
    ASSERT_TRUE(
        DB::Open(test::SmallDBOptions(std::make_shared<MemFileSystem>(), true), "/db", &db_).ok());
  }
  // Random values: compression does not shrink them.
  void Write(int from, int to) {
    for (int i = from; i < to; i++) {
      ASSERT_TRUE(db_->Put({}, Key(i), test::RandomBytes(&rnd_, kValueSize)).ok());
    }
  }
  uint64_t Size(std::string_view start, std::string_view limit, bool files = true,
                bool mems = false) {
    SizeApproximationOptions o;
    o.include_files = files;
    o.include_memtables = mems;
    Range r{start, limit};
    uint64_t size = 12345;
    Status s = db_->GetApproximateSizes(o, &r, 1, &size);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return size;
  }

  Random rnd_{0};
  std::unique_ptr<DB> db_;
};

TEST_F(ApproximateSizesTest, EmptyDatabaseAndEmptyRanges) {
  EXPECT_EQ(Size("", "\xff", true, true), 0u);
  uint64_t count = 1, size = 1;
  db_->GetApproximateMemTableStats(Range{"", "\xff"}, &count, &size);
  EXPECT_EQ(count, 0u);
  EXPECT_EQ(size, 0u);

  Write(0, 2000);
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  Write(2000, 2030);  // in the memtable
  for (bool mems : {false, true}) {
    EXPECT_EQ(Size("a", "b", true, mems), 0u);        // before every key
    EXPECT_EQ(Size("zz", "zzz", true, mems), 0u);     // after every key
    EXPECT_EQ(Size(Key(5), Key(5), true, mems), 0u);  // empty
    EXPECT_EQ(Size(Key(9), Key(5), true, mems), 0u);  // start after limit
  }
  db_->GetApproximateMemTableStats(Range{Key(0), Key(2000)}, &count, &size);
  EXPECT_EQ(count, 0u);
}

TEST_F(ApproximateSizesTest, TablesInEveryLevel) {
  Write(0, 2000);
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());  // L1 and deeper
  Write(2000, 3000);
  ASSERT_TRUE(db_->Flush().ok());  // L0
  std::string l0;
  ASSERT_TRUE(db_->GetProperty("lsmdb.num-files-at-level0", &l0));
  ASSERT_NE(l0, "0");

  const uint64_t deep = Size(Key(0), Key(2000));
  const uint64_t top = Size(Key(2000), Key(3000));
  const uint64_t all = Size("", "\xff");
  EXPECT_GE(deep, 2000 * kValueSize * 9 / 10);
  EXPECT_LE(deep, 2000 * kValueSize * 12 / 10);
  EXPECT_GE(top, 1000 * kValueSize * 9 / 10);
  EXPECT_LE(top, 1000 * kValueSize * 12 / 10);
  EXPECT_GE(all, deep + top);
  // Half the keys, about half the bytes.
  const uint64_t half = Size(Key(0), Key(1000));
  EXPECT_GE(half, deep * 4 / 10);
  EXPECT_LE(half, deep * 6 / 10);

  // Several ranges in one call: each as asked alone.
  const std::string k0 = Key(0), k2000 = Key(2000), k3000 = Key(3000);  // Range views them
  Range ranges[3] = {{k0, k2000}, {k2000, k3000}, {"a", "b"}};
  uint64_t sizes[3];
  ASSERT_TRUE(db_->GetApproximateSizes(ranges, 3, sizes).ok());
  EXPECT_EQ(sizes[0], deep);
  EXPECT_EQ(sizes[1], top);
  EXPECT_EQ(sizes[2], 0u);
}

TEST_F(ApproximateSizesTest, GrowsWithTheData) {
  uint64_t last = 0;
  for (int round = 1; round <= 4; round++) {
    // Keys spread over the whole range, each round more of them.
    for (int i = round; i < 4000; i += 4) {
      ASSERT_TRUE(db_->Put({}, Key(i), test::RandomBytes(&rnd_, kValueSize)).ok());
    }
    ASSERT_TRUE(db_->Flush().ok());
    const uint64_t now = Size(Key(0), Key(4000));
    EXPECT_GT(now, last + 900 * kValueSize * 9 / 10) << "round " << round;
    last = now;
  }
}

TEST_F(ApproximateSizesTest, MemTablesOnlyWhenAsked) {
  Write(0, 40);  // 40 KB: under the 64 KiB memtable
  EXPECT_EQ(Size(Key(0), Key(40)), 0u);
  const uint64_t mem = Size(Key(0), Key(40), false, true);
  EXPECT_GE(mem, 40 * kValueSize);
  EXPECT_LE(mem, 40 * (kValueSize + 64));
  EXPECT_EQ(Size(Key(0), Key(40), true, true), mem);
  uint64_t count = 0, size = 0;
  db_->GetApproximateMemTableStats(Range{Key(10), Key(20)}, &count, &size);
  EXPECT_EQ(count, 10u);
  EXPECT_GE(size, 10 * kValueSize);
  // Overwrites and deletions are entries too.
  ASSERT_TRUE(db_->Delete({}, Key(10)).ok());
  ASSERT_TRUE(db_->Put({}, Key(11), "x").ok());
  db_->GetApproximateMemTableStats(Range{Key(10), Key(20)}, &count, &size);
  EXPECT_EQ(count, 12u);
  // Once flushed, the same bytes are in a table.
  ASSERT_TRUE(db_->Flush().ok());
  db_->GetApproximateMemTableStats(Range{Key(10), Key(20)}, &count, &size);
  EXPECT_EQ(count, 0u);
  EXPECT_EQ(Size(Key(0), Key(40), false, true), 0u);
  EXPECT_GE(Size(Key(0), Key(40)), 40 * kValueSize * 9 / 10);
}

TEST_F(ApproximateSizesTest, BadArguments) {
  Range r{"a", "b"};
  uint64_t size = 0;
  SizeApproximationOptions neither;
  neither.include_files = false;
  EXPECT_TRUE(db_->GetApproximateSizes(neither, &r, 1, &size).IsInvalidArgument());
  EXPECT_TRUE(db_->GetApproximateSizes(&r, -1, &size).IsInvalidArgument());
  EXPECT_TRUE(db_->GetApproximateSizes(nullptr, 1, &size).IsInvalidArgument());
  EXPECT_TRUE(db_->GetApproximateSizes(&r, 1, nullptr).IsInvalidArgument());
  EXPECT_TRUE(db_->GetApproximateSizes(nullptr, 0, nullptr).ok());
}

}  // namespace
}  // namespace lsmdb
