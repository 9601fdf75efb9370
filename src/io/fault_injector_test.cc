// The faults MemFileSystem injects: EIO and ENOSPC on chosen operations and file kinds,
// short appends, bit flips on read; counted, once or always, after N operations.
#include "io/fault_injector.h"

#include <gtest/gtest.h>

#include "io/mem_file_system.h"

namespace lsmdb {
namespace {

using Op = MemFileSystem::Op;

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs_.CreateDirIfMissing("/db").ok()); }
  std::unique_ptr<WritableFile> Create(const std::string& path) {
    std::unique_ptr<WritableFile> w;
    EXPECT_TRUE(fs_.NewWritableFile(path, &w).ok());
    return w;
  }
  std::string Contents(const std::string& path) {
    std::string data;
    EXPECT_TRUE(fs_.ReadFileToString(path, &data).ok());
    return data;
  }
  MemFileSystem fs_;
};

TEST(FileKindTest, ClassifiesDatabaseFileNames) {
  EXPECT_EQ(kLogFiles, FileKindOf("/db/000007.log"));
  EXPECT_EQ(kTableFiles, FileKindOf("/db/000008.sst"));
  EXPECT_EQ(kTableFiles, FileKindOf("/db/000008.ldb"));
  EXPECT_EQ(kManifestFiles, FileKindOf("/db/MANIFEST-000002"));
  EXPECT_EQ(kCurrentFiles, FileKindOf("/db/CURRENT"));
  EXPECT_EQ(kCurrentFiles, FileKindOf("/db/000009.dbtmp"));
  EXPECT_EQ(kOtherFiles, FileKindOf("/db/LOG"));
  EXPECT_EQ(kOtherFiles, FileKindOf("/db/LOCK"));
  EXPECT_EQ(kOtherFiles, FileKindOf("/db"));
  EXPECT_EQ(kLogFiles, FileKindOf("000007.log"));
}

TEST_F(FaultInjectionTest, RejectsFaultsThatMakeNoSense) {
  EXPECT_TRUE(
      fs_.InjectFault({.op = Op::kSync, .kind = FaultKind::kShortWrite}).IsInvalidArgument());
  EXPECT_TRUE(
      fs_.InjectFault({.op = Op::kAppend, .kind = FaultKind::kBitFlip}).IsInvalidArgument());
  EXPECT_TRUE(fs_.InjectFault({.op = Op::kAppend, .files = 0}).IsInvalidArgument());
  auto w = Create("/db/1.log");
  EXPECT_TRUE(w->Append("fine").ok());
  EXPECT_EQ(0u, fs_.FaultsInjected());
}

TEST_F(FaultInjectionTest, EioOnAppendOfChosenFileKindOnly) {
  ASSERT_TRUE(fs_.InjectFault({.op = Op::kAppend, .files = kTableFiles}).ok());
  auto log = Create("/db/000001.log");
  auto table = Create("/db/000002.sst");
  EXPECT_TRUE(log->Append("abc").ok());
  Status s = table->Append("xyz");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_FALSE(s.IsNoSpace());
  EXPECT_NE(std::string::npos, s.ToString().find("000002.sst")) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("append")) << s.ToString();
  EXPECT_TRUE(table->Append("again").IsIOError());  // not `once`: every time
  EXPECT_EQ("abc", Contents("/db/000001.log"));
  EXPECT_EQ("", Contents("/db/000002.sst"));  // a failed append writes nothing
  EXPECT_EQ(2u, fs_.FaultsInjected());

  fs_.ClearFaults();
  EXPECT_TRUE(table->Append("ok").ok());
  EXPECT_EQ("ok", Contents("/db/000002.sst"));
  EXPECT_EQ(2u, fs_.FaultsInjected());
}

TEST_F(FaultInjectionTest, AfterCountsMatchingOperationsAndOnceFiresOnce) {
  ASSERT_TRUE(
      fs_.InjectFault({.op = Op::kAppend, .files = kLogFiles, .after = 2, .once = true}).ok());
  auto other = Create("/db/LOG");
  auto log = Create("/db/000003.log");
  EXPECT_TRUE(other->Append("not counted").ok());
  EXPECT_TRUE(log->Append("1").ok());
  EXPECT_TRUE(log->Append("2").ok());
  EXPECT_TRUE(log->Append("3").IsIOError());
  EXPECT_TRUE(log->Append("4").ok());
  EXPECT_EQ("124", Contents("/db/000003.log"));
  EXPECT_EQ(1u, fs_.FaultsInjected());
}

