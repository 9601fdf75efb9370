// Damage that no power loss produces is reported, never taken for a torn write
// (docs/format/wal.md §5): a bit flip in the newest log with intact records after it, and
// a MANIFEST cut short whose lost edits had been synced (their logs and tables deleted).
// Older logs truncated, zeroed or deleted: tests/wal_link_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"

namespace lsmdb {
namespace {

class RecoveryDamageTest : public ::testing::Test {
 public:
  RecoveryDamageTest() : mem_(std::make_shared<MemFileSystem>()) {}

  Options MakeOptions(WalRecoveryMode mode = WalRecoveryMode::kTolerateCorruptedTailRecords) {
    Options o = test::SmallDBOptions(mem_, /*manual_compactions=*/true);
    o.wal_recovery_mode = mode;
    return o;
  }

  static std::string Key(int i) { return "key" + std::to_string(100000 + i); }
  static std::string Value(int i, int phase) {
    return "v" + std::to_string(phase) + "-" + std::to_string(i) + std::string(90, 'x');
  }

  std::vector<std::string> Files(const std::string& suffix) {
    std::vector<std::string> names, out;
    EXPECT_TRUE(mem_->GetChildren("/db", &names).ok());
    for (const auto& n : names) {
      if (n.ends_with(suffix) || n.starts_with(suffix)) out.push_back("/db/" + n);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string Read(const std::string& path) {
    std::string data;
    EXPECT_TRUE(mem_->ReadFileToString(path, &data).ok()) << path;
    return data;
  }
  void Write(const std::string& path, const std::string& data) {
    ASSERT_TRUE(mem_->WriteStringToFile(path, data).ok()) << path;
  }
  std::string InfoLog() { return Read("/db/LOG"); }

  // How many of keys 0..n-1 hold the value of `phase`, checking that the others are
  // absent (a prefix of the writes, one key each).
  int PrefixHeld(int n, int phase) {
    int held = 0;
    bool gap = false;
    for (int i = 0; i < n; i++) {
      std::string v;
      Status s = db_->Get(ReadOptions(), Key(i), &v);
      if (s.ok()) {
        EXPECT_FALSE(gap) << "not a prefix at " << i;
        EXPECT_EQ(v, Value(i, phase));
        held++;
      } else {
        EXPECT_TRUE(s.IsNotFound()) << s.ToString();
        gap = true;
      }
    }
    return held;
  }

  std::shared_ptr<MemFileSystem> mem_;
  std::unique_ptr<DB> db_;
};

// Regression (issue 16.3): 300 synced writes, a clean close, one bit flipped in the middle
// of the last block of the log. The default Open used to drop the 39 intact records after
// it as a torn tail, with only a LOG line.
TEST_F(RecoveryDamageTest, ABitFlipInTheNewestLogWithIntactRecordsAfterItIsCorruption) {
  Options options = MakeOptions();
  options.write_buffer_size = 4 << 20;  // one log, no flush
  ASSERT_TRUE(DB::Open(options, "/db", &db_).ok());
  WriteOptions sync;
  sync.sync = true;
  for (int i = 0; i < 300; i++) ASSERT_TRUE(db_->Put(sync, Key(i), Value(i, 0)).ok());
  db_.reset();
  const std::vector<std::string> logs = Files(".log");
  ASSERT_EQ(logs.size(), 1u);
  const std::string intact = Read(logs[0]);
  ASSERT_GT(intact.size(), 33000u + 2000u);
  std::string damaged = intact;
  damaged[33000] ^= 0x08;
  ASSERT_NO_FATAL_FAILURE(Write(logs[0], damaged));

  Status s = DB::Open(options, "/db", &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find(".log"), std::string::npos) << s.ToString();
  db_.reset();

  // Point-in-time recovery keeps the prefix before the damage and says what it left.
  options.wal_recovery_mode = WalRecoveryMode::kPointInTimeRecovery;
  ASSERT_TRUE(DB::Open(options, "/db", &db_).ok());
  const int held = PrefixHeld(300, 0);
  EXPECT_GT(held, 200);
  EXPECT_LT(held, 300);
  EXPECT_NE(InfoLog().find("records after it left behind"), std::string::npos) << InfoLog();
  EXPECT_EQ(InfoLog().find("(0 records after it left behind)"), std::string::npos) << InfoLog();
}

// The same flip in the final record (nothing valid after it) is still what a crash in
// the middle of a write leaves: dropped in the default mode.
TEST_F(RecoveryDamageTest, ABitFlipInTheLastRecordOfTheNewestLogIsDropped) {
  Options options = MakeOptions();
  options.write_buffer_size = 4 << 20;
  ASSERT_TRUE(DB::Open(options, "/db", &db_).ok());
  for (int i = 0; i < 300; i++) ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), Value(i, 0)).ok());
  db_.reset();
  const std::vector<std::string> logs = Files(".log");
  ASSERT_EQ(logs.size(), 1u);
  std::string log = Read(logs[0]);
  log[log.size() - 20] ^= 0x08;
  ASSERT_NO_FATAL_FAILURE(Write(logs[0], log));
  ASSERT_TRUE(DB::Open(options, "/db", &db_).ok());
  EXPECT_EQ(PrefixHeld(300, 0), 299);
}

// Several flushes (each deleting the log it made obsolete) and a compaction, then more
// writes in the newest log.
void BuildFlushedDatabase(RecoveryDamageTest* t, const Options& options, std::unique_ptr<DB>* db) {
  ASSERT_TRUE(DB::Open(options, "/db", db).ok());
  for (int phase = 0; phase < 4; phase++) {
    for (int i = 0; i < 200; i++) {
      ASSERT_TRUE((*db)->Put(WriteOptions(), t->Key(i), t->Value(i, phase)).ok());
    }
    ASSERT_TRUE((*db)->Flush().ok());
    if (phase == 1) {
      ASSERT_TRUE((*db)->CompactRange(nullptr, nullptr).ok());
    }
  }
  for (int i = 0; i < 100; i++) {
    ASSERT_TRUE((*db)->Put(WriteOptions(), t->Key(i), t->Value(i, 4)).ok());
  }
  db->reset();
}

// Regression (issue 16.4): the default Open ignored the cut last edit as torn, then
// dropped the newest log as "cut by a power loss", because the log it links to had been
// deleted after that edit was synced: a silent rollback.
TEST_F(RecoveryDamageTest, AManifestCutByOneByteIsCorruption) {
  ASSERT_NO_FATAL_FAILURE(BuildFlushedDatabase(this, MakeOptions(), &db_));
  const std::vector<std::string> manifests = Files("MANIFEST-");
  ASSERT_EQ(manifests.size(), 1u);
  const std::string manifest = Read(manifests[0]);
  ASSERT_NO_FATAL_FAILURE(Write(manifests[0], manifest.substr(0, manifest.size() - 1)));
  for (const WalRecoveryMode mode :
       {WalRecoveryMode::kTolerateCorruptedTailRecords, WalRecoveryMode::kPointInTimeRecovery}) {
    Status s = DB::Open(MakeOptions(mode), "/db", &db_);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_NE(s.ToString().find("MANIFEST"), std::string::npos) << s.ToString();
    db_.reset();
  }
  // Nothing was deleted: with the MANIFEST restored, every write is there.
  ASSERT_NO_FATAL_FAILURE(Write(manifests[0], manifest));
  ASSERT_TRUE(DB::Open(MakeOptions(), "/db", &db_).ok());
  EXPECT_EQ(PrefixHeld(100, 4), 100);
}

// Regression (issue 16.4): cut to half, the MANIFEST opened and Gets answered NotFound.
TEST_F(RecoveryDamageTest, AManifestCutToHalfIsCorruption) {
  ASSERT_NO_FATAL_FAILURE(BuildFlushedDatabase(this, MakeOptions(), &db_));
  const std::vector<std::string> manifests = Files("MANIFEST-");
  ASSERT_EQ(manifests.size(), 1u);
  const std::string manifest = Read(manifests[0]);
  ASSERT_NO_FATAL_FAILURE(Write(manifests[0], manifest.substr(0, manifest.size() / 2)));
  Status s = DB::Open(MakeOptions(), "/db", &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

// A torn MANIFEST tail with every table it names present is an edit a power loss cut
// before its sync: it opens (and replays the logs the edit would have made obsolete).
TEST_F(RecoveryDamageTest, ATornLastEditThatNothingActedOnStillOpens) {
  ASSERT_NO_FATAL_FAILURE(BuildFlushedDatabase(this, MakeOptions(), &db_));
  const std::vector<std::string> manifests = Files("MANIFEST-");
  ASSERT_EQ(manifests.size(), 1u);
  // A partial extra edit: what an append cut before its sync leaves.
  const std::string torn("\x01\x02\x03\x04\x40\x00\x01\x05", 8);
  ASSERT_NO_FATAL_FAILURE(Write(manifests[0], Read(manifests[0]) + torn));
  ASSERT_TRUE(DB::Open(MakeOptions(), "/db", &db_).ok());
  EXPECT_EQ(PrefixHeld(100, 4), 100);
}

}  // namespace
}  // namespace lsmdb
