// A memtable switch does not sync the old WAL; the new one starts with a LogLink to it
// (docs/format/wal.md §5). These tests build the state that makes this matter: two logs
// on MemFileSystem, the older one's memtable not yet a table (table creation is held by
// a gate, then fails), and check that:
//   - switches never sync a log, and a synced write syncs the older log and the directory
//     first, so a power loss right after it keeps every write up to it;
//   - an older log cut short (as a power loss that wrote back the newer log's pages but
//     not the older log's tail leaves it) recovers a prefix, whatever the cut, in the
//     default and point-in-time modes, and is Corruption in kAbsoluteConsistency;
//   - damage after the last write of an older log (a failed append) is dropped in the
//     default mode, since the next log's link shows nothing was lost.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"
#include "tests/util/test_util.h"
#include "util/random.h"

namespace lsmdb {
namespace {

// Forwards to a MemFileSystem; while closed, creating a table file waits; once opened
// with fail_tables, creating one fails. So a flush can be held at its start and then
// made to fail, keeping its memtable's log needed.
class GatedFileSystem final : public FileSystem {
 public:
  explicit GatedFileSystem(std::shared_ptr<MemFileSystem> base) : base_(std::move(base)) {}

  void Close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
  }
  void Open(bool fail_tables) {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = false;
    fail_tables_ = fail_tables;
    cv_.notify_all();
  }

  Status NewSequentialFile(const std::string& p, std::unique_ptr<SequentialFile>* r) override {
    return base_->NewSequentialFile(p, r);
  }
  Status NewRandomAccessFile(const std::string& p, std::unique_ptr<RandomAccessFile>* r) override {
    return base_->NewRandomAccessFile(p, r);
  }
  Status NewWritableFile(const std::string& p, std::unique_ptr<WritableFile>* r) override {
    if (p.ends_with(".sst")) {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return !closed_; });
      if (fail_tables_) return Status::IOError(p, "table creation failed by the test");
    }
    return base_->NewWritableFile(p, r);
  }
  Status NewWalFile(const std::string& p, std::unique_ptr<WritableFile>* r) override {
    return base_->NewWalFile(p, r);
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
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  Status LockFile(const std::string& p, std::unique_ptr<FileLock>* l) override {
    return base_->LockFile(p, l);
  }

 private:
  const std::shared_ptr<MemFileSystem> base_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  bool fail_tables_ = false;
};

class WalLinkTest : public ::testing::Test {
 protected:
  WalLinkTest()
      : mem_(std::make_shared<MemFileSystem>()), gated_(std::make_shared<GatedFileSystem>(mem_)) {}

  Options MakeOptions(WalRecoveryMode mode = WalRecoveryMode::kTolerateCorruptedTailRecords) {
    Options o = test::SmallDBOptions(gated_, /*manual_compactions=*/true);
    o.wal_recovery_mode = mode;
    o.max_write_buffer_number = kMemTables;
    return o;
  }
  // Up to kMemTables - 1 logs can wait for their flush while the writer goes on.
  static constexpr int kMemTables = 4;

  std::vector<std::string> Logs() {
    std::vector<std::string> names, logs;
    EXPECT_TRUE(mem_->GetChildren("/db", &names).ok());
    for (const auto& n : names) {
      if (n.ends_with(".log")) logs.push_back("/db/" + n);
    }
    std::sort(logs.begin(), logs.end());
    return logs;
  }

  void Put(const std::string& key, bool sync = false) {
    WriteOptions wo;
    wo.sync = sync;
    ASSERT_TRUE(db_->Put(wo, key, std::string(100, 'v') + key).ok()) << key;
    writes_.push_back(key);
  }

  // Opens a fresh database, holds flushes, and writes until the memtable is switched
  // once (the older log's writes are writes_[0, in_first_log_)), then `more` writes into
  // the new log. Leaves the flush waiting at the gate.
  void WriteTwoLogs(int more) {
    ASSERT_TRUE(DB::Open(MakeOptions(), "/db", &db_).ok());
    gated_->Close();
    for (int i = 0; Logs().size() < 2; i++) {
      ASSERT_LT(i, 5000) << "no memtable switch";
      ASSERT_NO_FATAL_FAILURE(Put("a" + std::to_string(10000 + i)));
    }
    // The write that found the memtable full went into the new log.
    in_first_log_ = writes_.size() - 1;
    for (int i = 0; i < more; i++) ASSERT_NO_FATAL_FAILURE(Put("b" + std::to_string(10000 + i)));
  }

