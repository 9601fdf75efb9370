// Regressions found on crashfs (tests/crashfs/README.md), each a power loss at one
// chosen moment.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "lsmdb/db.h"
#include "tests/crashfs/crashfs_harness.h"

namespace lsmdb {
namespace {

// Regression: DB::Open created the database's directory without syncing its parent, so
// a power loss could take the whole database, synced writes and all.
TEST(CrashFsCreateTest, ANewDatabaseAndItsSyncedWriteSurvivePowerLoss) {
  std::string why, error, report;
  auto fs = crashfs::CrashFs::Start(&why);
  if (fs == nullptr) GTEST_SKIP() << "crashfs is not available: " << why;
  const std::string path = fs->root() + "/newdb";
  {
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(Options{.create_if_missing = true}, path, &db).ok());
    WriteOptions wo;
    wo.sync = true;
    ASSERT_TRUE(db->Put(wo, "key", "value").ok());
    ASSERT_TRUE(fs->Cut("all", 1, &error)) << error;
  }
  ASSERT_TRUE(fs->Remount(&report, &error)) << error;
  std::unique_ptr<DB> db;
  Status s = DB::Open(Options{}, path, &db);
  ASSERT_TRUE(s.ok()) << s.ToString() << "; crashfs: " << report;
  std::string value;
  ASSERT_TRUE(db->Get({}, "key", &value).ok());
  EXPECT_EQ("value", value);
}

}  // namespace
}  // namespace lsmdb

namespace lsmdb {
namespace {

// Regression: with paranoid_checks, an Open that fails after starting its new log (here
// the MANIFEST's fsync or CURRENT's rename fails), and then a power loss, left a database
// that paranoid Open refused: the new log's link names the writes that Open replayed
// from the older log, which were never synced (the "b" below), so the older log fell
// short of the link ("000005.log: follows log #0, written up to sequence 2, but the logs
// before it end at sequence 1"; 8 of these 40 power losses). A log that an Open started
// and the MANIFEST never recorded, holding only its link, now judges nothing
// (docs/format/wal.md §5).
TEST(CrashFsRegressionTest, ParanoidOpenFailedThenPowerLossStillOpens) {
  std::string why, error, report, answer;
  auto fs = crashfs::CrashFs::Start(&why);
  if (fs == nullptr) GTEST_SKIP() << "crashfs is not available: " << why;
  const Options o{.create_if_missing = true, .paranoid_checks = true};
  int refused = 0;
  for (int seed = 1; seed <= 40; seed++) {
    const std::string path = fs->root() + "/db" + std::to_string(seed);
    {
      std::unique_ptr<DB> db;
      ASSERT_TRUE(DB::Open(o, path, &db).ok());
      WriteOptions wo;
      wo.sync = true;
      ASSERT_TRUE(db->Put(wo, "a", "1").ok());
      ASSERT_TRUE(db->Put({}, "b", "2").ok());
    }
    const char* fault = seed % 2 ? "fault fsync MANIFEST EIO 0 0" : "fault rename CURRENT EIO 0 0";
    ASSERT_TRUE(fs->Command(fault, &answer, &error)) << error;
    {
      std::unique_ptr<DB> db;
      EXPECT_FALSE(DB::Open(o, path, &db).ok()) << "the fault did not fail the open";
    }
    ASSERT_TRUE(fs->Cut(seed % 3 == 0 ? "pages" : "prefix", seed, &error)) << error;
    ASSERT_TRUE(fs->Command("clear", &answer, &error)) << error;
    ASSERT_TRUE(fs->Remount(&report, &error)) << error;
    std::unique_ptr<DB> db;
    Status s = DB::Open(o, path, &db);
    if (!s.ok()) {
      refused++;
      ADD_FAILURE() << "seed " << seed << ": " << s.ToString() << " (crashfs: " << report << ")";
      continue;
    }
    std::string v;
    ASSERT_TRUE(db->Get({}, "a", &v).ok());
    EXPECT_EQ("1", v);
  }
  EXPECT_EQ(0, refused);
}

}  // namespace
}  // namespace lsmdb
