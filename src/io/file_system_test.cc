// Behaviour shared by every FileSystem, run on the POSIX and the in-memory one; then the
// power-loss model of MemFileSystem.
#include "lsmdb/file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "io/file_util.h"
#include "io/mem_file_system.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

class FileSystemTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      fs_ = NewMemFileSystem();
      dir_ = "/db";
    } else {
      fs_ = FileSystem::Default();
      dir_ = tmp_.path() + "/db";
    }
    ASSERT_TRUE(fs_->CreateDirIfMissing(dir_).ok());
  }
  test::TempDir tmp_;
  std::shared_ptr<FileSystem> fs_;
  std::string dir_;
};

TEST_P(FileSystemTest, WriteReadRenameRemove) {
  std::string a = dir_ + "/a", b = dir_ + "/b";
  EXPECT_FALSE(fs_->FileExists(a));
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "hello world", a, true).ok());
  EXPECT_TRUE(fs_->FileExists(a));
  uint64_t size = 0;
  ASSERT_TRUE(fs_->GetFileSize(a, &size).ok());
  EXPECT_EQ(11u, size);

  std::unique_ptr<RandomAccessFile> ra;
  ASSERT_TRUE(fs_->NewRandomAccessFile(a, &ra).ok());
  char scratch[16];
  std::string_view got;
  ASSERT_TRUE(ra->Read(6, 10, &got, scratch).ok());
  EXPECT_EQ("world", got);  // short read at the end
  ASSERT_TRUE(ra->Read(100, 10, &got, scratch).ok());
  EXPECT_TRUE(got.empty());

  ASSERT_TRUE(fs_->RenameFile(a, b).ok());
  EXPECT_FALSE(fs_->FileExists(a));
  std::string data;
  ASSERT_TRUE(ReadFileToString(fs_.get(), b, &data).ok());
  EXPECT_EQ("hello world", data);
  // The file opened before the rename is still readable.
  ASSERT_TRUE(ra->Read(0, 5, &got, scratch).ok());
  EXPECT_EQ("hello", got);

  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren(dir_, &names).ok());
  EXPECT_EQ(std::vector<std::string>{"b"}, names);
  ASSERT_TRUE(fs_->RemoveFile(b).ok());
  EXPECT_FALSE(fs_->RemoveFile(b).ok());
  EXPECT_TRUE(ReadFileToString(fs_.get(), b, &data).IsNotFound());
}

// The POSIX file system maps non-empty files (Read then returns views into the mapping)
// and reads empty ones with pread; both must give the same answers, also after unlink.
TEST_P(FileSystemTest, RandomAccessReadsOfEmptyAndRemovedFiles) {
  std::string empty = dir_ + "/empty", big = dir_ + "/big";
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "", empty, false).ok());
  std::string contents(3 * 4096 + 17, 'x');
  for (size_t i = 0; i < contents.size(); i++) contents[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(WriteStringToFile(fs_.get(), contents, big, false).ok());

  std::unique_ptr<RandomAccessFile> e, b;
  ASSERT_TRUE(fs_->NewRandomAccessFile(empty, &e).ok());
  ASSERT_TRUE(fs_->NewRandomAccessFile(big, &b).ok());
  char scratch[8192];
  std::string_view got;
  ASSERT_TRUE(e->Read(0, 10, &got, scratch).ok());
  EXPECT_TRUE(got.empty());
  ASSERT_TRUE(fs_->RemoveFile(big).ok());
  ASSERT_TRUE(b->Read(4090, 4100, &got, scratch).ok());
  EXPECT_TRUE(contents.substr(4090, 4100) == got);  // across pages, after unlink
  ASSERT_TRUE(b->Read(8200, 8192, &got, scratch).ok());
  EXPECT_TRUE(contents.substr(8200) == got);  // short at the end
  ASSERT_TRUE(b->Read(contents.size(), 1, &got, scratch).ok());
  EXPECT_TRUE(got.empty());
}

TEST_P(FileSystemTest, SequentialReadAndSkip) {
  std::string a = dir_ + "/seq";
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "0123456789", a, false).ok());
  std::unique_ptr<SequentialFile> f;
  ASSERT_TRUE(fs_->NewSequentialFile(a, &f).ok());
  char scratch[8];
  std::string_view got;
  ASSERT_TRUE(f->Read(3, &got, scratch).ok());
  EXPECT_EQ("012", got);
  ASSERT_TRUE(f->Skip(4).ok());
  ASSERT_TRUE(f->Read(8, &got, scratch).ok());
  EXPECT_EQ("789", got);
  ASSERT_TRUE(f->Read(8, &got, scratch).ok());
  EXPECT_TRUE(got.empty());
}

