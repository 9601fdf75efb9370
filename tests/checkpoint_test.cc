// DB::CreateCheckpoint: the checkpoint holds the source's contents (tables in every
// level, L0, memtables, deletions and range deletions), opens writable and read-only,
// holds a prefix of a concurrent writer's writes including every acknowledged one, is
// independent of the source (tables linked, MANIFEST written anew), refuses an existing
// target, and never leaves a partial checkpoint under its name.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "io/file_util.h"
#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"
#include "tests/util/gated_file_system.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

namespace stdfs = std::filesystem;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%07d", i);
  return buf;
}
std::string Value(int i) { return "value-" + std::to_string(i) + std::string(80, 'v'); }

std::map<std::string, std::string> Contents(DB* db) {
  std::map<std::string, std::string> out;
  auto it = db->NewIterator({});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out[std::string(it->key())] = std::string(it->value());
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

Status OpenExisting(const std::shared_ptr<FileSystem>& fs, const std::string& path,
                    std::unique_ptr<DB>* db, bool read_only = false) {
  Options o;
  o.file_system = fs;
  return read_only ? DB::OpenForReadOnly(o, path, db) : DB::Open(o, path, db);
}

// A database on fs with tables in L1 and deeper, L0 tables, and writes only in the
// memtable, with deletions and a range deletion at each stage.
void Populate(DB* db) {
  for (int i = 0; i < 3000; i++) ASSERT_TRUE(db->Put({}, Key(i), Value(i)).ok());
  for (int i = 0; i < 3000; i += 10) ASSERT_TRUE(db->Delete({}, Key(i)).ok());
  ASSERT_TRUE(db->CompactRange(nullptr, nullptr).ok());
  for (int i = 3000; i < 4000; i++) ASSERT_TRUE(db->Put({}, Key(i), Value(i)).ok());
  ASSERT_TRUE(db->DeleteRange({}, Key(100), Key(200)).ok());
  ASSERT_TRUE(db->Flush().ok());
  for (int i = 0; i < 4000; i += 7) ASSERT_TRUE(db->Put({}, Key(i), "new" + Value(i)).ok());
  ASSERT_TRUE(db->Delete({}, Key(3001)).ok());
  ASSERT_TRUE(db->DeleteRange({}, Key(500), Key(520)).ok());
  std::string l0;
  ASSERT_TRUE(db->GetProperty("lsmdb.num-files-at-level0", &l0));
  ASSERT_NE(l0, "0");
}

class CheckpointTest : public ::testing::TestWithParam<bool> {  // flush_before
 protected:
  void SetUp() override {
    fs_ = std::make_shared<MemFileSystem>();
    ASSERT_TRUE(DB::Open(test::SmallDBOptions(fs_, true), "/db", &db_).ok());
  }
  CheckpointOptions Opts() const {
    CheckpointOptions c;
    c.flush_before = GetParam();
    return c;
  }
  std::shared_ptr<MemFileSystem> fs_;
  std::unique_ptr<DB> db_;
};

TEST_P(CheckpointTest, HoldsTheSourceContents) {
  Populate(db_.get());
  const auto expected = Contents(db_.get());
  ASSERT_FALSE(expected.empty());
  Status s = db_->CreateCheckpoint(Opts(), "/ckpt");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(fs_->FileExists("/ckpt.tmp"));
  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren("/ckpt", &names).ok());
  for (const auto& n : names) EXPECT_FALSE(n.ends_with(".log")) << n;
  for (bool read_only : {true, false}) {
    std::unique_ptr<DB> copy;
    s = OpenExisting(fs_, "/ckpt", &copy, read_only);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Contents(copy.get()), expected);
    std::string v;
    EXPECT_TRUE(copy->Get({}, Key(150), &v).IsNotFound());
    EXPECT_TRUE(copy->Get({}, Key(3001), &v).IsNotFound());
    ASSERT_TRUE(copy->Get({}, Key(7), &v).ok());
    EXPECT_EQ(v, "new" + Value(7));
  }
  // The source goes on working.
  ASSERT_TRUE(db_->Put({}, "after", "x").ok());
  ASSERT_TRUE(db_->Flush().ok());
  std::string v;
  ASSERT_TRUE(db_->Get({}, "after", &v).ok());
}

