// I/O errors on real system calls: crashfs (tests/crashfs/README.md) fails chosen
// operations of chosen files with EIO or ENOSPC while the engine's POSIX file system
// runs on it, so its error paths are the ones exercised (the mapped WAL's writeback and
// fdatasync, fallocate, table writes and syncs, MANIFEST writes, CURRENT's rename).
//
// Each case: acknowledged writes, then the fault, then writes and flushes until one
// fails. Then: the failure is a background error (lsmdb.background-error), reads give
// exactly the acknowledged writes; with the fault gone, Resume() (or, for ENOSPC, the
// automatic retry) makes writes succeed with every acknowledged write still there; after
// a reopen every acknowledged write is there, and a key holds no value but its latest
// acknowledged one or one of a failed write after it.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "lsmdb/db.h"
#include "tests/crashfs/crashfs_harness.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

struct FaultCase {
  const char* name;
  const char* spec;  // crashfs: "OP NAME ERRNO SKIP COUNT"
  bool no_space;     // retried by the engine on its own
  bool sync_writes;  // the fault needs synced writes to show
};

// A database and the model of its acknowledged and failed writes.
class AckedWritesTest : public ::testing::Test {
 protected:
  AckedWritesTest() {
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
    options_.max_manifest_file_size = 4096;
    options_.target_file_size = 64 << 10;
    options_.bgerror_resume_retry_interval = 1000;
  }

  // One write of a fresh value to a random key; true if acknowledged.
  bool WriteOne(bool sync) {
    const std::string key = "k" + std::to_string(rnd_->Uniform(key_space_));
    const std::string value =
        "v" + std::to_string(next_value_++) + ":" + test::RandomString(rnd_.get(), 200);
    WriteOptions wo;
    wo.sync = sync;
    Status s = db_->Put(wo, key, value);
    if (s.ok()) {
      acked_[key] = value;
      failed_[key].clear();
    } else {
      failed_[key].insert(value);
      last_error_ = s;
    }
    return s.ok();
  }

  // Every key reads its latest acknowledged value; after a reopen (lenient) also a value
  // of a failed write after it.
  void CheckReads(bool lenient) {
    std::map<std::string, std::string> scanned;
    auto it = db_->NewIterator({});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      scanned[std::string(it->key())] = std::string(it->value());
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    for (const auto& [k, v] : scanned) {
      std::string got;
      ASSERT_TRUE(db_->Get({}, k, &got).ok()) << k;
      ASSERT_EQ(v, got) << k;
      auto a = acked_.find(k);
      const bool is_acked = a != acked_.end() && a->second == v;
      ASSERT_TRUE(is_acked || (lenient && failed_[k].count(v)))
          << k << ": a value that is not its latest acknowledged one";
    }
    for (const auto& [k, v] : acked_) {
      ASSERT_TRUE(scanned.count(k)) << k << ": an acknowledged write is missing";
    }
  }

  bool BackgroundErrorClear() {
    std::string v;
    return db_->GetProperty("lsmdb.background-error", &v) && v == "OK";
  }

  // Waits (bounded, no timing assumed) for the automatic retry of a NoSpace error.
  bool WaitForAutomaticResume() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!BackgroundErrorClear() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return BackgroundErrorClear();
  }

  // Once the error is cleared: writes and a flush succeed, reads are exact, and a reopen
  // keeps every acknowledged write.
  void WriteAgainThenReopen() {
    for (int i = 0; i < 300; i++) ASSERT_TRUE(WriteOne(rnd_->OneIn(5))) << last_error_.ToString();
    ASSERT_TRUE(db_->Flush().ok());
    ASSERT_NO_FATAL_FAILURE(CheckReads(/*lenient=*/false));
    db_.reset();
    Status s = DB::Open(options_, path_, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_NO_FATAL_FAILURE(CheckReads(/*lenient=*/true));
  }

  Options options_;
  std::string path_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<Random> rnd_;
  std::map<std::string, std::string> acked_;
  std::map<std::string, std::set<std::string>> failed_;
  uint64_t next_value_ = 0;
  uint64_t key_space_ = 300;  // keys k0 .. k<key_space_ - 1>
  Status last_error_;
};

class CrashFsFaultTest : public AckedWritesTest, public ::testing::WithParamInterface<FaultCase> {
 protected:
  void SetUp() override {
    std::string why;
    fs_ = crashfs::CrashFs::Start(&why);
    if (fs_ == nullptr) GTEST_SKIP() << "crashfs is not available: " << why;
    path_ = fs_->root() + "/db";
  }
  void TearDown() override {
    db_.reset();
    fs_.reset();
  }

  std::unique_ptr<crashfs::CrashFs> fs_;
};

