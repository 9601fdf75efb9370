// DeleteRange against a model: a randomized run of Put/Delete/DeleteRange with flushes,
// compactions, reopens and snapshots, checked against a std::map per snapshot (Get, and
// scans in both directions); plus seeks into a deleted range and a tombstone-only WAL.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "lsmdb/write_batch.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

using Model = std::map<std::string, std::string>;

class RangeDelModelTest : public ::testing::Test {
 protected:
  RangeDelModelTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.file_system = fs_;
    options_.create_if_missing = true;
  }
  void Open() {
    db_.reset();
    Status s = DB::Open(options_, "/db", &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::string Get(std::string_view k, const Snapshot* snap = nullptr) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::string v;
    Status s = db_->Get(ro, k, &v);
    if (s.IsNotFound()) return "NOT_FOUND";
    if (!s.ok()) return "ERROR: " + s.ToString();
    return v;
  }
  // Forward scan, checked against a backward scan.
  std::string Scan(const Snapshot* snap = nullptr) {
    ReadOptions ro;
    ro.snapshot = snap;
    auto it = db_->NewIterator(ro);
    std::string fwd, rev;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      fwd += std::string(it->key()) + "=" + std::string(it->value()) + " ";
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    std::vector<std::string> back;
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      back.push_back(std::string(it->key()) + "=" + std::string(it->value()) + " ");
    }
    for (auto i = back.rbegin(); i != back.rend(); ++i) rev += *i;
    EXPECT_EQ(fwd, rev);
    return fwd;
  }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(RangeDelModelTest, TombstoneOnlyMemtableSurvivesWalReplayAndFlush) {
  Open();
  WriteOptions wo;
  ASSERT_TRUE(db_->Put(wo, "k1", "v").ok());
  ASSERT_TRUE(db_->Put(wo, "k2", "v").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->DeleteRange(wo, "k1", "k2").ok());
  Open();  // replayed from the WAL
  EXPECT_EQ(Scan(), "k2=v ");
  ASSERT_TRUE(db_->Flush().ok());  // a table of one tombstone and no keys
  EXPECT_EQ(Scan(), "k2=v ");
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  Open();
  EXPECT_EQ(Scan(), "k2=v ");
  EXPECT_EQ(Get("k1"), "NOT_FOUND");
}

int TotalFiles(DB* db) {
  int n = 0;
  for (int level = 0; level < 7; level++) {
    std::string v;
    if (db->GetProperty("lsmdb.num-files-at-level" + std::to_string(level), &v)) {
      n += std::stoi(v);
    }
  }
  return n;
}

// Compaction drops what a tombstone covers, and the tombstone itself at the bottom, only
// once no snapshot still sees the keys.
TEST_F(RangeDelModelTest, CompactionReclaimsOnlyWhatNoSnapshotSees) {
  Open();
  WriteOptions wo;
  for (int i = 0; i < 100; i++) ASSERT_TRUE(db_->Put(wo, "k" + std::to_string(1000 + i), "v").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  const Snapshot* snap = db_->GetSnapshot();
  ASSERT_TRUE(db_->DeleteRange(wo, "k", "l").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_GT(TotalFiles(db_.get()), 0);  // the snapshot still sees the keys
  EXPECT_EQ(Get("k1050", snap), "v");
  EXPECT_EQ(Get("k1050"), "NOT_FOUND");
  EXPECT_EQ(Scan(), "");
  db_->ReleaseSnapshot(snap);
  // A new tombstone over the same keys, flushed to L0, takes the L1 table in.
  ASSERT_TRUE(db_->DeleteRange(wo, "k1000", "k1100").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  std::string sst;
  db_->GetProperty("lsmdb.sstables", &sst);
  EXPECT_EQ(TotalFiles(db_.get()), 0) << sst;  // keys and tombstone gone
  EXPECT_EQ(Scan(), "");
  Open();
  EXPECT_EQ(Scan(), "");
  EXPECT_EQ(Get("k1099"), "NOT_FOUND");
}

TEST_F(RangeDelModelTest, SeekIntoDeletedRange) {
  Open();
  WriteOptions wo;
  char buf[16];
  for (int i = 0; i < 5000; i++) {
    std::snprintf(buf, sizeof(buf), "k%05d", i);
    ASSERT_TRUE(db_->Put(wo, buf, "v").ok());
  }
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->DeleteRange(wo, "k00100", "k04900").ok());
  auto it = db_->NewIterator(ReadOptions());
  it->Seek("k00200");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "k04900");
  it->SeekForPrev("k04000");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "k00099");
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "k04900");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "k00099");
}

// Random Put/Delete/DeleteRange over a small key space, with flushes, compactions,
// reopens and snapshots, against a model map per snapshot.
TEST_F(RangeDelModelTest, RandomAgainstModel) {
  const uint64_t seed = test::RandomSeed();
  std::printf("seed %llu (LSMDB_TEST_SEED to repeat)\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  options_.write_buffer_size = 65536;
  Open();
  Model model;
  std::vector<std::pair<const Snapshot*, Model>> snaps;
  auto key = [&rng] { return "k" + std::to_string(rng() % 40); };
  WriteOptions wo;
  auto check = [&](const Snapshot* snap, const Model& m) {
    std::string want;
    for (const auto& [k, v] : m) want += k + "=" + v + " ";
    ASSERT_EQ(Scan(snap), want) << "seed " << seed;
    for (int i = 0; i < 40; i++) {
      std::string k = "k" + std::to_string(i);
      auto f = m.find(k);
      ASSERT_EQ(Get(k, snap), f == m.end() ? "NOT_FOUND" : f->second) << k << " seed " << seed;
    }
  };
  for (int step = 0; step < 600; step++) {
    const int op = static_cast<int>(rng() % 100);
    if (op < 45) {
      std::string k = key(), v = "v" + std::to_string(step);
      ASSERT_TRUE(db_->Put(wo, k, v).ok());
      model[k] = v;
    } else if (op < 55) {
      std::string k = key();
      ASSERT_TRUE(db_->Delete(wo, k).ok());
      model.erase(k);
    } else if (op < 70) {
      std::string a = key(), b = key();
      if (a > b) std::swap(a, b);
      ASSERT_TRUE(db_->DeleteRange(wo, a, b).ok());
      model.erase(model.lower_bound(a), model.lower_bound(b));
    } else if (op < 76) {
      ASSERT_TRUE(db_->Flush().ok());
    } else if (op < 80) {
      Status s = db_->CompactRange(nullptr, nullptr);
      ASSERT_TRUE(s.ok()) << s.ToString() << " seed " << seed;
    } else if (op < 85 && snaps.size() < 4) {
      snaps.emplace_back(db_->GetSnapshot(), model);
    } else if (op < 90 && !snaps.empty()) {
      db_->ReleaseSnapshot(snaps.front().first);
      snaps.erase(snaps.begin());
    } else if (op < 92) {
      for (auto& s : snaps) db_->ReleaseSnapshot(s.first);
      snaps.clear();
      Open();
    } else {
      check(nullptr, model);
      for (const auto& [snap, m] : snaps) check(snap, m);
    }
    if (HasFatalFailure()) break;
  }
  check(nullptr, model);
  for (auto& s : snaps) db_->ReleaseSnapshot(s.first);
}

}  // namespace
}  // namespace lsmdb
