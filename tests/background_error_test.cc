// Background errors: an injected I/O failure in a flush, a compaction, a MANIFEST write
// or the WAL stops writes with an error naming what failed; reads keep returning every
// acknowledged write; Resume() (or a reopen) makes the database writable again with
// nothing acknowledged lost and no partial table installed. A full device clears by
// itself once space returns.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

using Op = MemFileSystem::Op;

// What triggers the work that fails.
enum class Trigger { kFlush, kCompaction, kWrite, kSyncWrite };

struct FaultCase {
  const char* name;
  Fault fault;
  Trigger trigger;
  const char* what;  // expected in the error message
};

class BackgroundErrorTest : public ::testing::Test {
 protected:
  Options MakeOptions() { return test::SmallDBOptions(fs_, /*manual_compactions=*/true); }
  void Open(Options o) { ASSERT_TRUE(DB::Open(o, "/db", &db_).ok()); }
  void Open() { Open(MakeOptions()); }
  void Reopen() {
    db_.reset();
    Open();
  }

  // A put whose outcome is recorded: acknowledged ones in model_, failed ones in
  // failed_ (their keys are never reused, so a failed write is easy to spot).
  Status Put(const std::string& k, const std::string& v, bool sync = false) {
    WriteOptions wo;
    wo.sync = sync;
    Status s = db_->Put(wo, k, v);
    if (s.ok()) {
      model_[k] = v;
    } else {
      failed_[k] = v;
    }
    return s;
  }
  void Fill(int n, const std::string& prefix) {
    for (int i = 0; i < n; i++) {
      char key[32];
      std::snprintf(key, sizeof(key), "%s%06d", prefix.c_str(), i);
      ASSERT_TRUE(Put(key, std::string(100, static_cast<char>('a' + i % 26))).ok());
    }
  }
  std::string BackgroundError() {
    std::string v;
    EXPECT_TRUE(db_->GetProperty("lsmdb.background-error", &v));
    return v;
  }
  int NumFiles(int level) {
    std::string v;
    EXPECT_TRUE(db_->GetProperty("lsmdb.num-files-at-level" + std::to_string(level), &v));
    return std::stoi(v);
  }

  // Every acknowledged write reads back, through Get and a full scan. A failed write is
  // absent, unless may_hold_failed (after a reopen, a WAL record whose sync failed may
  // have survived).
  void CheckData(bool may_hold_failed = false) {
    std::string v;
    for (const auto& [k, want] : model_) {
      Status s = db_->Get(ReadOptions(), k, &v);
      ASSERT_TRUE(s.ok()) << k << ": " << s.ToString();
      ASSERT_EQ(want, v) << k;
    }
    auto it = db_->NewIterator(ReadOptions());
    size_t seen = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string k(it->key());
      auto m = model_.find(k);
      if (m != model_.end()) {
        ASSERT_EQ(m->second, it->value()) << k;
        seen++;
        continue;
      }
      auto f = failed_.find(k);
      ASSERT_TRUE(may_hold_failed && f != failed_.end()) << "unexpected key " << k;
      ASSERT_EQ(f->second, it->value()) << k;
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    ASSERT_EQ(model_.size(), seen);
  }

  // The table files in the directory are exactly the live ones: no partial output is
  // installed, none is left behind.
  void CheckNoStrayTables() {
    std::string sstables;
    ASSERT_TRUE(db_->GetProperty("lsmdb.sstables", &sstables));
    std::set<std::string> live;
    for (size_t pos = sstables.find('#'); pos != std::string::npos;
         pos = sstables.find('#', pos + 1)) {
      live.insert(std::to_string(std::stoull(sstables.substr(pos + 1))));
    }
    std::vector<std::string> names;
    ASSERT_TRUE(fs_->GetChildren("/db", &names).ok());
    std::set<std::string> on_disk;
    for (const auto& n : names) {
      if (n.ends_with(".sst")) on_disk.insert(std::to_string(std::stoull(n)));
    }
    EXPECT_EQ(live, on_disk) << sstables;
  }