TEST_P(CheckpointTest, IndependentOfTheSource) {
  Populate(db_.get());
  const auto at_checkpoint = Contents(db_.get());
  ASSERT_TRUE(db_->CreateCheckpoint(Opts(), "/ckpt").ok());
  // The source changes: new writes, a compaction that deletes the tables the
  // checkpoint names.
  for (int i = 0; i < 4000; i += 3) ASSERT_TRUE(db_->Put({}, Key(i), "later").ok());
  ASSERT_TRUE(db_->DeleteRange({}, Key(0), Key(50)).ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  const auto source_now = Contents(db_.get());
  {
    std::unique_ptr<DB> copy;
    ASSERT_TRUE(OpenExisting(fs_, "/ckpt", &copy).ok());
    EXPECT_EQ(Contents(copy.get()), at_checkpoint);
    // The checkpoint changes: the source does not see it.
    for (int i = 0; i < 4000; i += 5) ASSERT_TRUE(copy->Put({}, Key(i), "copy").ok());
    ASSERT_TRUE(copy->Delete({}, Key(1)).ok());
    ASSERT_TRUE(copy->CompactRange(nullptr, nullptr).ok());
  }
  EXPECT_EQ(Contents(db_.get()), source_now);
  db_.reset();
  ASSERT_TRUE(OpenExisting(fs_, "/db", &db_).ok());
  EXPECT_EQ(Contents(db_.get()), source_now);
  std::unique_ptr<DB> copy;
  ASSERT_TRUE(OpenExisting(fs_, "/ckpt", &copy).ok());
  std::string v;
  ASSERT_TRUE(copy->Get({}, Key(5), &v).ok());
  EXPECT_EQ(v, "copy");
}

TEST_P(CheckpointTest, ExistingTargetIsRefusedAndLeftAlone) {
  Populate(db_.get());
  ASSERT_TRUE(fs_->CreateDirIfMissing("/taken").ok());
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "mine", "/taken/file", true).ok());
  Status s = db_->CreateCheckpoint(Opts(), "/taken");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren("/taken", &names).ok());
  EXPECT_EQ(names, std::vector<std::string>{"file"});
  EXPECT_FALSE(fs_->FileExists("/taken.tmp"));
  // A file, an empty directory, a trailing slash: all exist.
  EXPECT_TRUE(db_->CreateCheckpoint(Opts(), "/taken/file").IsInvalidArgument());
  ASSERT_TRUE(fs_->CreateDirIfMissing("/empty").ok());
  EXPECT_TRUE(db_->CreateCheckpoint(Opts(), "/empty/").IsInvalidArgument());
  EXPECT_TRUE(db_->CreateCheckpoint(Opts(), "").IsInvalidArgument());
  std::string v;
  ASSERT_TRUE(db_->Put({}, "still", "writable").ok());
  ASSERT_TRUE(db_->Get({}, "still", &v).ok());
}

TEST_P(CheckpointTest, LeftoverStagingDirectory) {
  Populate(db_.get());
  const auto expected = Contents(db_.get());
  // What a crash during a checkpoint leaves: removed, then the checkpoint is made.
  ASSERT_TRUE(fs_->CreateDirIfMissing("/ckpt.tmp").ok());
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "partial", "/ckpt.tmp/000009.sst", true).ok());
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "partial", "/ckpt.tmp/MANIFEST-000010", true).ok());
  Status s = db_->CreateCheckpoint(Opts(), "/ckpt");
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<DB> copy;
  ASSERT_TRUE(OpenExisting(fs_, "/ckpt", &copy).ok());
  EXPECT_EQ(Contents(copy.get()), expected);
  // A staging name holding something a checkpoint never writes is not deleted.
  ASSERT_TRUE(fs_->CreateDirIfMissing("/other.tmp").ok());
  ASSERT_TRUE(WriteStringToFile(fs_.get(), "keep", "/other.tmp/notes.txt", true).ok());
  s = db_->CreateCheckpoint(Opts(), "/other");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_TRUE(fs_->FileExists("/other.tmp/notes.txt"));
  EXPECT_FALSE(fs_->FileExists("/other"));
}

TEST_P(CheckpointTest, ReadOnlyHandleCheckpointsWhatItSees) {
  Populate(db_.get());
  const auto expected = Contents(db_.get());
  db_.reset();  // the memtable's writes are now only in the log
  std::unique_ptr<DB> ro;
  ASSERT_TRUE(OpenExisting(fs_, "/db", &ro, /*read_only=*/true).ok());
  Status s = ro->CreateCheckpoint(Opts(), "/ckpt");
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<DB> copy;
  ASSERT_TRUE(OpenExisting(fs_, "/ckpt", &copy).ok());
  EXPECT_EQ(Contents(copy.get()), expected);
}