  // Fails the held flush and closes the database: both logs stay, unsynced.
  void FailFlushAndClose() {
    gated_->Open(/*fail_tables=*/true);
    db_.reset();
    gated_->Open(/*fail_tables=*/false);
  }

  // The keys the database holds, in key order.
  std::vector<std::string> ReadKeys() {
    std::vector<std::string> keys;
    auto it = db_->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return keys;
  }

  // How many of writes_ (all of distinct keys) the database holds, if they are a prefix
  // of them; -1 if not.
  int RecoveredPrefix() {
    const std::vector<std::string> got = ReadKeys();
    if (got.size() > writes_.size()) return -1;
    std::vector<std::string> want(writes_.begin(), writes_.begin() + got.size());
    std::sort(want.begin(), want.end());
    return want == got ? static_cast<int>(got.size()) : -1;
  }

  std::map<std::string, std::string> SaveFiles() {
    std::map<std::string, std::string> files;
    std::vector<std::string> names;
    EXPECT_TRUE(mem_->GetChildren("/db", &names).ok());
    for (const auto& n : names) {
      EXPECT_TRUE(mem_->ReadFileToString("/db/" + n, &files["/db/" + n]).ok());
    }
    return files;
  }
  void RestoreFiles(const std::map<std::string, std::string>& files) {
    std::vector<std::string> names;
    ASSERT_TRUE(mem_->GetChildren("/db", &names).ok());
    for (const auto& n : names) ASSERT_TRUE(mem_->RemoveFile("/db/" + n).ok());
    for (const auto& [path, data] : files) ASSERT_TRUE(mem_->WriteStringToFile(path, data).ok());
  }
  std::string InfoLog() {
    std::string log;
    EXPECT_TRUE(mem_->ReadFileToString("/db/LOG", &log).ok());
    return log;
  }

  std::shared_ptr<MemFileSystem> mem_;
  std::shared_ptr<GatedFileSystem> gated_;
  std::unique_ptr<DB> db_;
  std::vector<std::string> writes_;
  size_t in_first_log_ = 0;
};

TEST_F(WalLinkTest, SwitchesDoNotSyncTheLogButASyncedWriteSyncsTheOlderOnes) {
  std::map<std::string, int> log_syncs;  // by log file
  int dir_syncs = 0;
  mem_->SetFaultHook([&](MemFileSystem::Op op, const std::string& path) {
    if (op == MemFileSystem::Op::kSync && path.ends_with(".log")) log_syncs[path]++;
    if (op == MemFileSystem::Op::kSyncDir) dir_syncs++;
    return Status::OK();
  });
  ASSERT_NO_FATAL_FAILURE(WriteTwoLogs(/*more=*/20));
  const std::vector<std::string> logs = Logs();
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_TRUE(log_syncs.empty()) << "a switch synced a log";
  const int dir_syncs_before = dir_syncs;

  ASSERT_NO_FATAL_FAILURE(Put("c-synced", /*sync=*/true));
  EXPECT_EQ(log_syncs[logs[0]], 1) << "the older log was not synced";
  EXPECT_EQ(log_syncs[logs[1]], 1);
  EXPECT_EQ(dir_syncs, dir_syncs_before + 1) << "the new log's name was not made durable";
  // Synced once: the next synced write syncs only the current log.
  ASSERT_NO_FATAL_FAILURE(Put("c-synced-2", /*sync=*/true));
  EXPECT_EQ(log_syncs[logs[0]], 1);
  EXPECT_EQ(log_syncs[logs[1]], 2);
  EXPECT_EQ(dir_syncs, dir_syncs_before + 1);
  mem_->SetFaultHook(nullptr);
  FailFlushAndClose();
}

TEST_F(WalLinkTest, APowerLossAfterASyncedWriteKeepsEveryWriteUpToIt) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  for (int round = 0; round < 8; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    ASSERT_TRUE(DestroyDB("/db", MakeOptions()).ok());
    writes_.clear();
    ASSERT_NO_FATAL_FAILURE(WriteTwoLogs(/*more=*/static_cast<int>(rnd.Uniform(40))));
    ASSERT_NO_FATAL_FAILURE(Put("c-synced", /*sync=*/true));
    // Half the rounds keep a random part of each file's unsynced bytes.
    mem_->SimulatePowerLoss(round % 2 == 0 ? nullptr : &rnd);
    FailFlushAndClose();
    mem_->Thaw();
    ASSERT_TRUE(DB::Open(MakeOptions(), "/db", &db_).ok());
    EXPECT_EQ(RecoveredPrefix(), static_cast<int>(writes_.size()));
    db_.reset();
  }
}

