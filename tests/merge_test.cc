// DB::Merge through the public API: operand order over a value, none or a tombstone, in
// memtables, tables and after compaction; iterators both ways; snapshots; a failing
// merge; a DB without a merge operator.
#include <gtest/gtest.h>

#include <string>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "lsmdb/merge_operators.h"
#include "lsmdb/write_batch.h"
#include "util/coding.h"

namespace lsmdb {
namespace {

std::string U64(uint64_t v) {
  std::string s;
  PutFixed64(&s, v);
  return s;
}

class MergeTest : public ::testing::Test {
 protected:
  MergeTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.file_system = fs_;
    options_.create_if_missing = true;
    options_.merge_operator = NewStringAppendOperator(",");
  }
  void Open() {
    db_.reset();
    ASSERT_TRUE(DB::Open(options_, "/db", &db_).ok());
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
  std::string Scan(bool backward = false, const Snapshot* snap = nullptr) {
    ReadOptions ro;
    ro.snapshot = snap;
    auto it = db_->NewIterator(ro);
    std::string r;
    if (backward) {
      for (it->SeekToLast(); it->Valid(); it->Prev())
        r += std::string(it->key()) + "=" + std::string(it->value()) + " ";
    } else {
      for (it->SeekToFirst(); it->Valid(); it->Next())
        r += std::string(it->key()) + "=" + std::string(it->value()) + " ";
    }
    if (!it->status().ok()) r += "ERROR: " + it->status().ToString();
    return r;
  }
  void Merge(std::string_view k, std::string_view v) {
    ASSERT_TRUE(db_->Merge(WriteOptions(), k, v).ok());
  }
  void CompactAll() { ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok()); }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(MergeTest, OperandsApplyInOrderOverValueNoneAndTombstone) {
  Open();
  Merge("a", "1");
  Merge("a", "2");
  ASSERT_TRUE(db_->Put(WriteOptions(), "b", "base").ok());
  Merge("b", "x");
  Merge("b", "y");
  ASSERT_TRUE(db_->Put(WriteOptions(), "c", "gone").ok());
  ASSERT_TRUE(db_->Delete(WriteOptions(), "c").ok());
  Merge("c", "z");
  for (int round = 0; round < 3; round++) {
    SCOPED_TRACE(round);
    EXPECT_EQ(Get("a"), "1,2");
    EXPECT_EQ(Get("b"), "base,x,y");
    EXPECT_EQ(Get("c"), "z");
    EXPECT_EQ(Scan(), "a=1,2 b=base,x,y c=z ");
    EXPECT_EQ(Scan(true), "c=z b=base,x,y a=1,2 ");
    if (round == 0) {
      ASSERT_TRUE(db_->Flush().ok());
    }
    if (round == 1) CompactAll();
  }
}

TEST_F(MergeTest, OperandsSpreadOverMemtableTablesAndLevels) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "0").ok());
  ASSERT_TRUE(db_->Flush().ok());
  CompactAll();  // the base in a deep level
  Merge("k", "1");
  ASSERT_TRUE(db_->Flush().ok());  // an operand in L0
  Merge("k", "2");                 // and one in the memtable
  EXPECT_EQ(Get("k"), "0,1,2");
  EXPECT_EQ(Scan(), "k=0,1,2 ");
  EXPECT_EQ(Scan(true), "k=0,1,2 ");
  Open();  // the memtable operand comes back from the WAL
  EXPECT_EQ(Get("k"), "0,1,2");
  CompactAll();
  EXPECT_EQ(Get("k"), "0,1,2");
  Merge("k", "3");
  EXPECT_EQ(Get("k"), "0,1,2,3");
}

TEST_F(MergeTest, IteratorMovesBothWaysAcrossMergedKeys) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "A").ok());
  Merge("b", "1");
  ASSERT_TRUE(db_->Put(WriteOptions(), "c", "C").ok());
  Merge("d", "2");
  auto it = db_->NewIterator(ReadOptions());
  it->Seek("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  EXPECT_EQ(it->value(), "1");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  EXPECT_EQ(it->value(), "1");
  it->Next();
  EXPECT_EQ(it->key(), "c");
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "d");
  EXPECT_EQ(it->value(), "2");
  it->Prev();  // from a merged entry at the end of the data
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->SeekForPrev("bz");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  EXPECT_EQ(it->value(), "1");
}

TEST_F(MergeTest, SnapshotsSeeTheMergeAsOfTheirSequence) {
  Open();
  Merge("k", "1");
  const Snapshot* s1 = db_->GetSnapshot();
  Merge("k", "2");
  const Snapshot* s2 = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "P").ok());
  Merge("k", "3");
  for (int round = 0; round < 3; round++) {
    SCOPED_TRACE(round);
    EXPECT_EQ(Get("k", s1), "1");
    EXPECT_EQ(Get("k", s2), "1,2");
    EXPECT_EQ(Get("k"), "P,3");
    EXPECT_EQ(Scan(false, s1), "k=1 ");
    EXPECT_EQ(Scan(true, s2), "k=1,2 ");
    if (round == 0) {
      ASSERT_TRUE(db_->Flush().ok());
    }
    if (round == 1) CompactAll();
  }
  db_->ReleaseSnapshot(s1);
  db_->ReleaseSnapshot(s2);
  CompactAll();
  EXPECT_EQ(Get("k"), "P,3");
}