TEST_P(FileSystemTest, AppendsAreBufferedUntilFlush) {
  std::unique_ptr<WritableFile> w;
  std::string a = dir_ + "/w";
  ASSERT_TRUE(fs_->NewWritableFile(a, &w).ok());
  ASSERT_TRUE(w->Append("abc").ok());
  ASSERT_TRUE(w->Append(std::string(200000, 'x')).ok());  // larger than the buffer
  EXPECT_EQ(200003u, w->Size());
  ASSERT_TRUE(w->Flush().ok());
  uint64_t size;
  ASSERT_TRUE(fs_->GetFileSize(a, &size).ok());
  EXPECT_EQ(200003u, size);
  ASSERT_TRUE(w->Close().ok());
}

// A log file: appended bytes can be read back after Flush (for the POSIX one, at once:
// they are written into a shared mapping), possibly followed by zeros until Close, which
// leaves exactly the appended bytes.
TEST_P(FileSystemTest, WalFileAppendsAndCloseTrims) {
  std::unique_ptr<WritableFile> w;
  std::string a = dir_ + "/000003.log";
  ASSERT_TRUE(fs_->NewWalFile(a, &w).ok());
  std::string expected = "abc";
  // Crosses several mapping windows (64 KiB doubling to 1 MiB), in odd-sized pieces.
  for (int i = 0; expected.size() < 3'000'000; i++) {
    expected.append(std::string(1000 + i % 7777, static_cast<char>('a' + i % 26)));
  }
  ASSERT_TRUE(w->Append(expected.substr(0, 3)).ok());
  for (size_t pos = 3; pos < expected.size(); pos += 40000) {
    ASSERT_TRUE(w->Append(expected.substr(pos, 40000)).ok());
  }
  EXPECT_EQ(expected.size(), w->Size());
  if (!GetParam()) {
    // POSIX: no Flush needed for another reader (or a restarted process) to see them.
    std::string data;
    ASSERT_TRUE(ReadFileToString(fs_.get(), a, &data).ok());
    ASSERT_GE(data.size(), expected.size());
    EXPECT_TRUE(data.compare(0, expected.size(), expected) == 0);
    EXPECT_EQ(std::string::npos, data.find_first_not_of('\0', expected.size()));
  }
  ASSERT_TRUE(w->Flush().ok());
  ASSERT_TRUE(w->Sync().ok());
  ASSERT_TRUE(w->Close().ok());
  if (!GetParam()) {
    EXPECT_FALSE(w->Append("x").ok());
  }
  std::string data;
  ASSERT_TRUE(ReadFileToString(fs_.get(), a, &data).ok());
  EXPECT_TRUE(data == expected);
}

TEST_P(FileSystemTest, LockIsExclusive) {
  std::unique_ptr<FileLock> l1, l2;
  std::string lock = dir_ + "/LOCK";
  ASSERT_TRUE(fs_->LockFile(lock, &l1).ok());
  Status s = fs_->LockFile(lock, &l2);
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("locked")) << s.ToString();
  l1.reset();
  EXPECT_TRUE(fs_->LockFile(lock, &l2).ok());
}

TEST_P(FileSystemTest, MissingFilesAndDirectories) {
  std::unique_ptr<SequentialFile> f;
  EXPECT_TRUE(fs_->NewSequentialFile(dir_ + "/nope", &f).IsNotFound());
  std::vector<std::string> names;
  EXPECT_FALSE(fs_->GetChildren(dir_ + "/nodir", &names).ok());
  std::unique_ptr<WritableFile> w;
  EXPECT_FALSE(fs_->NewWritableFile(dir_ + "/nodir/x", &w).ok());
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "x", dir_ + "/file", false).ok());
  EXPECT_FALSE(fs_->CreateDirIfMissing(dir_ + "/file").ok());
}

TEST_P(FileSystemTest, LinkSharesTheBytesUnderTwoNames) {
  const std::string a = dir_ + "/a", b = dir_ + "/b";
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "linked bytes", a, true).ok());
  ASSERT_TRUE(fs_->LinkFile(a, b).ok());
  std::string data;
  ASSERT_TRUE(ReadFileToString(fs_.get(), b, &data).ok());
  EXPECT_EQ("linked bytes", data);
  EXPECT_FALSE(fs_->LinkFile(a, b).ok());  // dst exists
  EXPECT_TRUE(fs_->LinkFile(dir_ + "/nope", dir_ + "/c").IsNotFound());
  // Removing one name leaves the other.
  ASSERT_TRUE(fs_->RemoveFile(a).ok());
  ASSERT_TRUE(ReadFileToString(fs_.get(), b, &data).ok());
  EXPECT_EQ("linked bytes", data);
}

