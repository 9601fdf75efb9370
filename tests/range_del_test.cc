// DB::DeleteRange and WriteBatch::DeleteRange through the public API: Get, iterators in
// both directions, Seek and bounds, snapshots, and that nothing comes back after a
// flush, a compaction or a reopen. Bad input and WriteBatch::Iterate / Append too.
#include <gtest/gtest.h>

#include <map>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "lsmdb/write_batch.h"

namespace lsmdb {
namespace {

class RangeDelTest : public ::testing::Test {
 protected:
  RangeDelTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.file_system = fs_;
    options_.create_if_missing = true;
    Reopen();
  }
  void Reopen() {
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
  std::string Scan(const Snapshot* snap = nullptr) {
    ReadOptions ro;
    ro.snapshot = snap;
    auto it = db_->NewIterator(ro);
    std::string r;
    for (it->SeekToFirst(); it->Valid(); it->Next()) r += std::string(it->key()) + " ";
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return r;
  }
  std::string ScanReverse(const Snapshot* snap = nullptr) {
    ReadOptions ro;
    ro.snapshot = snap;
    auto it = db_->NewIterator(ro);
    std::string r;
    for (it->SeekToLast(); it->Valid(); it->Prev()) r += std::string(it->key()) + " ";
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return r;
  }
  void PutAll(const std::vector<std::string>& keys) {
    for (const auto& k : keys) ASSERT_TRUE(db_->Put({}, k, "v" + k).ok());
  }
  void CompactAll() { ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok()); }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(RangeDelTest, HidesKeysInTheHalfOpenRange) {
  PutAll({"a", "b", "c", "d", "e"});
  ASSERT_TRUE(db_->DeleteRange({}, "b", "d").ok());
  EXPECT_EQ("va", Get("a"));
  EXPECT_EQ("NOT_FOUND", Get("b"));
  EXPECT_EQ("NOT_FOUND", Get("c"));
  EXPECT_EQ("vd", Get("d"));  // end is exclusive
  EXPECT_EQ("a d e ", Scan());
  EXPECT_EQ("e d a ", ScanReverse());
}

TEST_F(RangeDelTest, LaterPutsAreVisible) {
  PutAll({"b", "c"});
  ASSERT_TRUE(db_->DeleteRange({}, "a", "z").ok());
  ASSERT_TRUE(db_->Put({}, "c", "new").ok());
  EXPECT_EQ("NOT_FOUND", Get("b"));
  EXPECT_EQ("new", Get("c"));
  EXPECT_EQ("c ", Scan());
}

TEST_F(RangeDelTest, OrderInsideOneBatch) {
  WriteBatch b;
  b.Put("k1", "x");
  b.DeleteRange("k0", "k9");
  b.Put("k2", "y");
  ASSERT_TRUE(db_->Write({}, &b).ok());
  EXPECT_EQ("NOT_FOUND", Get("k1"));  // put before the range delete in the batch
  EXPECT_EQ("y", Get("k2"));          // put after it
}

TEST_F(RangeDelTest, BadInput) {
  PutAll({"a", "b"});
  Status s = db_->DeleteRange({}, "c", "a");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  WriteBatch b;
  b.Put("x", "1");
  b.DeleteRange("z", "y");
  s = db_->Write({}, &b);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ("NOT_FOUND", Get("x"));                  // nothing of the rejected batch applied
  ASSERT_TRUE(db_->DeleteRange({}, "a", "a").ok());  // empty range: no-op
  EXPECT_EQ("a b ", Scan());
}

TEST_F(RangeDelTest, SnapshotsSeeWhatWasThere) {
  PutAll({"a", "b", "c"});
  const Snapshot* before = db_->GetSnapshot();
  ASSERT_TRUE(db_->DeleteRange({}, "a", "c").ok());
  const Snapshot* after = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put({}, "b", "again").ok());
  for (int round = 0; round < 3; round++) {
    SCOPED_TRACE(round);
    EXPECT_EQ("va", Get("a", before));
    EXPECT_EQ("vb", Get("b", before));
    EXPECT_EQ("a b c ", Scan(before));
    EXPECT_EQ("c b a ", ScanReverse(before));
    EXPECT_EQ("NOT_FOUND", Get("a", after));
    EXPECT_EQ("NOT_FOUND", Get("b", after));
    EXPECT_EQ("c ", Scan(after));
    EXPECT_EQ("again", Get("b"));
    EXPECT_EQ("b c ", Scan());
    if (round == 0) {
      ASSERT_TRUE(db_->Flush().ok());
    }
    if (round == 1) CompactAll();
  }
  db_->ReleaseSnapshot(before);
  db_->ReleaseSnapshot(after);
  CompactAll();
  EXPECT_EQ("b c ", Scan());
  EXPECT_EQ("NOT_FOUND", Get("a"));
}

TEST_F(RangeDelTest, SurvivesFlushCompactionAndReopen) {
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; i++) {
    char buf[16];
    snprintf(buf, sizeof(buf), "key%05d", i);
    keys.emplace_back(buf);
  }
  PutAll(keys);
  ASSERT_TRUE(db_->Flush().ok());  // the keys in a table, the tombstone in the memtable
  ASSERT_TRUE(db_->DeleteRange({}, "key00100", "key00900").ok());
  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    EXPECT_EQ("vkey00099", Get("key00099"));
    EXPECT_EQ("NOT_FOUND", Get("key00100"));
    EXPECT_EQ("NOT_FOUND", Get("key00500"));
    EXPECT_EQ("NOT_FOUND", Get("key00899"));
    EXPECT_EQ("vkey00900", Get("key00900"));
    auto it = db_->NewIterator({});
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
    EXPECT_EQ(200, n);
    it->Seek("key00100");
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ("key00900", it->key());
    it->Prev();
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ("key00099", it->key());
    it->SeekForPrev("key00850");
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ("key00099", it->key());
  };
  check("memtable tombstone");
  Reopen();
  check("after reopen (WAL)");
  ASSERT_TRUE(db_->Flush().ok());
  check("after flush");
  Reopen();
  check("after flush and reopen");
  CompactAll();
  check("after compaction");
  Reopen();
  check("after compaction and reopen");
}