TEST_F(MergeTest, Uint64AddCountsAndCompactsToOneValue) {
  options_.merge_operator = NewUInt64AddOperator();
  Open();
  for (int i = 1; i <= 100; i++) {
    Merge("n", U64(static_cast<uint64_t>(i)));
    if (i % 25 == 0) {
      ASSERT_TRUE(db_->Flush().ok());
    }
  }
  EXPECT_EQ(Get("n"), U64(5050));
  CompactAll();
  EXPECT_EQ(Get("n"), U64(5050));
  std::string n;
  ASSERT_TRUE(db_->GetProperty("lsmdb.num-files-at-level1", &n));
}

TEST_F(MergeTest, MaxKeepsTheLargest) {
  options_.merge_operator = NewMaxOperator();
  Open();
  Merge("m", "5");
  Merge("m", "9");
  Merge("m", "7");
  EXPECT_EQ(Get("m"), "9");
  CompactAll();
  EXPECT_EQ(Get("m"), "9");
}

TEST_F(MergeTest, FailingMergeIsCorruptionNeverAValue) {
  options_.merge_operator = NewUInt64AddOperator();
  Open();
  Merge("n", U64(1));
  Merge("n", "bad");  // not 8 bytes
  std::string v = "untouched";
  Status s = db_->Get(ReadOptions(), "n", &v);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(v, "untouched");
  auto it = db_->NewIterator(ReadOptions());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
  it.reset();
  // A compaction that must merge them fails and keeps its inputs.
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_FALSE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_TRUE(db_->Get(ReadOptions(), "n", &v).IsCorruption());
}

TEST_F(MergeTest, MergeWithoutOperatorIsRejected) {
  options_.merge_operator = nullptr;
  Open();
  EXPECT_TRUE(db_->Merge(WriteOptions(), "k", "v").IsInvalidArgument());
  WriteBatch b;
  b.Put("a", "1");
  b.Merge("k", "v");
  EXPECT_TRUE(db_->Write(WriteOptions(), &b).IsInvalidArgument());
  EXPECT_EQ(Get("a"), "NOT_FOUND");  // nothing of the batch applied
}

TEST_F(MergeTest, OperandsReadWithoutOperatorAreNotSupported) {
  Open();
  Merge("k", "v");
  options_.merge_operator = nullptr;
  Open();
  std::string v;
  EXPECT_TRUE(db_->Get(ReadOptions(), "k", &v).IsNotSupported());
  auto it = db_->NewIterator(ReadOptions());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsNotSupported());
}

TEST_F(MergeTest, BatchMergeAppliesInOrderWithPutsAndDeletes) {
  Open();
  WriteBatch b;
  b.Merge("k", "1");
  b.Put("k", "P");
  b.Merge("k", "2");
  b.Delete("j");
  b.Merge("j", "3");
  ASSERT_TRUE(db_->Write(WriteOptions(), &b).ok());
  EXPECT_EQ(Get("k"), "P,2");
  EXPECT_EQ(Get("j"), "3");
}

// A range tombstone ends a key's merge chain as a point tombstone does: operands newer
// than it merge over nothing, in memtables, tables, after compaction and for snapshots.
TEST_F(MergeTest, RangeTombstoneEndsTheMergeChain) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "0").ok());
  Merge("k", "1");
  const Snapshot* before = db_->GetSnapshot();
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), "a", "z").ok());
  Merge("k", "2");
  Merge("m", "3");  // an operand alone under the tombstone's range, newer than it
  for (int round = 0; round < 4; round++) {
    SCOPED_TRACE(round);
    EXPECT_EQ(Get("k"), "2");
    EXPECT_EQ(Get("m"), "3");
    EXPECT_EQ(Scan(), "k=2 m=3 ");
    EXPECT_EQ(Scan(true), "m=3 k=2 ");
    if (before != nullptr) {
      EXPECT_EQ(Get("k", before), "0,1");
      EXPECT_EQ(Get("m", before), "NOT_FOUND");
      EXPECT_EQ(Scan(false, before), "k=0,1 ");
    }
    if (round == 0) {
      ASSERT_TRUE(db_->Flush().ok());
    }
    if (round == 1) CompactAll();
    if (round == 2) {
      db_->ReleaseSnapshot(before);
      before = nullptr;
      Open();
    }
  }
  if (before != nullptr) db_->ReleaseSnapshot(before);
}

TEST_F(MergeTest, RangeTombstoneBetweenOperandsInOneCompaction) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "0").ok());
  Merge("k", "1");
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), "k", "l").ok());
  Merge("k", "2");
  Merge("k", "3");
  EXPECT_EQ(Get("k"), "2,3");
  ASSERT_TRUE(db_->Flush().ok());  // all of it in one table: the run meets the tombstone
  CompactAll();
  EXPECT_EQ(Get("k"), "2,3");
  EXPECT_EQ(Scan(), "k=2,3 ");
  Open();
  EXPECT_EQ(Get("k"), "2,3");
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), "a", "z").ok());
  CompactAll();
  EXPECT_EQ(Get("k"), "NOT_FOUND");
  EXPECT_EQ(Scan(), "");
}

TEST_F(MergeTest, RepairKeepsTheOperandsOfTheLogs) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "0").ok());
  ASSERT_TRUE(db_->Flush().ok());
  Merge("k", "1");  // only in the log
  Merge("n", "2");
  db_.reset();
  ASSERT_TRUE(RepairDB("/db", options_).ok());
  Open();
  EXPECT_EQ(Get("k"), "0,1");
  EXPECT_EQ(Get("n"), "2");
}

}  // namespace
}  // namespace lsmdb
