// crashfs's Model without FUSE: what each power-loss mode keeps, and injected faults.
#include "tests/crashfs/crash_model.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "tests/util/test_util.h"

namespace crashfs {
namespace {

constexpr uint64_t kPage = Model::kPageSize;

class CrashModelTest : public ::testing::Test {
 protected:
  // Creates path (its directory synced, so the name survives) and returns a handle.
  uint64_t Create(const std::string& path) {
    uint64_t h = 0;
    EXPECT_EQ(0, m_.Open(path, O_RDWR | O_CREAT, 0644, &h));
    SyncDir("/");
    return h;
  }
  void SyncDir(const std::string& dir) {
    uint64_t d = 0;
    ASSERT_EQ(0, m_.OpenDir(dir, &d));
    ASSERT_EQ(0, m_.FsyncDir(d));
    m_.Release(d);
  }
  void Write(uint64_t h, const std::string& data, uint64_t offset) {
    ASSERT_EQ(static_cast<int>(data.size()), m_.Write(h, data.data(), data.size(), offset));
  }
  // The whole contents of path, or "<missing>".
  std::string Contents(const std::string& path) {
    struct stat st;
    if (m_.GetAttr(path, &st) != 0) return "<missing>";
    uint64_t h = 0;
    EXPECT_EQ(0, m_.Open(path, O_RDONLY, 0, &h));
    std::string out(static_cast<size_t>(st.st_size), '\0');
    EXPECT_EQ(static_cast<int>(out.size()), m_.Read(h, out.data(), out.size(), 0));
    m_.Release(h);
    return out;
  }