TEST_F(RangeDelTest, TombstoneOnlyTablesAndOlderLevels) {
  // Keys pushed down by a compaction, then a tombstone alone in its own table.
  PutAll({"a1", "a2", "m1", "m2", "z1"});
  CompactAll();
  ASSERT_TRUE(db_->DeleteRange({}, "a2", "z").ok());
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ("a1 z1 ", Scan());
  Reopen();
  EXPECT_EQ("a1 z1 ", Scan());
  CompactAll();
  EXPECT_EQ("a1 z1 ", Scan());
  EXPECT_EQ("z1 a1 ", ScanReverse());
  PutAll({"m1"});
  EXPECT_EQ("a1 m1 z1 ", Scan());
  CompactAll();
  Reopen();
  EXPECT_EQ("a1 m1 z1 ", Scan());
}

TEST_F(RangeDelTest, IteratorBounds) {
  PutAll({"a", "b", "c", "d", "e", "f"});
  ASSERT_TRUE(db_->DeleteRange({}, "b", "e").ok());
  ReadOptions ro;
  ro.lower_bound = "c";
  ro.upper_bound = "f";
  auto it = db_->NewIterator(ro);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("e", it->key());
  it->Next();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("e", it->key());
  it->Prev();
  EXPECT_FALSE(it->Valid());
}

class Recorder : public WriteBatch::Handler {
 public:
  void Put(std::string_view k, std::string_view v) override {
    log += "put(" + std::string(k) + "," + std::string(v) + ")";
  }
  void Delete(std::string_view k) override { log += "del(" + std::string(k) + ")"; }
  Status DeleteRange(std::string_view b, std::string_view e) override {
    log += "range(" + std::string(b) + "," + std::string(e) + ")";
    return Status::OK();
  }
  std::string log;
};

class OldHandler : public WriteBatch::Handler {
 public:
  void Put(std::string_view, std::string_view) override {}
  void Delete(std::string_view) override {}
};

TEST(WriteBatchRangeDelTest, IterateAndAppend) {
  WriteBatch a, b;
  a.Put("k", "v");
  a.DeleteRange("b", "e");
  b.Delete("x");
  b.DeleteRange("m", "n");
  a.Append(b);
  EXPECT_EQ(4u, a.Count());
  Recorder r;
  ASSERT_TRUE(a.Iterate(&r).ok());
  EXPECT_EQ("put(k,v)range(b,e)del(x)range(m,n)", r.log);
  OldHandler old;
  EXPECT_TRUE(a.Iterate(&old).IsNotSupported());
}

}  // namespace
}  // namespace lsmdb
