// Misuse of the C++ API that must not crash later or pass silently: destroying a DB with
// live iterators or snapshots (a clear message and an abort), a snapshot of another DB
// (InvalidArgument), and a LOCK file deleted while the database is open (the database
// stays locked).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "lsmdb/file_system.h"
#include "tests/util/db_test_util.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

class MisuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    ASSERT_TRUE(DB::Open(MakeOptions(), "/a", &a_).ok());
    ASSERT_TRUE(a_->Put(WriteOptions(), "k", "a").ok());
  }
  Options MakeOptions() { return test::SmallDBOptions(fs_, /*manual_compactions=*/false); }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::unique_ptr<DB> a_;
};

TEST_F(MisuseTest, DestroyingADBWithALiveIteratorAborts) {
  std::unique_ptr<Iterator> it = a_->NewIterator(ReadOptions());
  it->SeekToFirst();
  EXPECT_DEATH(a_.reset(), "1 iterator\\(s\\) and 0 snapshot\\(s\\) of it are still live");
  it.reset();
  a_.reset();  // fine once the iterator is gone
}

TEST_F(MisuseTest, DestroyingADBWithALiveSnapshotAborts) {
  const Snapshot* snap = a_->GetSnapshot();
  EXPECT_DEATH(a_.reset(), "0 iterator\\(s\\) and 1 snapshot\\(s\\) of it are still live");
  a_->ReleaseSnapshot(snap);
  a_.reset();
}

TEST_F(MisuseTest, SnapshotOfAnotherDBIsInvalidArgument) {
  std::unique_ptr<DB> b;
  ASSERT_TRUE(DB::Open(MakeOptions(), "/b", &b).ok());
  ASSERT_TRUE(b->Put(WriteOptions(), "k", "b").ok());
  const Snapshot* snap_b = b->GetSnapshot();
  ReadOptions ro;
  ro.snapshot = snap_b;
  std::string v;
  Status s = a_->Get(ro, "k", &v);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("another database")) << s.ToString();
  std::unique_ptr<Iterator> it = a_->NewIterator(ro);
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsInvalidArgument()) << it->status().ToString();
  it.reset();
  EXPECT_DEATH(a_->ReleaseSnapshot(snap_b), "the snapshot belongs to another DB");
  // Its own DB takes it.
  ASSERT_TRUE(b->Get(ro, "k", &v).ok());
  EXPECT_EQ("b", v);
  b->ReleaseSnapshot(snap_b);
}

// On the real file system: a second handle cannot open the database after its LOCK file
// was deleted (flock on the directory as well as on the file).
TEST(MisuseLockTest, DeletedLockFileStillLocksTheDatabase) {
  test::TempDir dir;
  const std::string path = dir.path() + "/db";
  lsmdb::Options o;
  o.create_if_missing = true;
  std::unique_ptr<DB> first;
  ASSERT_TRUE(DB::Open(o, path, &first).ok());
  ASSERT_TRUE(first->Put(WriteOptions(), "k", "1").ok());
  ASSERT_TRUE(FileSystem::Default()->RemoveFile(path + "/LOCK").ok());
  std::unique_ptr<DB> second;
  Status s = DB::Open(o, path, &second);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("locked")) << s.ToString();
  EXPECT_EQ(nullptr, second);
  s = DestroyDB(path, o);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  // Once the first handle is closed, the database opens again.
  first.reset();
  ASSERT_TRUE(DB::Open(o, path, &second).ok());
  std::string v;
  ASSERT_TRUE(second->Get(ReadOptions(), "k", &v).ok());
  EXPECT_EQ("1", v);
}

}  // namespace
}  // namespace lsmdb
