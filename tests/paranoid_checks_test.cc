// Options::paranoid_checks (missing or resized tables on open, a damaged WAL tail, new
// tables read back before they are installed) and bit flips injected on read (a
// checksum catches every one: Corruption, never a wrong value).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "db/log_link.h"
#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"
#include "tests/util/test_util.h"
#include "version/filename.h"
#include "wal/log_writer.h"

namespace lsmdb {
namespace {

using Op = MemFileSystem::Op;

class ParanoidChecksTest : public ::testing::Test {
 protected:
  Options MakeOptions(bool paranoid) {
    Options o = test::SmallDBOptions(fs_, /*manual_compactions=*/true);
    o.paranoid_checks = paranoid;
    return o;
  }
  Status Open(bool paranoid) {
    db_.reset();
    return DB::Open(MakeOptions(paranoid), "/db", &db_);
  }
  void Fill(int n, const std::string& prefix) {
    for (int i = 0; i < n; i++) {
      std::string k = prefix + std::to_string(100000 + i);
      std::string v = std::string(50, static_cast<char>('a' + i % 26)) + k;
      ASSERT_TRUE(db_->Put(WriteOptions(), k, v).ok());
      model_[k] = v;
    }
  }
  // Names of the files of one suffix in the database directory, sorted.
  std::vector<std::string> Files(const std::string& suffix) {
    std::vector<std::string> names, r;
    EXPECT_TRUE(fs_->GetChildren("/db", &names).ok());
    for (const auto& n : names) {
      if (n.ends_with(suffix)) r.push_back("/db/" + n);
    }
    std::sort(r.begin(), r.end());
    return r;
  }
  void CheckData() {
    std::string v;
    for (const auto& [k, want] : model_) {
      Status s = db_->Get(ReadOptions(), k, &v);
      ASSERT_TRUE(s.ok()) << k << ": " << s.ToString();
      ASSERT_EQ(want, v);
    }
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::unique_ptr<DB> db_;
  std::map<std::string, std::string> model_;
};

TEST_F(ParanoidChecksTest, OpenFindsAMissingTable) {
  ASSERT_TRUE(Open(false).ok());
  Fill(200, "k");
  ASSERT_TRUE(db_->Flush().ok());
  db_.reset();
  const std::vector<std::string> tables = Files(".sst");
  ASSERT_EQ(1u, tables.size());
  ASSERT_TRUE(fs_->RemoveFile(tables[0]).ok());
  Status s = Open(true);
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find(tables[0])) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("missing")) << s.ToString();
  // Without the option the open succeeds; the table's absence shows on the first read.
  EXPECT_TRUE(Open(false).ok());
}

TEST_F(ParanoidChecksTest, OpenFindsATableOfTheWrongSize) {
  ASSERT_TRUE(Open(false).ok());
  Fill(200, "k");
  ASSERT_TRUE(db_->Flush().ok());
  db_.reset();
  const std::string table = Files(".sst").at(0);
  std::string data;
  ASSERT_TRUE(fs_->ReadFileToString(table, &data).ok());
  ASSERT_TRUE(fs_->WriteStringToFile(table, data + "trailing garbage").ok());
  Status s = Open(true);
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find(table)) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find(std::to_string(data.size()))) << s.ToString();
  ASSERT_TRUE(fs_->WriteStringToFile(table, data).ok());
  ASSERT_TRUE(Open(true).ok());
  CheckData();
}

TEST_F(ParanoidChecksTest, DamagedWalTailIsAnErrorTornTailIsNot) {
  ASSERT_TRUE(Open(false).ok());
  Fill(20, "k");
  db_.reset();
  std::vector<std::string> logs = Files(".log");
  ASSERT_FALSE(logs.empty());
  const std::string log = logs.back();
  std::string data;
  ASSERT_TRUE(fs_->ReadFileToString(log, &data).ok());
  ASSERT_GT(data.size(), 100u);

  // A flipped bit in the last record: a checksum mismatch, not an incomplete write.
  std::string damaged = data;
  damaged.back() = static_cast<char>(damaged.back() ^ 0x10);
  ASSERT_TRUE(fs_->WriteStringToFile(log, damaged).ok());
  Status s = Open(true);
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find(log)) << s.ToString();

  // An incomplete last record (what a crash leaves) is dropped in both modes.
  ASSERT_TRUE(fs_->WriteStringToFile(log, data.substr(0, data.size() - 3)).ok());
  ASSERT_TRUE(Open(true).ok());
  std::string v;
  EXPECT_TRUE(db_->Get(ReadOptions(), "k100000", &v).ok());
  EXPECT_TRUE(db_->Get(ReadOptions(), "k100019", &v).IsNotFound());
  db_.reset();

  // Without the option, the damaged tail is dropped and the database opens.
  ASSERT_TRUE(fs_->WriteStringToFile(log, damaged).ok());
  ASSERT_TRUE(Open(false).ok());
  EXPECT_TRUE(db_->Get(ReadOptions(), "k100000", &v).ok());
  EXPECT_TRUE(db_->Get(ReadOptions(), "k100019", &v).IsNotFound());
}