// A failure at any file-system operation of the checkpoint leaves no directory under the
// checkpoint's name and no staging directory; the source is untouched and a retry works.
TEST_P(CheckpointTest, FailureAtAnyStepLeavesNothing) {
  Populate(db_.get());
  const auto expected = Contents(db_.get());
  bool succeeded = false;
  for (int fail_at = 0; fail_at < 200 && !succeeded; fail_at++) {
    const std::string dir = "/ckpt" + std::to_string(fail_at);
    int seen = 0;
    fs_->SetFaultHook([&](MemFileSystem::Op op, const std::string& path) {
      if (!path.starts_with(dir) || op == MemFileSystem::Op::kRemove) return Status::OK();
      return seen++ == fail_at ? Status::IOError(path, "injected") : Status::OK();
    });
    Status s = db_->CreateCheckpoint(Opts(), dir);
    fs_->SetFaultHook(nullptr);
    EXPECT_FALSE(fs_->FileExists(dir + ".tmp")) << fail_at;
    if (s.ok()) {
      succeeded = true;
      std::unique_ptr<DB> copy;
      ASSERT_TRUE(OpenExisting(fs_, dir, &copy).ok());
      EXPECT_EQ(Contents(copy.get()), expected);
    } else {
      EXPECT_TRUE(s.IsIOError()) << s.ToString();
      EXPECT_FALSE(fs_->FileExists(dir)) << fail_at << ": " << s.ToString();
    }
  }
  EXPECT_TRUE(succeeded);
  EXPECT_EQ(Contents(db_.get()), expected);
}

INSTANTIATE_TEST_SUITE_P(FlushBefore, CheckpointTest, ::testing::Bool(),
                         [](const auto& param_info) {
                           return param_info.param ? "Flush" : "NoFlush";
                         });

// A writer keeps writing numbered keys (one per Put, in order) while checkpoints are
// taken: each checkpoint holds keys 0..m-1 and no other, with m at least the number of
// writes acknowledged before the call.
void CheckpointsBesideAWriter(const std::shared_ptr<FileSystem>& fs, const std::string& base,
                              bool flush_before) {
  Options o = test::SmallDBOptions(fs, /*manual_compactions=*/false);
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(o, base + "/db", &db).ok());
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); i++) {
      WriteBatch b;  // two keys per batch: a checkpoint holds both or neither
      b.Put(Key(2 * i), Value(2 * i));
      b.Put(Key(2 * i + 1), Value(2 * i + 1));
      if (!db->Write({}, &b).ok()) return;
      acked.store(2 * i + 2);
    }
  });
  CheckpointOptions c;
  c.flush_before = flush_before;
  for (int round = 0; round < 6; round++) {
    while (acked.load() < 1500 * (round + 1)) std::this_thread::yield();
    const int before = acked.load();
    const std::string dir = base + "/ckpt" + std::to_string(round);
    Status s = db->CreateCheckpoint(c, dir);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::unique_ptr<DB> copy;
    s = OpenExisting(fs, dir, &copy, /*read_only=*/round % 2 == 0);
    ASSERT_TRUE(s.ok()) << s.ToString();
    int m = 0;
    auto it = copy->NewIterator({});
    for (it->SeekToFirst(); it->Valid(); it->Next(), m++) {
      ASSERT_EQ(it->key(), Key(m)) << "round " << round;
      ASSERT_EQ(it->value(), Value(m));
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    EXPECT_GE(m, before) << "round " << round;
    EXPECT_EQ(m % 2, 0) << "a batch split by the checkpoint";
    if (round % 2 == 1 && m > 0) {
      // A write to the checkpoint takes a sequence above every entry it holds.
      ASSERT_TRUE(copy->Put({}, Key(m - 1), "overwritten").ok());
      std::string v;
      ASSERT_TRUE(copy->Get({}, Key(m - 1), &v).ok());
      EXPECT_EQ(v, "overwritten");
    }
  }
  stop.store(true);
  writer.join();
}

TEST(CheckpointConcurrencyTest, MemFileSystemBesideAWriter) {
  CheckpointsBesideAWriter(std::make_shared<MemFileSystem>(), "", false);
}

TEST(CheckpointConcurrencyTest, PosixBesideAWriter) {
  test::TempDir tmp;
  CheckpointsBesideAWriter(FileSystem::Default(), tmp.path(), true);
}

// Forwards to a base FileSystem; calls on_create (once) when a table file whose path
// starts with prefix is created, before creating it.
class CreateHookFileSystem final : public FileSystem {
 public:
  CreateHookFileSystem(std::shared_ptr<FileSystem> base, std::string prefix,
                       std::function<void()> on_create)
      : base_(std::move(base)), prefix_(std::move(prefix)), on_create_(std::move(on_create)) {}