// Random writes (some synced) across several switches while no flush finishes, then a
// power loss that keeps a random part of each file's unsynced bytes (and, in half the
// rounds, every file's name): the database holds a prefix of the writes that includes
// the last synced one.
TEST_F(WalLinkTest, RandomPowerLossWithSeveralLogsWaitingForFlush) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  int cut_short = 0;  // rounds that lost writes after the last synced one
  for (int round = 0; round < 100; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    ASSERT_TRUE(DestroyDB("/db", MakeOptions()).ok());
    writes_.clear();
    ASSERT_TRUE(DB::Open(MakeOptions(), "/db", &db_).ok());
    gated_->Close();
    const size_t logs_wanted = 1 + rnd.Uniform(kMemTables);  // 1 .. kMemTables
    size_t required = 0;                                     // writes up to the last synced one
    for (int i = 0; Logs().size() < logs_wanted || rnd.Uniform(200) != 0; i++) {
      ASSERT_LT(i, 20000);
      if (Logs().size() == static_cast<size_t>(kMemTables)) break;  // the next would stall
      const bool sync = rnd.OneIn(64);
      ASSERT_NO_FATAL_FAILURE(Put("k" + std::to_string(100000 + i), sync));
      if (sync) required = writes_.size();
    }
    // A file system commits new names on its own too (ext4 within seconds), so the
    // newer logs may survive while the older logs' unsynced bytes do not.
    if (rnd.OneIn(2)) {
      ASSERT_TRUE(mem_->SyncDir("/db").ok());
    }
    mem_->SimulatePowerLoss(&rnd);
    FailFlushAndClose();
    mem_->Thaw();
    ASSERT_TRUE(DB::Open(MakeOptions(), "/db", &db_).ok());
    const int n = RecoveredPrefix();
    ASSERT_GE(n, static_cast<int>(required)) << "not a prefix, or a synced write was lost";
    if (n < static_cast<int>(writes_.size())) cut_short++;
    db_.reset();
  }
  // The power losses did take unsynced writes (else this test checks nothing).
  EXPECT_GT(cut_short, 0);
}

// Every cut of the older log, as a power loss may leave it when the newer log's pages
// were written back and the older log's tail was not.
TEST_F(WalLinkTest, AnOlderLogCutShortRecoversAPrefixAtEveryCut) {
  ASSERT_NO_FATAL_FAILURE(WriteTwoLogs(/*more=*/30));
  FailFlushAndClose();
  const std::vector<std::string> logs = Logs();
  ASSERT_EQ(logs.size(), 2u);
  const auto files = SaveFiles();
  const std::string first = files.at(logs[0]);
  std::vector<size_t> cuts;
  for (size_t cut = 0; cut < first.size(); cut += 97) cuts.push_back(cut);
  cuts.push_back(first.size() - 1);
  cuts.push_back(first.size());
  for (const WalRecoveryMode mode :
       {WalRecoveryMode::kTolerateCorruptedTailRecords, WalRecoveryMode::kPointInTimeRecovery,
        WalRecoveryMode::kAbsoluteConsistency}) {
    for (size_t cut : cuts) {
      SCOPED_TRACE("mode " + std::to_string(static_cast<int>(mode)) + ", cut at " +
                   std::to_string(cut) + " of " + std::to_string(first.size()));
      ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
      ASSERT_TRUE(mem_->WriteStringToFile(logs[0], first.substr(0, cut)).ok());
      Status s = DB::Open(MakeOptions(mode), "/db", &db_);
      if (mode == WalRecoveryMode::kAbsoluteConsistency && cut < first.size()) {
        EXPECT_TRUE(s.IsCorruption()) << s.ToString();
        continue;
      }
      ASSERT_TRUE(s.ok()) << s.ToString();
      const int n = RecoveredPrefix();
      if (cut == first.size()) {
        EXPECT_EQ(n, static_cast<int>(writes_.size()));
      } else {
        // Nothing of the newer log: its writes came after the ones the cut took.
        EXPECT_GE(n, 0) << "not a prefix of the writes";
        EXPECT_LE(n, static_cast<int>(in_first_log_));
        // The default mode tells a cut older log by the newer one's link (point-in-time
        // recovery stops at the torn record before it gets there).
        if (mode == WalRecoveryMode::kTolerateCorruptedTailRecords) {
          EXPECT_NE(InfoLog().find("unsynced writes were lost"), std::string::npos) << InfoLog();
        }
      }
      db_.reset();
    }
  }
}