TEST_F(ParanoidChecksTest, NewTablesAreReadBackBeforeInstall) {
  // A fault hook that fails every open of a table for reading: with paranoid_checks the
  // output of a flush and of a compaction is opened (read back) before it is installed,
  // so the failure stops the work and nothing is installed. Without it, an idle
  // background thread may still open the output later (to warm it for readers,
  // TableCache::Warm), but a failure there is left for readers to find.
  for (bool paranoid : {false, true}) {
    SCOPED_TRACE(paranoid);
    ASSERT_TRUE(DestroyDB("/db", MakeOptions(false)).ok());
    model_.clear();
    ASSERT_TRUE(Open(paranoid).ok());
    Fill(200, "a");
    ASSERT_TRUE(db_->Flush().ok());
    Fill(200, "b");
    ASSERT_TRUE(db_->Flush().ok());
    db_.reset();
    ASSERT_TRUE(Open(paranoid).ok());  // a fresh table cache: nothing opened yet
    std::atomic<int> table_opens{0};   // the hook may run on a background thread
    fs_->SetFaultHook([&table_opens](Op op, const std::string& path) {
      if (op != Op::kOpen || !path.ends_with(".sst")) return Status::OK();
      table_opens++;
      return Status::IOError(path, "test: table opens fail");
    });
    Fill(200, "c");
    Status flush = db_->Flush();
    EXPECT_EQ(paranoid, !flush.ok()) << flush.ToString();
    if (paranoid) {
      EXPECT_EQ(1, table_opens);
    } else {
      EXPECT_LE(table_opens, 1);  // at most the warm-up, after the flush
    }
    fs_->SetFaultHook(nullptr);
    ASSERT_TRUE(db_->Resume().ok());
    std::string files;
    ASSERT_TRUE(db_->GetProperty("lsmdb.num-files-at-level0", &files));
    ASSERT_EQ("3", files);

    // A compaction reads its inputs: let those opens pass, fail those of its outputs.
    db_.reset();
    ASSERT_TRUE(Open(paranoid).ok());
    std::set<std::string> inputs;
    for (const auto& t : Files(".sst")) inputs.insert(t);
    table_opens = 0;
    fs_->SetFaultHook([&](Op op, const std::string& path) {
      if (op != Op::kOpen || !path.ends_with(".sst") || inputs.count(path) > 0) {
        return Status::OK();
      }
      table_opens++;
      return Status::IOError(path, "test: output opens fail");
    });
    Status compact = db_->CompactRange(nullptr, nullptr);
    EXPECT_EQ(paranoid, !compact.ok()) << compact.ToString();
    if (paranoid) {
      EXPECT_GT(table_opens, 0);
    }
    fs_->SetFaultHook(nullptr);
    ASSERT_TRUE(db_->GetProperty("lsmdb.num-files-at-level0", &files));
    EXPECT_EQ(paranoid ? "3" : "0", files);
    ASSERT_TRUE(db_->Resume().ok());
    ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    CheckData();
    ASSERT_TRUE(Open(true).ok());
    CheckData();
    db_.reset();
  }
}

// Bit flips injected on table reads: every read either fails with Corruption or returns
// the right value; once the fault is gone, every value reads back (the stored bytes and
// the caches were not poisoned).
TEST_F(ParanoidChecksTest, BitFlipsOnTableReadsGiveCorruptionNeverAWrongValue) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  Options o = MakeOptions(false);
  o.block_cache_capacity = 0;  // every read goes to the file
  o.block_size = 1024;
  db_.reset();
  ASSERT_TRUE(DB::Open(o, "/db", &db_).ok());
  Fill(2000, "k");
  ASSERT_TRUE(db_->Flush().ok());
  std::vector<std::string> keys;
  for (const auto& [k, v] : model_) keys.push_back(k);
  int corruptions = 0, good = 0;
  for (int round = 0; round < 200; round++) {
    db_.reset();  // a cold table cache, so the flips can also hit the footer and index
    ASSERT_TRUE(DB::Open(o, "/db", &db_).ok());
    ASSERT_TRUE(fs_->InjectFault({.op = Op::kRead,
                                  .files = kTableFiles,
                                  .kind = FaultKind::kBitFlip,
                                  .after = rnd.Uniform(6),
                                  .once = rnd.OneIn(2)})
                    .ok());
    for (int i = 0; i < 20; i++) {
      const std::string& k = keys[rnd.Uniform(static_cast<int>(keys.size()))];
      std::string v;
      ReadOptions ro;
      ro.verify_checksums = true;
      Status s = db_->Get(ro, k, &v);
      if (s.ok()) {
        ASSERT_EQ(model_[k], v) << "seed " << seed << " key " << k;
        good++;
      } else {
        ASSERT_TRUE(s.IsCorruption()) << "seed " << seed << ": " << s.ToString();
        corruptions++;
      }
    }
    auto it = db_->NewIterator(ReadOptions());
    auto m = model_.begin();
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++m) {
      ASSERT_NE(model_.end(), m);
      ASSERT_EQ(m->first, it->key()) << "seed " << seed;
      ASSERT_EQ(m->second, it->value()) << "seed " << seed;
    }
    ASSERT_TRUE(it->status().ok() ? m == model_.end() : it->status().IsCorruption())
        << "seed " << seed << ": " << it->status().ToString();
    it.reset();
    fs_->ClearFaults();
    std::string v;
    ASSERT_TRUE(db_->Get(ReadOptions(), keys[round % keys.size()], &v).ok()) << "seed " << seed;
  }
  std::fprintf(stderr, "bit flips: %d reads reported Corruption, %d read right values\n",
               corruptions, good);
  EXPECT_GT(corruptions, 0);
  EXPECT_GT(good, 0);
  db_.reset();
  ASSERT_TRUE(Open(true).ok());
  CheckData();
}

}  // namespace
}  // namespace lsmdb