  // Makes the fault fire through the chosen work; returns that work's status.
  Status TriggerWork(Trigger t) {
    switch (t) {
      case Trigger::kFlush:
        return db_->Flush();
      case Trigger::kCompaction:
        return db_->CompactRange(nullptr, nullptr);
      case Trigger::kWrite:
        return Put("trigger", "value");
      case Trigger::kSyncWrite:
        return Put("trigger", "value", /*sync=*/true);
    }
    return Status::OK();
  }

  // Data in memtables and, for a compaction, in several L0 tables; then the fault
  // fires; then the error state is checked.
  void RunIntoError(const FaultCase& c) {
    Open();
    Fill(300, "before-");
    if (c.trigger == Trigger::kCompaction) {
      for (int t = 0; t < 4; t++) {
        Fill(200, "l0-" + std::to_string(t) + "-");
        ASSERT_TRUE(db_->Flush().ok());
      }
      ASSERT_GE(NumFiles(0), 4);
    }
    const int l0_before = NumFiles(0);
    ASSERT_TRUE(fs_->InjectFault(c.fault).ok());
    Status s = TriggerWork(c.trigger);
    ASSERT_FALSE(s.ok()) << c.name;
    ASSERT_GT(fs_->FaultsInjected(), 0u);
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_NE(std::string::npos, s.ToString().find(c.what)) << s.ToString();
    // Writes stop with the same error; the property shows it.
    Status w = Put("while-stopped", "x");
    EXPECT_TRUE(w.IsIOError()) << w.ToString();
    EXPECT_NE(std::string::npos, w.ToString().find(c.what)) << w.ToString();
    EXPECT_NE("OK", BackgroundError());
    EXPECT_TRUE(db_->Flush().IsIOError());
    // Reads go on.
    CheckData();
    if (c.trigger == Trigger::kCompaction) {
      EXPECT_EQ(l0_before, NumFiles(0));  // nothing of the failed compaction installed
    }
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::unique_ptr<DB> db_;
  std::map<std::string, std::string> model_;
  std::map<std::string, std::string> failed_;
};

const FaultCase kCases[] = {
    {"TableAppendInFlush", {.op = Op::kAppend, .files = kTableFiles}, Trigger::kFlush, "flush"},
    {"TableSyncInFlush", {.op = Op::kSync, .files = kTableFiles}, Trigger::kFlush, "flush"},
    {"TableShortWriteInFlush",
     {.op = Op::kAppend, .files = kTableFiles, .kind = FaultKind::kShortWrite},
     Trigger::kFlush,
     "flush"},
    {"TableCreateNoSpaceInFlush",
     {.op = Op::kCreate, .files = kTableFiles, .kind = FaultKind::kNoSpace},
     Trigger::kFlush,
     "flush"},
    {"ManifestAppendInFlush",
     {.op = Op::kAppend, .files = kManifestFiles},
     Trigger::kFlush,
     "flush"},
    {"ManifestSyncInFlush", {.op = Op::kSync, .files = kManifestFiles}, Trigger::kFlush, "flush"},
    {"ManifestShortWriteInFlush",
     {.op = Op::kAppend, .files = kManifestFiles, .kind = FaultKind::kShortWrite},
     Trigger::kFlush,
     "flush"},
    {"OutputAppendInCompaction",
     {.op = Op::kAppend, .files = kTableFiles},
     Trigger::kCompaction,
     "compaction"},
    {"OutputSyncInCompaction",
     {.op = Op::kSync, .files = kTableFiles},
     Trigger::kCompaction,
     "compaction"},
    {"OutputAppendAfterSomeInCompaction",
     {.op = Op::kAppend, .files = kTableFiles, .after = 40},
     Trigger::kCompaction,
     "compaction"},
    {"ManifestAppendInCompaction",
     {.op = Op::kAppend, .files = kManifestFiles},
     Trigger::kCompaction,
     "compaction"},
    {"ManifestSyncInCompaction",
     {.op = Op::kSync, .files = kManifestFiles},
     Trigger::kCompaction,
     "compaction"},
    {"WalAppend", {.op = Op::kAppend, .files = kLogFiles}, Trigger::kWrite, "WAL append"},
    {"WalShortWrite",
     {.op = Op::kAppend, .files = kLogFiles, .kind = FaultKind::kShortWrite},
     Trigger::kWrite,
     "WAL append"},
    {"WalSync", {.op = Op::kSync, .files = kLogFiles}, Trigger::kSyncWrite, "WAL sync"},
    {"WalSyncNoSpace",
     {.op = Op::kSync, .files = kLogFiles, .kind = FaultKind::kNoSpace},
     Trigger::kSyncWrite,
     "WAL sync"},
};

TEST_F(BackgroundErrorTest, EveryPathStopsWritesAndResumeRestoresThem) {
  for (const FaultCase& c : kCases) {
    SCOPED_TRACE(c.name);
    RunIntoError(c);
    if (HasFatalFailure()) return;
    // Still failing: Resume reports the error when the work it redoes (a MANIFEST
    // write, a flush) fails again; what it does not redo (a compaction, a WAL write)
    // fails again when next tried. Either way writes stay stopped.
    Status r = db_->Resume();
    if (r.ok()) {
      EXPECT_NE(Trigger::kFlush, c.trigger);
      EXPECT_TRUE(TriggerWork(c.trigger).IsIOError());
    } else {
      EXPECT_TRUE(r.IsIOError()) << r.ToString();
    }
    EXPECT_TRUE(Put("still-stopped", "x").IsIOError());
    fs_->ClearFaults();
    r = db_->Resume();
    ASSERT_TRUE(r.ok()) << r.ToString();
    EXPECT_EQ("OK", BackgroundError());
    EXPECT_EQ(0, std::stoi([&] {
                std::string v;
                EXPECT_TRUE(db_->GetProperty("lsmdb.num-immutable-mem-table", &v));
                return v;
              }()));
    CheckData();
    CheckNoStrayTables();
    Fill(300, "after-");
    ASSERT_TRUE(db_->Flush().ok());
    ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    EXPECT_EQ(0, NumFiles(0));
    CheckData();
    CheckNoStrayTables();
    Options paranoid = MakeOptions();
    paranoid.paranoid_checks = true;  // every live table exists with its recorded size
    db_.reset();
    Open(paranoid);
    CheckData();
    CheckNoStrayTables();
    db_.reset();
    ASSERT_TRUE(DestroyDB("/db", MakeOptions()).ok());
    model_.clear();
    failed_.clear();
  }
}

TEST_F(BackgroundErrorTest, EveryPathReopensWithEveryAcknowledgedWrite) {
  for (const FaultCase& c : kCases) {
    SCOPED_TRACE(c.name);
    RunIntoError(c);
    if (HasFatalFailure()) return;
    fs_->ClearFaults();
    Options paranoid = MakeOptions();
    paranoid.paranoid_checks = true;
    db_.reset();
    Open(paranoid);
    CheckData(/*may_hold_failed=*/true);
    CheckNoStrayTables();  // Open deleted what the failed work left
    Fill(300, "after-");
    ASSERT_TRUE(db_->Flush().ok());
    Reopen();
    CheckData(/*may_hold_failed=*/true);
    db_.reset();
    ASSERT_TRUE(DestroyDB("/db", MakeOptions()).ok());
    model_.clear();
    failed_.clear();
  }
}

TEST_F(BackgroundErrorTest, WalFailureMovesToANewLogAndFlushesBeforeNextWrite) {
  Open();
  Fill(100, "a-");
  ASSERT_TRUE(fs_->InjectFault({.op = Op::kSync, .files = kLogFiles, .once = true}).ok());
  ASSERT_TRUE(Put("lost", "v", /*sync=*/true).IsIOError());
  ASSERT_TRUE(db_->Resume().ok());
  // The memtable that shared the failed log is a table now; the failed record, which is
  // in that log, is gone with it.
  EXPECT_EQ(1, NumFiles(0));
  std::string v;
  EXPECT_TRUE(db_->Get(ReadOptions(), "lost", &v).IsNotFound());
  ASSERT_TRUE(Put("b", "2", /*sync=*/true).ok());
  Reopen();
  CheckData();  // strict: the failed write did not come back
}

TEST_F(BackgroundErrorTest, CorruptionIsNotResumable) {
  Options o = MakeOptions();
  o.paranoid_checks = true;  // the flushed table is read back, through the bit flip
  Open(o);
  Fill(300, "a-");
  ASSERT_TRUE(
      fs_->InjectFault(
             {.op = Op::kRead, .files = kTableFiles, .kind = FaultKind::kBitFlip, .once = true})
          .ok());
  Status s = db_->Flush();
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(1u, fs_->FaultsInjected());
  EXPECT_EQ(0, NumFiles(0));  // not installed
  Status r = db_->Resume();
  EXPECT_TRUE(r.IsCorruption()) << r.ToString();
  EXPECT_TRUE(Put("b", "x").IsCorruption());
  CheckData();
  db_.reset();
  Open(o);
  CheckData(true);
  CheckNoStrayTables();
}

TEST_F(BackgroundErrorTest, NoSpaceClearsByItselfWhenSpaceReturns) {
  Options o = MakeOptions();
  o.max_bgerror_resume_count = 1000000;
  o.bgerror_resume_retry_interval = 1000;  // 1 ms, doubling to 1 s
  Open(o);
  Fill(300, "a-");
  ASSERT_TRUE(
      fs_->InjectFault({.op = Op::kAppend, .files = kTableFiles, .kind = FaultKind::kNoSpace})
          .ok());
  Status s = db_->Flush();
  ASSERT_TRUE(s.IsNoSpace()) << s.ToString();
  // While the device stays full, the automatic retries fail and writes stay stopped.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (fs_->FaultsInjected() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GE(fs_->FaultsInjected(), 4u) << "no automatic retry";
  EXPECT_TRUE(Put("during", "x").IsNoSpace());
  CheckData();
  fs_->ClearFaults();  // space returns
  while (BackgroundError() != "OK" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ("OK", BackgroundError());
  Fill(100, "b-");
  ASSERT_TRUE(db_->Flush().ok());
  CheckData();
  CheckNoStrayTables();
  db_.reset();
  Open(o);
  CheckData();
}

TEST_F(BackgroundErrorTest, WaitingWritersGetTheError) {
  Options o = MakeOptions();
  o.max_write_buffer_number = 2;
  Open(o);
  // The flush of the first full memtable fails: the writer that fills the second one
  // (and would wait for a free memtable) gets the error instead of waiting forever.
  ASSERT_TRUE(fs_->InjectFault({.op = Op::kSync, .files = kTableFiles}).ok());
  Status s;
  for (int i = 0; i < 100000 && s.ok(); i++) {
    s = Put("k" + std::to_string(i), std::string(100, 'v'));
  }
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("flush")) << s.ToString();
  CheckData();
  fs_->ClearFaults();
  ASSERT_TRUE(db_->Resume().ok());
  CheckData();
  ASSERT_TRUE(Put("z", "1").ok());
}

TEST_F(BackgroundErrorTest, ResumeWithoutErrorIsOk) {
  Open();
  EXPECT_TRUE(db_->Resume().ok());
  ASSERT_TRUE(Put("a", "1").ok());
  CheckData();
}

}  // namespace
}  // namespace lsmdb