TEST_F(WalLinkTest, DamagePastTheLastWriteOfAnOlderLogIsDroppedInTheDefaultMode) {
  ASSERT_NO_FATAL_FAILURE(WriteTwoLogs(/*more=*/30));
  FailFlushAndClose();
  const std::vector<std::string> logs = Logs();
  ASSERT_EQ(logs.size(), 2u);
  auto files = SaveFiles();
  // What a failed append leaves: the start of a record header, after the last write.
  files[logs[0]] += std::string("\x12\x34\x56", 3);

  ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
  ASSERT_TRUE(DB::Open(MakeOptions(), "/db", &db_).ok());
  EXPECT_EQ(RecoveredPrefix(), static_cast<int>(writes_.size()));
  EXPECT_NE(InfoLog().find("past every write of its log"), std::string::npos) << InfoLog();
  db_.reset();

  // Point-in-time recovery stops at the first damage it meets.
  ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
  ASSERT_TRUE(DB::Open(MakeOptions(WalRecoveryMode::kPointInTimeRecovery), "/db", &db_).ok());
  EXPECT_EQ(RecoveredPrefix(), static_cast<int>(in_first_log_));
  db_.reset();

  ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
  EXPECT_TRUE(
      DB::Open(MakeOptions(WalRecoveryMode::kAbsoluteConsistency), "/db", &db_).IsCorruption());
}

// A block of a log lost while later ones reached the disk (a device may persist
// unsynced writes out of order) reads as zeros followed by more records. Replay must not
// go past the hole: Corruption in the default mode, a prefix in point-in-time recovery.
TEST_F(WalLinkTest, AZeroedBlockInsideALogIsNeverReplayedPast) {
  Options options = MakeOptions();
  options.write_buffer_size = 4 << 20;  // one log, no flush
  ASSERT_TRUE(DB::Open(options, "/db", &db_).ok());
  for (int i = 0; i < 1000; i++) ASSERT_NO_FATAL_FAILURE(Put("k" + std::to_string(10000 + i)));
  db_.reset();
  const std::vector<std::string> logs = Logs();
  ASSERT_EQ(logs.size(), 1u);
  auto files = SaveFiles();
  std::string& log = files[logs[0]];
  constexpr size_t kBlock = 32768;
  ASSERT_GT(log.size(), 3 * kBlock);
  std::fill(log.begin() + kBlock, log.begin() + 2 * kBlock, '\0');

  ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
  Status s = DB::Open(options, "/db", &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find(".log"), std::string::npos) << s.ToString();
  db_.reset();

  ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
  options.wal_recovery_mode = WalRecoveryMode::kPointInTimeRecovery;
  ASSERT_TRUE(DB::Open(options, "/db", &db_).ok());
  const int n = RecoveredPrefix();
  EXPECT_GT(n, 0);
  EXPECT_LT(n, 1000 * 3 / 4);  // nothing after the hole
}

// Regression (issue 16.5): an older log truncated, zeroed or deleted used to drop the
// intact newer log silently, synced writes included. A synced write in the newer log
// first synced the older one and wrote a sync mark, so a shortfall of the older log is
// damage: Corruption in the default and strict modes; point-in-time recovery keeps a
// prefix without any of the newer log's writes.
TEST_F(WalLinkTest, AnOlderLogDamagedBeforeASyncedWriteInTheNewerIsCorruption) {
  ASSERT_NO_FATAL_FAILURE(WriteTwoLogs(/*more=*/30));
  ASSERT_NO_FATAL_FAILURE(Put("c-synced", /*sync=*/true));
  FailFlushAndClose();
  const std::vector<std::string> logs = Logs();
  ASSERT_EQ(logs.size(), 2u);
  const auto files = SaveFiles();
  const std::string first = files.at(logs[0]);
  struct Damage {
    const char* name;
    std::string older;  // the older log's new contents
  };
  const Damage damages[] = {
      {"truncated to half", first.substr(0, first.size() / 2)},
      {"cut by one byte", first.substr(0, first.size() - 1)},
      {"truncated to nothing", ""},
      {"zeroed", std::string(first.size(), '\0')},
  };
  for (const Damage& d : damages) {
    SCOPED_TRACE(d.name);
    for (const WalRecoveryMode mode :
         {WalRecoveryMode::kTolerateCorruptedTailRecords, WalRecoveryMode::kAbsoluteConsistency}) {
      ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
      ASSERT_TRUE(mem_->WriteStringToFile(logs[0], d.older).ok());
      Status s = DB::Open(MakeOptions(mode), "/db", &db_);
      EXPECT_TRUE(s.IsCorruption()) << s.ToString();
      db_.reset();
    }
    ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
    ASSERT_TRUE(mem_->WriteStringToFile(logs[0], d.older).ok());
    ASSERT_TRUE(DB::Open(MakeOptions(WalRecoveryMode::kPointInTimeRecovery), "/db", &db_).ok());
    const int n = RecoveredPrefix();
    EXPECT_GE(n, 0) << "not a prefix of the writes";
    EXPECT_LE(n, static_cast<int>(in_first_log_));
    db_.reset();
  }
  // Without damage every write is there.
  ASSERT_NO_FATAL_FAILURE(RestoreFiles(files));
  ASSERT_TRUE(DB::Open(MakeOptions(), "/db", &db_).ok());
  EXPECT_EQ(RecoveredPrefix(), static_cast<int>(writes_.size()));
}