  lsmdb::test::TempDir dir_;
  Model m_{dir_.path()};
};

TEST_F(CrashModelTest, AllModeKeepsExactlyTheSyncedBytesAndNames) {
  uint64_t h = Create("/a");
  Write(h, std::string(5000, 'A'), 0);
  ASSERT_EQ(0, m_.Fsync(h));
  Write(h, std::string(100, 'B'), 5000);  // unsynced append
  Write(h, "xy", 10);                     // unsynced overwrite of synced bytes
  uint64_t u = 0;
  ASSERT_EQ(0, m_.Open("/unsynced-name", O_RDWR | O_CREAT, 0644, &u));
  Write(u, "data", 0);
  ASSERT_EQ(0, m_.Fsync(u));  // its data is synced, its name is not
  m_.Release(h);
  m_.Release(u);
  LossReport r = m_.PowerLoss(LossMode::kAll, 1);
  EXPECT_EQ(std::string(5000, 'A'), Contents("/a"));
  EXPECT_EQ("<missing>", Contents("/unsynced-name"));
  EXPECT_EQ(1u, r.files_deleted);
  EXPECT_EQ(2u, r.changes_lost);
}

TEST_F(CrashModelTest, RmdirAndUnlinkRemoveOnlyTheirKindOfEntry) {
  ASSERT_EQ(0, m_.Mkdir("/d", 0755));
  m_.Release(Create("/d/f"));
  EXPECT_EQ(-ENOTDIR, m_.Rmdir("/d/f"));
  EXPECT_EQ(-EISDIR, m_.Unlink("/d"));
  EXPECT_EQ(-ENOTEMPTY, m_.Rmdir("/d"));
  EXPECT_EQ(-ENOENT, m_.Unlink("/d/none"));
  EXPECT_EQ(-ENOENT, m_.Rmdir("/none"));
  EXPECT_EQ(0, m_.Unlink("/d/f"));
  EXPECT_EQ(0, m_.Rmdir("/d"));
  EXPECT_EQ("<missing>", Contents("/d"));
  m_.InjectFault(FaultOp::kUnlink, "g", EIO, 0, 1);  // unlink faults, rmdir has none
  m_.Release(Create("/g"));
  EXPECT_EQ(-EIO, m_.Unlink("/g"));
  EXPECT_EQ(0, m_.Unlink("/g"));
  m_.Freeze();
  EXPECT_EQ(-EIO, m_.Rmdir("/d"));
  EXPECT_EQ(-EIO, m_.Unlink("/g"));
}

TEST_F(CrashModelTest, UnsyncedUnlinkAndRenameAreUndoneWithTheOldContents) {
  uint64_t h = Create("/old");
  Write(h, "durable", 0);
  ASSERT_EQ(0, m_.Fsync(h));
  m_.Release(h);
  uint64_t t = Create("/tmp");
  Write(t, "new", 0);
  ASSERT_EQ(0, m_.Fsync(t));
  m_.Release(t);
  ASSERT_EQ(0, m_.Rename("/tmp", "/old", 0));  // replaces /old; the directory not synced
  EXPECT_EQ("new", Contents("/old"));
  m_.PowerLoss(LossMode::kAll, 1);
  EXPECT_EQ("durable", Contents("/old"));
  EXPECT_EQ("new", Contents("/tmp"));
  ASSERT_EQ(0, m_.Unlink("/old"));
  m_.PowerLoss(LossMode::kAll, 2);
  EXPECT_EQ("durable", Contents("/old"));
  ASSERT_EQ(0, m_.Unlink("/old"));
  SyncDir("/");
  m_.PowerLoss(LossMode::kAll, 3);
  EXPECT_EQ("<missing>", Contents("/old"));
}

TEST_F(CrashModelTest, PrefixModeKeepsAPrefixOfTheChangesLastOnePerhapsTorn) {
  const uint64_t seed = lsmdb::test::RandomSeed();
  int seen_none = 0, seen_both = 0;
  for (uint64_t i = 0; i < 64; i++) {
    uint64_t h = Create("/f");
    ASSERT_EQ(0, m_.TruncateHandle(h, 0));
    ASSERT_EQ(0, m_.Fsync(h));
    Write(h, std::string(kPage, 'a'), 0);
    Write(h, std::string(kPage, 'b'), kPage);
    m_.Release(h);
    m_.PowerLoss(LossMode::kPrefix, seed + i);
    const std::string got = Contents("/f");
    SCOPED_TRACE("seed " + std::to_string(seed + i) + ", size " + std::to_string(got.size()));
    ASSERT_LE(got.size(), 2 * kPage);
    const std::string want = std::string(kPage, 'a') + std::string(kPage, 'b');
    ASSERT_EQ(want.substr(0, got.size()), got);  // never b without all of a
    seen_none += got.empty();
    seen_both += got.size() == 2 * kPage;
  }
  EXPECT_GT(seen_none, 0);
  EXPECT_GT(seen_both, 0);
}

TEST_F(CrashModelTest, PagesModeKeepsEachPageOldOrNew) {
  const uint64_t seed = lsmdb::test::RandomSeed();
  bool hole = false;
  for (uint64_t i = 0; i < 64; i++) {
    uint64_t h = Create("/f");
    ASSERT_EQ(0, m_.TruncateHandle(h, 0));
    Write(h, std::string(4 * kPage, 'o'), 0);
    ASSERT_EQ(0, m_.Fsync(h));
    Write(h, std::string(8 * kPage, 'n'), 0);
    m_.Release(h);
    m_.PowerLoss(LossMode::kPages, seed + i);
    const std::string got = Contents("/f");
    SCOPED_TRACE("seed " + std::to_string(seed + i));
    ASSERT_TRUE(got.size() == 4 * kPage || got.size() == 8 * kPage) << got.size();
    for (uint64_t p = 0; p < got.size() / kPage; p++) {
      const char c = got[p * kPage];
      const char old = p < 4 ? 'o' : '\0';  // beyond the old size: a hole
      ASSERT_TRUE(c == 'n' || c == old) << "page " << p;
      ASSERT_EQ(std::string(kPage, c), got.substr(p * kPage, kPage));
      hole |= c == '\0';
    }
  }
  EXPECT_TRUE(hole);
}

TEST_F(CrashModelTest, InjectedFaultsFailTheChosenOperationsAndChangeNothing) {
  uint64_t h = Create("/000001.log");
  uint64_t other = Create("/other");
  m_.InjectFault(FaultOp::kWrite, ".log", ENOSPC, /*skip=*/1, /*count=*/1);
  Write(h, "first", 0);  // skipped
  EXPECT_EQ(-ENOSPC, m_.Write(h, "second", 6, 5));
  Write(other, "fine", 0);  // another name
  Write(h, "third", 5);     // the fault fired once
  EXPECT_EQ("firstthird", Contents("/000001.log"));
  m_.InjectFault(FaultOp::kFsync, "", EIO, 0, 0);  // always
  EXPECT_EQ(-EIO, m_.Fsync(h));
  EXPECT_EQ(-EIO, m_.Fsync(h));
  m_.ClearFaults();
  EXPECT_EQ(3u, m_.faults_fired());
  m_.Release(h);
  m_.Release(other);
  m_.PowerLoss(LossMode::kAll, 1);  // the failed fsyncs synced nothing
  EXPECT_EQ("", Contents("/000001.log"));
}

}  // namespace
}  // namespace crashfs
