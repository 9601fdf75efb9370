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