// Regression (issue 16.5): a deleted older log is never a power loss (a log is deleted
// only after the MANIFEST edit that makes it obsolete is synced), synced writes or not.
TEST_F(WalLinkTest, ADeletedOlderLogIsCorruption) {
  for (const bool synced : {false, true}) {
    SCOPED_TRACE(synced ? "after a synced write" : "no synced write");
    ASSERT_TRUE(DestroyDB("/db", MakeOptions()).ok());
    writes_.clear();
    ASSERT_NO_FATAL_FAILURE(WriteTwoLogs(/*more=*/30));
    if (synced) {
      ASSERT_NO_FATAL_FAILURE(Put("c-synced", /*sync=*/true));
    }
    FailFlushAndClose();
    const std::vector<std::string> logs = Logs();
    ASSERT_EQ(logs.size(), 2u);
    ASSERT_TRUE(mem_->RemoveFile(logs[0]).ok());
    for (const WalRecoveryMode mode :
         {WalRecoveryMode::kTolerateCorruptedTailRecords, WalRecoveryMode::kPointInTimeRecovery}) {
      Status s = DB::Open(MakeOptions(mode), "/db", &db_);
      EXPECT_TRUE(s.IsCorruption()) << s.ToString();
      EXPECT_NE(s.ToString().find("missing"), std::string::npos) << s.ToString();
      db_.reset();
    }
  }
}

// The sync mark is written once per log, by the first synced write that syncs older
// logs, and only after they are synced.
TEST_F(WalLinkTest, ASyncMarkFollowsTheSyncOfTheOlderLogs) {
  ASSERT_NO_FATAL_FAILURE(WriteTwoLogs(/*more=*/5));
  const std::vector<std::string> logs = Logs();
  ASSERT_EQ(logs.size(), 2u);
  // The order of appends to the newer log and syncs of the older one (the hook runs
  // under the file system's lock, so it only records).
  std::vector<std::string> ops;
  mem_->SetFaultHook([&](MemFileSystem::Op op, const std::string& path) {
    if (op == MemFileSystem::Op::kSync && path == logs[0]) ops.push_back("sync older");
    if (op == MemFileSystem::Op::kAppend && path == logs[1]) ops.push_back("append newer");
    return Status::OK();
  });
  std::string before;
  ASSERT_TRUE(mem_->ReadFileToString(logs[1], &before).ok());
  ASSERT_NO_FATAL_FAILURE(Put("c-synced", /*sync=*/true));
  ASSERT_NO_FATAL_FAILURE(Put("c-synced-2", /*sync=*/true));
  mem_->SetFaultHook(nullptr);
  ASSERT_FALSE(ops.empty());
  // Nothing was added to the newer log before the older one was synced, once.
  EXPECT_EQ(ops.front(), "sync older");
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "sync older"), 1);
  std::string after;
  ASSERT_TRUE(mem_->ReadFileToString(logs[1], &after).ok());
  // One mark: 7-byte header + 13-byte record, then the two batches' records.
  const std::string mark = std::string(8, '\0') + std::string(4, '\0') + "S";
  EXPECT_EQ(after.substr(before.size() + 7, mark.size()), mark);
  size_t marks = 0;
  for (size_t at = after.find(mark); at != std::string::npos; at = after.find(mark, at + 1)) {
    marks++;
  }
  EXPECT_EQ(marks, 1u);
  FailFlushAndClose();
}

}  // namespace
}  // namespace lsmdb