TEST_P(FileSystemTest, RenameMovesADirectoryWithItsFiles) {
  const std::string src = dir_ + "/staging", dst = dir_ + "/final";
  ASSERT_TRUE(fs_->CreateDirIfMissing(src).ok());
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "one", src + "/f1", true).ok());
  ASSERT_TRUE(fs_->RenameFile(src, dst).ok());
  EXPECT_FALSE(fs_->FileExists(src));
  EXPECT_FALSE(fs_->FileExists(src + "/f1"));
  std::string data;
  ASSERT_TRUE(ReadFileToString(fs_.get(), dst + "/f1", &data).ok());
  EXPECT_EQ("one", data);
  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren(dst, &names).ok());
  EXPECT_EQ(std::vector<std::string>{"f1"}, names);
  // Not over a directory that holds something.
  ASSERT_TRUE(fs_->CreateDirIfMissing(src).ok());
  EXPECT_FALSE(fs_->RenameFile(src, dst).ok());
  EXPECT_TRUE(fs_->FileExists(dst + "/f1"));
}

INSTANTIATE_TEST_SUITE_P(PosixAndMem, FileSystemTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "Mem" : "Posix"; });

TEST(MemFileSystemTest, PowerLossKeepsOnlySyncedDataAndNames) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirIfMissing("/d").ok());
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs.NewWritableFile("/d/synced", &w).ok());
  ASSERT_TRUE(w->Append("durable").ok());
  ASSERT_TRUE(w->Sync().ok());
  ASSERT_TRUE(w->Append("-lost").ok());
  ASSERT_TRUE(fs.SyncDir("/d").ok());
  std::unique_ptr<WritableFile> w2;
  ASSERT_TRUE(fs.NewWritableFile("/d/unnamed", &w2).ok());  // name never made durable
  ASSERT_TRUE(w2->Append("x").ok());
  ASSERT_TRUE(w2->Sync().ok());

  fs.SimulatePowerLoss();
  EXPECT_FALSE(w->Append("more").ok()) << "frozen after power loss";
  fs.Thaw();
  std::string data;
  ASSERT_TRUE(fs.ReadFileToString("/d/synced", &data).ok());
  EXPECT_EQ("durable", data);
  EXPECT_FALSE(fs.FileExists("/d/unnamed"));
}

TEST(MemFileSystemTest, UnsyncedRenameIsUndone) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirIfMissing("/d").ok());
  ASSERT_TRUE(WriteStringToFile(&fs, "old", "/d/CURRENT", true).ok());
  ASSERT_TRUE(fs.SyncDir("/d").ok());
  ASSERT_TRUE(WriteStringToFile(&fs, "new", "/d/tmp", true).ok());
  ASSERT_TRUE(fs.RenameFile("/d/tmp", "/d/CURRENT").ok());
  fs.SimulatePowerLoss();
  fs.Thaw();
  std::string data;
  ASSERT_TRUE(fs.ReadFileToString("/d/CURRENT", &data).ok());
  EXPECT_EQ("old", data);
}

TEST(MemFileSystemTest, FaultHookFailsChosenOperations) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirIfMissing("/d").ok());
  fs.SetFaultHook([](MemFileSystem::Op op, const std::string&) {
    return op == MemFileSystem::Op::kSync ? Status::IOError("injected") : Status::OK();
  });
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs.NewWritableFile("/d/f", &w).ok());
  EXPECT_TRUE(w->Append("x").ok());
  EXPECT_TRUE(w->Sync().IsIOError());
}

// The POSIX file's InMemory asks the page cache: false once the pages are dropped, true
// again after a read brought them back.
TEST(PosixFileSystemTest, InMemoryFollowsThePageCache) {
  test::TempDir tmp;
  auto fs = FileSystem::Default();
  const std::string path = tmp.path() + "/f";
  std::string contents(16 * 4096, 'x');
  for (size_t i = 0; i < contents.size(); i++) contents[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(WriteStringToFile(fs.get(), contents, path, /*sync=*/true).ok());
  int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(0, ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
  ::close(fd);
  std::unique_ptr<RandomAccessFile> f;
  ASSERT_TRUE(fs->NewRandomAccessFile(path, &f).ok());
  if (f->InMemory(0, contents.size())) {
    GTEST_SKIP() << "the kernel kept the synced pages in the page cache after DONTNEED";
  }
  char scratch[4096];
  std::string_view got;
  std::string all;
  for (uint64_t off = 0; off < contents.size(); off += sizeof(scratch)) {
    ASSERT_TRUE(f->Read(off, sizeof(scratch), &got, scratch).ok());
    all.append(got);
  }
  EXPECT_EQ(contents, all);
  EXPECT_TRUE(f->InMemory(0, contents.size()));
  EXPECT_TRUE(f->InMemory(contents.size(), 10));  // past the end: nothing to read
}

}  // namespace
}  // namespace lsmdb
