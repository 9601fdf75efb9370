// The property "lsmdb.background-error" stays set while a Resume() is under way: it
// reads OK only once writes are accepted again.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"

namespace lsmdb {
namespace {

using Op = MemFileSystem::Op;

class BackgroundErrorPropertyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(DB::Open(test::SmallDBOptions(fs_, /*manual_compactions=*/true), "/db", &db_).ok());
    for (int i = 0; i < 100; i++) {
      ASSERT_TRUE(db_->Put(WriteOptions(), "a" + std::to_string(i), std::string(100, 'v')).ok());
    }
    // A failed WAL sync: Resume must turn the memtable into a table before new writes.
    ASSERT_TRUE(fs_->InjectFault({.op = Op::kSync, .files = kLogFiles, .once = true}).ok());
    WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE(db_->Put(sync, "lost", "v").IsIOError());
    ASSERT_NE("OK", Property());
    // Records the property each time the resume's flush creates a table file.
    fs_->SetFaultHook([this](Op op, const std::string& path) {
      if (watching_ && op == Op::kCreate && path.ends_with(".sst")) {
        seen_during_flush_.push_back(Property());
      }
      return Status::OK();
    });
  }
  void TearDown() override { fs_->SetFaultHook(nullptr); }

  std::string Property() {
    std::string v;
    EXPECT_TRUE(db_->GetProperty("lsmdb.background-error", &v));
    return v;
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::unique_ptr<DB> db_;
  std::atomic<bool> watching_{false};
  std::vector<std::string> seen_during_flush_;
};

TEST_F(BackgroundErrorPropertyTest, StaysSetUntilTheResumeFlushSucceeded) {
  watching_ = true;
  ASSERT_TRUE(db_->Resume().ok());
  watching_ = false;
  ASSERT_FALSE(seen_during_flush_.empty()) << "the resume flushed no table";
  for (const std::string& v : seen_during_flush_) EXPECT_NE("OK", v);
  EXPECT_EQ("OK", Property());
  EXPECT_TRUE(db_->Put(WriteOptions(), "b", "2").ok());
}

TEST_F(BackgroundErrorPropertyTest, StaysSetWhenTheResumeFlushFails) {
  ASSERT_TRUE(fs_->InjectFault({.op = Op::kSync, .files = kTableFiles, .once = true}).ok());
  watching_ = true;
  Status s = db_->Resume();
  watching_ = false;
  ASSERT_FALSE(s.ok());
  for (const std::string& v : seen_during_flush_) EXPECT_NE("OK", v);
  EXPECT_NE("OK", Property());
  EXPECT_FALSE(db_->Put(WriteOptions(), "b", "2").ok());
  // A second Resume succeeds, and only then does the property read OK.
  seen_during_flush_.clear();
  watching_ = true;
  ASSERT_TRUE(db_->Resume().ok());
  watching_ = false;
  for (const std::string& v : seen_during_flush_) EXPECT_NE("OK", v);
  EXPECT_EQ("OK", Property());
  EXPECT_TRUE(db_->Put(WriteOptions(), "b", "2").ok());
}

}  // namespace
}  // namespace lsmdb