TEST_F(FaultInjectionTest, NoSpaceOnCreateAndAppend) {
  ASSERT_TRUE(
      fs_.InjectFault(
             {.op = Op::kCreate, .files = kTableFiles, .kind = FaultKind::kNoSpace, .once = true})
          .ok());
  std::unique_ptr<WritableFile> w;
  Status s = fs_.NewWritableFile("/db/000004.sst", &w);
  EXPECT_TRUE(s.IsNoSpace()) << s.ToString();
  EXPECT_TRUE(s.IsIOError());
  EXPECT_FALSE(fs_.FileExists("/db/000004.sst"));

  ASSERT_TRUE(fs_.InjectFault({.op = Op::kAppend, .kind = FaultKind::kNoSpace}).ok());
  ASSERT_TRUE(fs_.NewWritableFile("/db/000004.sst", &w).ok());
  EXPECT_TRUE(w->Append("data").IsNoSpace());
  EXPECT_EQ(0u, w->Size());
}

TEST_F(FaultInjectionTest, ShortWriteKeepsAPrefixAndFails) {
  ASSERT_TRUE(fs_.InjectFault({.op = Op::kAppend,
                               .files = kManifestFiles,
                               .kind = FaultKind::kShortWrite,
                               .once = true})
                  .ok());
  auto w = Create("/db/MANIFEST-000005");
  Status s = w->Append("0123456789");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("short write")) << s.ToString();
  EXPECT_EQ("01234", Contents("/db/MANIFEST-000005"));
  EXPECT_TRUE(w->Append("ab").ok());
  EXPECT_EQ("01234ab", Contents("/db/MANIFEST-000005"));
}

TEST_F(FaultInjectionTest, FailedSyncLeavesBytesUnsynced) {
  ASSERT_TRUE(fs_.InjectFault({.op = Op::kSync, .files = kLogFiles}).ok());
  auto w = Create("/db/000006.log");
  ASSERT_TRUE(fs_.SyncDir("/db").ok());
  EXPECT_TRUE(w->Append("payload").ok());
  EXPECT_TRUE(w->Sync().IsIOError());
  fs_.SimulatePowerLoss();
  fs_.Thaw();
  EXPECT_EQ("", Contents("/db/000006.log"));
}

TEST_F(FaultInjectionTest, BitFlipDamagesTheCopyNotTheFile) {
  const std::string data(64, 'a');
  ASSERT_TRUE(fs_.WriteStringToFile("/db/000007.sst", data).ok());
  ASSERT_TRUE(
      fs_.InjectFault(
             {.op = Op::kRead, .files = kTableFiles, .kind = FaultKind::kBitFlip, .once = true})
          .ok());
  std::unique_ptr<RandomAccessFile> r;
  ASSERT_TRUE(fs_.NewRandomAccessFile("/db/000007.sst", &r).ok());
  char scratch[64];
  std::string_view got;
  ASSERT_TRUE(r->Read(0, data.size(), &got, scratch).ok());
  ASSERT_EQ(data.size(), got.size());
  int bits = 0;
  for (size_t i = 0; i < got.size(); i++) {
    bits += __builtin_popcount(static_cast<unsigned char>(got[i] ^ data[i]));
  }
  EXPECT_EQ(1, bits);
  EXPECT_EQ(data, Contents("/db/000007.sst"));
  ASSERT_TRUE(r->Read(0, data.size(), &got, scratch).ok());  // `once`: clean again
  EXPECT_EQ(data, got);
  EXPECT_EQ(1u, fs_.FaultsInjected());
}

TEST_F(FaultInjectionTest, EioOnReadAndOpen) {
  ASSERT_TRUE(fs_.WriteStringToFile("/db/CURRENT", "MANIFEST-000001\n").ok());
  ASSERT_TRUE(fs_.InjectFault({.op = Op::kOpen, .files = kCurrentFiles, .once = true}).ok());
  std::unique_ptr<SequentialFile> f;
  EXPECT_TRUE(fs_.NewSequentialFile("/db/CURRENT", &f).IsIOError());
  ASSERT_TRUE(fs_.NewSequentialFile("/db/CURRENT", &f).ok());
  ASSERT_TRUE(fs_.InjectFault({.op = Op::kRead, .files = kCurrentFiles}).ok());
  char scratch[32];
  std::string_view got;
  EXPECT_TRUE(f->Read(sizeof(scratch), &got, scratch).IsIOError());
}

TEST_F(FaultInjectionTest, HookRunsBeforeFaults) {
  int hook_calls = 0;
  fs_.SetFaultHook([&hook_calls](Op op, const std::string&) {
    if (op == Op::kAppend) hook_calls++;
    return Status::OK();
  });
  ASSERT_TRUE(fs_.InjectFault({.op = Op::kAppend, .kind = FaultKind::kNoSpace}).ok());
  auto w = Create("/db/000008.log");
  EXPECT_TRUE(w->Append("x").IsNoSpace());
  EXPECT_EQ(1, hook_calls);
  fs_.SetFaultHook(nullptr);
}

}  // namespace
}  // namespace lsmdb