TEST_P(CrashFsFaultTest, ErrorStopsWritesAndResumeOrReopenKeepsEveryAcknowledgedWrite) {
  const FaultCase& c = GetParam();
  rnd_ = std::make_unique<Random>(test::RandomSeed());
  ASSERT_TRUE(DB::Open(options_, path_, &db_).ok());
  for (int i = 0; i < 300; i++) ASSERT_TRUE(WriteOne(rnd_->OneIn(5)));
  std::string answer, error;
  ASSERT_TRUE(fs_->Command(std::string("fault ") + c.spec, &answer, &error)) << error;

  // Writes (and flushes now and then) until one fails.
  bool failed = false;
  for (int i = 0; i < 20000 && !failed; i++) {
    if (i % 200 == 199) {
      Status s = db_->Flush();
      if (!s.ok()) last_error_ = s;
      failed = !s.ok();
      continue;
    }
    failed = !WriteOne(c.sync_writes ? rnd_->OneIn(2) : rnd_->OneIn(20));
  }
  ASSERT_TRUE(failed) << "no write failed with the fault " << c.spec;
  SCOPED_TRACE("the failure: " + last_error_.ToString());
  std::fprintf(stderr, "[crashfs fault %s] %s\n", c.name, last_error_.ToString().c_str());
  if (c.no_space) {
    EXPECT_TRUE(last_error_.IsNoSpace()) << last_error_.ToString();
  } else {
    EXPECT_TRUE(last_error_.IsIOError()) << last_error_.ToString();
  }
  ASSERT_NO_FATAL_FAILURE(CheckReads(/*lenient=*/false));

  ASSERT_TRUE(fs_->Command("clear", &answer, &error)) << error;
  EXPECT_NE("ok 0", answer) << "the fault never fired";
  if (c.no_space) {
    ASSERT_TRUE(WaitForAutomaticResume()) << "the automatic retry did not clear ENOSPC";
  } else {
    ASSERT_FALSE(BackgroundErrorClear());
    Status s = db_->Resume();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ASSERT_NO_FATAL_FAILURE(WriteAgainThenReopen());
}

// ENOSPC faults last until cleared: the engine's own retry would otherwise clear a
// single one before a write sees it. The WAL's pages reach crashfs by writeback (it is
// written through a mapping), so a failed "write" of a .log is a failed writeback, seen
// by the next fdatasync.
INSTANTIATE_TEST_SUITE_P(
    Faults, CrashFsFaultTest,
    ::testing::Values(FaultCase{"TableWriteEIO", "write .sst EIO 3 1", false, false},
                      FaultCase{"TableFsyncEIO", "fsync .sst EIO 0 1", false, false},
                      FaultCase{"TableCreateENOSPC", "open .sst ENOSPC 0 0", true, false},
                      FaultCase{"TableWriteENOSPC", "write .sst ENOSPC 0 0", true, false},
                      FaultCase{"ManifestWriteEIO", "write MANIFEST EIO 2 1", false, false},
                      FaultCase{"ManifestFsyncEIO", "fsync MANIFEST EIO 1 1", false, false},
                      FaultCase{"CurrentRenameEIO", "rename CURRENT EIO 0 1", false, false},
                      FaultCase{"WalWritebackEIO", "write .log EIO 0 1", false, true},
                      FaultCase{"WalFsyncEIO", "fsync .log EIO 2 1", false, true},
                      FaultCase{"WalFallocateENOSPC", "fallocate .log ENOSPC 0 0", true, false},
                      FaultCase{"WalFallocateEIO", "fallocate .log EIO 1 1", false, false},
                      FaultCase{"DirFsyncEIO", "fsync db EIO 2 1", false, true}),
    [](const auto& p) { return std::string(p.param.name); });

// ENOSPC from a real file system: a 4 MiB tmpfs the test mounts (as root), most of it
// taken by a ballast file that is removed to give the space back.
class TmpfsNoSpaceTest : public AckedWritesTest {
 protected:
  void SetUp() override {
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                   << "): the test needs root";
    }
    mounted_ = true;
    path_ = dir_.path() + "/db";
  }
  void TearDown() override {
    db_.reset();
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }

  test::TempDir dir_;
  bool mounted_ = false;
};

TEST_F(TmpfsNoSpaceTest, AFullDeviceStopsWritesAndTheirRetryResumesThemOnceSpaceIsBack) {
  rnd_ = std::make_unique<Random>(test::RandomSeed());
  key_space_ = uint64_t{1} << 40;  // the database grows until the device is full
  const std::string ballast = dir_.path() + "/ballast";
  {
    std::FILE* f = std::fopen(ballast.c_str(), "w");
    ASSERT_NE(f, nullptr);
    const std::string mib(1 << 20, 'b');
    for (int i = 0; i < 3; i++) ASSERT_EQ(1u, std::fwrite(mib.data(), mib.size(), 1, f));
    ASSERT_EQ(0, std::fclose(f));
  }
  ASSERT_TRUE(DB::Open(options_, path_, &db_).ok());
  bool failed = false;
  for (int i = 0; i < 100000 && !failed; i++) failed = !WriteOne(rnd_->OneIn(10));
  ASSERT_TRUE(failed) << "the device never filled";
  std::fprintf(stderr, "[tmpfs full] %s\n", last_error_.ToString().c_str());
  EXPECT_TRUE(last_error_.IsNoSpace()) << last_error_.ToString();
  ASSERT_FALSE(BackgroundErrorClear());
  ASSERT_NO_FATAL_FAILURE(CheckReads(/*lenient=*/false));
  ASSERT_EQ(0, ::unlink(ballast.c_str()));
  ASSERT_TRUE(WaitForAutomaticResume()) << "the automatic retry did not clear ENOSPC";
  ASSERT_NO_FATAL_FAILURE(WriteAgainThenReopen());
}

}  // namespace
}  // namespace lsmdb