namespace lsmdb {
namespace {

// The state an Open leaves when it fails (or loses power) after starting its log but
// before the MANIFEST records it, followed by a power loss that kept the new log's link
// but not the unsynced tail of the log that Open replayed. Files: the older log, short of
// the link; the newest log, holding only an Open's link (prev_log_number 0).
class FailedOpenTest : public ParanoidChecksTest {
 protected:
  // Leaves that state; returns the newest log's name.
  std::string FailAnOpenThenLosePower() {
    EXPECT_TRUE(Open(true).ok());
    WriteOptions synced;
    synced.sync = true;
    EXPECT_TRUE(db_->Put(synced, "a", "1").ok());
    EXPECT_TRUE(db_->Put(WriteOptions(), "b", "2").ok());  // never synced
    db_.reset();
    fs_->SetFaultHook([](Op op, const std::string& path) {
      const bool manifest = path.find("MANIFEST") != std::string::npos;
      return op == Op::kSync && manifest ? Status::IOError(path, "test: MANIFEST sync fails")
                                         : Status::OK();
    });
    Status s = Open(true);
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    fs_->SetFaultHook(nullptr);
    const std::vector<std::string> logs = Files(".log");
    EXPECT_EQ(2u, logs.size());
    std::string link;
    EXPECT_TRUE(fs_->ReadFileToString(logs.back(), &link).ok());
    EXPECT_FALSE(link.empty());
    fs_->SimulatePowerLoss();
    fs_->Thaw();
    // The kernel wrote back the new log's page, not the older log's tail.
    EXPECT_TRUE(fs_->WriteStringToFile(logs.back(), link).ok());
    return logs.back();
  }
  void ExpectOnlyTheSyncedWrite() {
    std::string v;
    ASSERT_TRUE(db_->Get(ReadOptions(), "a", &v).ok());
    EXPECT_EQ("1", v);
    EXPECT_TRUE(db_->Get(ReadOptions(), "b", &v).IsNotFound());
  }
};

// Regression: paranoid Open judged the older log as cut short before the failed Open's
// link and reported Corruption, though a power loss leaves exactly this.
TEST_F(FailedOpenTest, APowerLossAfterAFailedOpenStillOpensWithParanoidChecks) {
  FailAnOpenThenLosePower();
  Status s = Open(true);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectOnlyTheSyncedWrite();
  db_.reset();
  ASSERT_EQ(1u, Files(".log").size());  // the failed Open's log is obsolete, and deleted
  ASSERT_TRUE(Open(true).ok());
  ExpectOnlyTheSyncedWrite();
}

// What no power loss leaves is still Corruption: the failed Open's log holding more than
// its link, or a log a memtable switch started (which the strict modes start only after
// syncing the log before it) that the older log falls short of.
TEST_F(FailedOpenTest, DamageNextToAFailedOpensLogIsStillCorruption) {
  for (int variant = 0; variant < 2; variant++) {
    SCOPED_TRACE(variant);
    ASSERT_TRUE(DestroyDB("/db", MakeOptions(false)).ok());
    const std::string newest = FailAnOpenThenLosePower();
    std::string data;
    ASSERT_TRUE(fs_->ReadFileToString(newest, &data).ok());
    if (variant == 0) {
      data += std::string(16, '\x5a');  // garbage after the link
    } else {
      uint64_t older = 0;
      FileType type;
      const std::vector<std::string> logs = Files(".log");
      ASSERT_TRUE(ParseFileName(logs.front().substr(4), &older, &type));
      std::unique_ptr<WritableFile> file;
      ASSERT_TRUE(fs_->NewWritableFile(newest, &file).ok());
      log::Writer writer(file.get());
      LogLink link;
      link.prev_log_number = older;
      link.prev_last_sequence = 2;
      ASSERT_TRUE(writer.AddRecord(EncodeLogLink(link)).ok());
      ASSERT_TRUE(file->Sync().ok());
      ASSERT_TRUE(fs_->ReadFileToString(newest, &data).ok());
    }
    ASSERT_TRUE(fs_->WriteStringToFile(newest, data).ok());
    Status s = Open(true);
    ASSERT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_NE(std::string::npos, s.ToString().find(newest)) << s.ToString();
    ASSERT_TRUE(Open(false).ok());  // the default checks keep the prefix
    ExpectOnlyTheSyncedWrite();
    db_.reset();
  }
}

}  // namespace
}  // namespace lsmdb