  Status NewWritableFile(const std::string& p, std::unique_ptr<WritableFile>* r) override {
    if (p.starts_with(prefix_) && p.ends_with(".sst") && on_create_) {
      auto fn = std::move(on_create_);
      on_create_ = nullptr;
      fn();
    }
    return base_->NewWritableFile(p, r);
  }
  Status NewWalFile(const std::string& p, std::unique_ptr<WritableFile>* r) override {
    return base_->NewWalFile(p, r);
  }
  Status NewSequentialFile(const std::string& p, std::unique_ptr<SequentialFile>* r) override {
    return base_->NewSequentialFile(p, r);
  }
  Status NewRandomAccessFile(const std::string& p, std::unique_ptr<RandomAccessFile>* r) override {
    return base_->NewRandomAccessFile(p, r);
  }
  bool FileExists(const std::string& p) override { return base_->FileExists(p); }
  Status GetChildren(const std::string& d, std::vector<std::string>* n) override {
    return base_->GetChildren(d, n);
  }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Status CreateDirIfMissing(const std::string& d) override { return base_->CreateDirIfMissing(d); }
  Status RemoveDir(const std::string& d) override { return base_->RemoveDir(d); }
  Status GetFileSize(const std::string& p, uint64_t* s) override {
    return base_->GetFileSize(p, s);
  }
  Status RenameFile(const std::string& s, const std::string& d) override {
    return base_->RenameFile(s, d);
  }
  Status LinkFile(const std::string& s, const std::string& d) override {
    return base_->LinkFile(s, d);
  }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  Status LockFile(const std::string& p, std::unique_ptr<FileLock>* l) override {
    return base_->LockFile(p, l);
  }

 private:
  const std::shared_ptr<FileSystem> base_;
  const std::string prefix_;
  std::function<void()> on_create_;  // used by the checkpointing thread only
};

// Writes made while the checkpoint writes the memtables' table (after the moment it
// took) are left out, and the checkpoint's next sequence is above all it holds.
TEST(CheckpointSequenceTest, WritesDuringTheCallAreLeftOut) {
  auto mem = std::make_shared<MemFileSystem>();
  DB* source = nullptr;
  auto fs = std::make_shared<CreateHookFileSystem>(mem, "/ckpt.tmp/", [&] {
    for (int i = 0; i < 100; i++) ASSERT_TRUE(source->Put({}, Key(i), "late").ok());
    ASSERT_TRUE(source->DeleteRange({}, Key(0), Key(1000)).ok());
  });
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(test::SmallDBOptions(fs, true), "/db", &db).ok());
  source = db.get();
  for (int i = 0; i < 50; i++) ASSERT_TRUE(db->Put({}, Key(i), Value(i)).ok());
  const auto expected = Contents(db.get());
  CheckpointOptions c;
  c.flush_before = false;
  Status s = db->CreateCheckpoint(c, "/ckpt");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Contents(db.get()).empty());  // the source did take the late writes
  std::unique_ptr<DB> copy;
  ASSERT_TRUE(OpenExisting(mem, "/ckpt", &copy).ok());
  EXPECT_EQ(Contents(copy.get()), expected);
  // Later writes to the checkpoint take sequences after every entry it holds: if the
  // late writes were in it (above its last sequence), these would uncover them.
  for (int i = 0; i < 300; i++) ASSERT_TRUE(copy->Put({}, "other" + std::to_string(i), "x").ok());
  ASSERT_TRUE(copy->Put({}, Key(1), "after").ok());
  auto now = Contents(copy.get());
  for (int i = 0; i < 300; i++) now.erase("other" + std::to_string(i));
  auto want = expected;
  want[Key(1)] = "after";
  EXPECT_EQ(now, want);
}

ino_t Inode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

// On the POSIX file system tables are hard links and everything else is a new file;
// a file system without links gets copies; both open and verify alike.
void PosixCheckpoint(bool links) {
  test::TempDir tmp;
  const std::string src = tmp.path() + "/db", dst = tmp.path() + "/ckpt";
  std::shared_ptr<FileSystem> fs = FileSystem::Default();
  if (!links) fs = std::make_shared<test::GatedFileSystem>(fs);  // forwards no LinkFile
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(test::SmallDBOptions(fs, true), src, &db).ok());
  Populate(db.get());
  const auto expected = Contents(db.get());
  ASSERT_TRUE(db->CreateCheckpoint(dst).ok());
  int tables = 0;
  for (const auto& e : stdfs::directory_iterator(dst)) {
    const std::string name = e.path().filename();
    if (e.path().extension() == ".sst" && stdfs::exists(src + "/" + name)) {
      tables++;
      EXPECT_EQ(Inode(e.path()) == Inode(src + "/" + name), links) << name;
    } else if (stdfs::exists(src + "/" + name)) {
      EXPECT_NE(Inode(e.path()), Inode(src + "/" + name)) << name;
    }
  }
  EXPECT_GT(tables, 0);
  std::unique_ptr<DB> copy;
  ASSERT_TRUE(DB::Open(Options(), dst, &copy).ok());
  EXPECT_EQ(Contents(copy.get()), expected);
}

TEST(CheckpointPosixTest, TablesAreHardLinked) { PosixCheckpoint(true); }
TEST(CheckpointPosixTest, TablesAreCopiedWithoutLinks) { PosixCheckpoint(false); }

}  // namespace
}  // namespace lsmdb
