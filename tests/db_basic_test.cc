// Basic behaviour of a DB through the public API: put/get/delete, batches, reopen,
// iterators, snapshots, options validation and bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "io/mem_file_system.h"
#include "lsmdb/comparator.h"
#include "lsmdb/db.h"
#include "tests/util/reverse_comparator.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

class DBBasicTest : public ::testing::Test {
 protected:
  DBBasicTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.file_system = fs_;
    options_.create_if_missing = true;
  }
  void Open() { ASSERT_TRUE(TryOpen().ok()); }
  Status TryOpen() {
    db_.reset();
    return DB::Open(options_, "/db", &db_);
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
  std::string Scan(ReadOptions ro = {}) {
    auto it = db_->NewIterator(ro);
    std::string r;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      r += std::string(it->key()) + "=" + std::string(it->value()) + " ";
    }
    EXPECT_TRUE(it->status().ok());
    return r;
  }
  std::string ScanReverse(ReadOptions ro = {}) {
    auto it = db_->NewIterator(ro);
    std::string r;
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      r += std::string(it->key()) + "=" + std::string(it->value()) + " ";
    }
    EXPECT_TRUE(it->status().ok());
    return r;
  }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(DBBasicTest, PutGetDelete) {
  Open();
  EXPECT_EQ("NOT_FOUND", Get("a"));
  ASSERT_TRUE(db_->Put({}, "a", "1").ok());
  ASSERT_TRUE(db_->Put({}, "b", "2").ok());
  EXPECT_EQ("1", Get("a"));
  ASSERT_TRUE(db_->Put({}, "a", "3").ok());
  EXPECT_EQ("3", Get("a"));
  ASSERT_TRUE(db_->Delete({}, "a").ok());
  EXPECT_EQ("NOT_FOUND", Get("a"));
  EXPECT_EQ("2", Get("b"));
  ASSERT_TRUE(db_->Delete({}, "never-there").ok());
}

TEST_F(DBBasicTest, EmptyKeyAndBinaryBytes) {
  Open();
  ASSERT_TRUE(db_->Put({}, "", "empty-key").ok());
  std::string k("a\0b", 3), v("\0\xff\0", 3);
  ASSERT_TRUE(db_->Put({}, k, v).ok());
  ASSERT_TRUE(db_->Put({}, "e", "").ok());
  EXPECT_EQ("empty-key", Get(""));
  EXPECT_EQ(v, Get(k));
  EXPECT_EQ("", Get("e"));
  Open();
  EXPECT_EQ("empty-key", Get(""));
  EXPECT_EQ(v, Get(k));
  EXPECT_EQ("", Get("e"));
}

TEST_F(DBBasicTest, ReopenReplaysTheLog) {
  Open();
  for (int i = 0; i < 100; i++) {
    ASSERT_TRUE(db_->Put({}, "k" + std::to_string(i), "v" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(db_->Delete({}, "k7").ok());
  Open();
  EXPECT_EQ("v3", Get("k3"));
  EXPECT_EQ("NOT_FOUND", Get("k7"));
  ASSERT_TRUE(db_->Put({}, "k3", "new").ok());
  Open();
  Open();
  EXPECT_EQ("new", Get("k3"));
  EXPECT_EQ("v99", Get("k99"));
}

TEST_F(DBBasicTest, WriteBatchIsAppliedInOrder) {
  Open();
  WriteBatch b;
  b.Put("x", "1");
  b.Delete("x");
  b.Put("y", "2");
  b.Put("y", "3");
  EXPECT_EQ(4u, b.Count());
  ASSERT_TRUE(db_->Write({}, &b).ok());
  EXPECT_EQ("NOT_FOUND", Get("x"));
  EXPECT_EQ("3", Get("y"));
  WriteBatch empty;
  EXPECT_TRUE(db_->Write({}, &empty).ok());
  EXPECT_TRUE(db_->Write({}, nullptr).IsInvalidArgument());
}

TEST_F(DBBasicTest, IteratorsBothWaysWithBounds) {
  Open();
  for (std::string k : {"a", "b", "c", "d", "e"}) ASSERT_TRUE(db_->Put({}, k, k + k).ok());
  ASSERT_TRUE(db_->Delete({}, "c").ok());
  EXPECT_EQ("a=aa b=bb d=dd e=ee ", Scan());
  EXPECT_EQ("e=ee d=dd b=bb a=aa ", ScanReverse());
  ReadOptions ro;
  ro.lower_bound = "b";
  ro.upper_bound = "e";
  EXPECT_EQ("b=bb d=dd ", Scan(ro));
  EXPECT_EQ("d=dd b=bb ", ScanReverse(ro));

  auto it = db_->NewIterator({});
  it->Seek("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("d", it->key());
  it->SeekForPrev("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("b", it->key());
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("d", it->key());
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("b", it->key());
  it->SeekForPrev("0");
  EXPECT_FALSE(it->Valid());
  it->Seek("z");
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev("z");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("e", it->key());
}

TEST_F(DBBasicTest, SnapshotsSeeTheirPointInTime) {
  Open();
  ASSERT_TRUE(db_->Put({}, "k", "v1").ok());
  const Snapshot* s1 = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put({}, "k", "v2").ok());
  ASSERT_TRUE(db_->Put({}, "k2", "x").ok());
  const Snapshot* s2 = db_->GetSnapshot();
  ASSERT_TRUE(db_->Delete({}, "k").ok());
  EXPECT_EQ("v1", Get("k", s1));
  EXPECT_EQ("NOT_FOUND", Get("k2", s1));
  EXPECT_EQ("v2", Get("k", s2));
  EXPECT_EQ("NOT_FOUND", Get("k"));
  ReadOptions ro;
  ro.snapshot = s1;
  EXPECT_EQ("k=v1 ", Scan(ro));
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ("v1", Get("k", s1));
  EXPECT_EQ("k=v1 ", Scan(ro));
  db_->ReleaseSnapshot(s1);
  db_->ReleaseSnapshot(s2);
}

TEST_F(DBBasicTest, IteratorKeepsItsViewAcrossWritesAndFlush) {
  Open();
  ASSERT_TRUE(db_->Put({}, "a", "1").ok());
  ASSERT_TRUE(db_->Put({}, "b", "2").ok());
  auto it = db_->NewIterator({});
  ASSERT_TRUE(db_->Put({}, "c", "3").ok());
  ASSERT_TRUE(db_->Delete({}, "a").ok());
  ASSERT_TRUE(db_->Flush().ok());
  std::string r;
  for (it->SeekToFirst(); it->Valid(); it->Next()) r += std::string(it->key());
  EXPECT_EQ("ab", r);
  EXPECT_EQ("b=2 c=3 ", Scan());
}

// An iterator over a memtable, a level and 25 overlapping L0 tables (27 sources, more
// than the merge keeps its slots inline for), all merged right both ways.
TEST_F(DBBasicTest, IteratorOverManyTablesAndALevel) {
  options_.level0_file_num_compaction_trigger = 1000;
  options_.level0_slowdown_writes_trigger = 1000;
  options_.level0_stop_writes_trigger = 1000;
  Open();
  std::map<std::string, std::string> model;
  auto put_range = [&](int first, int count, const std::string& value) {
    for (int k = first; k < first + count; k++) {
      char key[16];
      std::snprintf(key, sizeof(key), "k%03d", k);
      ASSERT_TRUE(db_->Put({}, key, value).ok());
      model[key] = value;
    }
  };
  put_range(0, 200, "base");
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  for (int t = 0; t < 25; t++) {
    put_range(t * 7, 20, "t" + std::to_string(t));
    ASSERT_TRUE(db_->Flush().ok());
  }
  put_range(100, 5, "mem");
  std::string files;
  ASSERT_TRUE(db_->GetProperty("lsmdb.num-files-at-level0", &files));
  ASSERT_EQ("25", files);

  std::string expected, expected_reverse;
  for (const auto& [k, v] : model) expected += k + "=" + v + " ";
  for (auto it = model.rbegin(); it != model.rend(); ++it) {
    expected_reverse += it->first + "=" + it->second + " ";
  }
  EXPECT_EQ(expected, Scan());
  EXPECT_EQ(expected_reverse, ScanReverse());
  auto it = db_->NewIterator({});
  it->Seek("k050");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("k050", it->key());
  EXPECT_EQ(model["k050"], it->value());
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("k051", it->key());
  EXPECT_EQ(model["k051"], it->value());
  it->Prev();
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ("k049", it->key());
  EXPECT_EQ(model["k049"], it->value());
}

TEST_F(DBBasicTest, FlushThenReadFromTables) {
  Open();
  for (int i = 0; i < 1000; i++) {
    ASSERT_TRUE(db_->Put({}, "key" + std::to_string(i), std::string(100, 'a' + i % 26)).ok());
  }
  ASSERT_TRUE(db_->Flush().ok());
  std::string v;
  ASSERT_TRUE(db_->GetProperty("lsmdb.num-files-at-level0", &v));
  EXPECT_EQ("1", v);
  EXPECT_EQ(std::string(100, 'a' + 5 % 26), Get("key5"));
  Open();
  EXPECT_EQ(std::string(100, 'a' + 999 % 26), Get("key999"));
  EXPECT_EQ("NOT_FOUND", Get("key1000"));
}

TEST_F(DBBasicTest, BadOptionsAreRejectedByName) {
  options_.write_buffer_size = 10;
  Status s = TryOpen();
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(std::string::npos, s.ToString().find("write_buffer_size")) << s.ToString();
  options_.write_buffer_size = 1 << 20;
  options_.bloom_bits_per_key = -1;
  s = TryOpen();
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(std::string::npos, s.ToString().find("bloom_bits_per_key")) << s.ToString();
  options_.bloom_bits_per_key = 10;
  options_.level0_stop_writes_trigger = 1;
  s = TryOpen();
  EXPECT_NE(std::string::npos, s.ToString().find("level0_stop_writes_trigger")) << s.ToString();
}

TEST_F(DBBasicTest, MissingDatabaseWithoutCreateIfMissing) {
  options_.create_if_missing = false;
  Status s = TryOpen();
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  ASSERT_TRUE(fs_->CreateDirIfMissing("/db").ok());
  s = TryOpen();
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("not an lsmdb database")) << s.ToString();
}

TEST_F(DBBasicTest, ForeignDirectoryIsRefused) {
  ASSERT_TRUE(fs_->CreateDirIfMissing("/db").ok());
  ASSERT_TRUE(fs_->WriteStringToFile("/db/notes.txt", "mine").ok());
  Status s = TryOpen();
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("notes.txt")) << s.ToString();
}

TEST_F(DBBasicTest, DataWithoutCurrentIsNotOverwritten) {
  Open();
  ASSERT_TRUE(db_->Put({}, "a", "1").ok());
  ASSERT_TRUE(db_->Flush().ok());
  db_.reset();
  ASSERT_TRUE(fs_->RemoveFile("/db/CURRENT").ok());
  Status s = TryOpen();
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("RepairDB")) << s.ToString();
  ASSERT_TRUE(RepairDB("/db", options_).ok());
  Open();
  EXPECT_EQ("1", Get("a"));
}

TEST_F(DBBasicTest, ErrorIfExists) {
  Open();
  db_.reset();
  options_.error_if_exists = true;
  EXPECT_TRUE(TryOpen().IsInvalidArgument());
}

TEST_F(DBBasicTest, SecondOpenIsLocked) {
  Open();
  std::unique_ptr<DB> second;
  Status s = DB::Open(options_, "/db", &second);
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("locked")) << s.ToString();
  EXPECT_EQ(nullptr, second);
}

using test::ReverseComparator;

TEST_F(DBBasicTest, ComparatorNameIsChecked) {
  Open();
  ASSERT_TRUE(db_->Put({}, "a", "1").ok());
  db_.reset();
  ReverseComparator rev;
  options_.comparator = &rev;
  Status s = TryOpen();
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(std::string::npos, s.ToString().find("comparator")) << s.ToString();
}

TEST_F(DBBasicTest, CustomComparatorOrdersIterators) {
  ReverseComparator rev;
  options_.comparator = &rev;
  Open();
  for (std::string k : {"a", "b", "c"}) ASSERT_TRUE(db_->Put({}, k, k).ok());
  EXPECT_EQ("c=c b=b a=a ", Scan());
  ASSERT_TRUE(db_->Flush().ok());
  Open();
  EXPECT_EQ("c=c b=b a=a ", Scan());
}

TEST_F(DBBasicTest, OversizedKeysAndValuesAreRejected) {
  Open();
  std::string big_key(kMaxKeySize + 1, 'k');
  Status s = db_->Put({}, big_key, "v");
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(std::string::npos, s.ToString().find("kMaxKeySize"));
  WriteBatch b;
  b.Put("ok", "1");
  b.Put(big_key, "v");
  EXPECT_TRUE(db_->Write({}, &b).IsInvalidArgument());
  EXPECT_EQ("NOT_FOUND", Get("ok")) << "a rejected batch applies nothing";
  WriteOptions wo;
  wo.sync = true;
  wo.disable_wal = true;
  EXPECT_TRUE(db_->Put(wo, "a", "b").IsInvalidArgument());
}

TEST_F(DBBasicTest, Properties) {
  Open();
  std::string v;
  EXPECT_TRUE(db_->GetProperty("lsmdb.stats", &v));
  EXPECT_NE(std::string::npos, v.find("L0")) << v;
  EXPECT_TRUE(db_->GetProperty("lsmdb.approximate-memory-usage", &v));
  EXPECT_GT(std::stoull(v), 0u);
  EXPECT_TRUE(db_->GetProperty("lsmdb.sstables", &v));
  EXPECT_FALSE(db_->GetProperty("lsmdb.no-such-thing", &v));
  EXPECT_FALSE(db_->GetProperty("lsmdb.num-files-at-level99", &v));
}

TEST_F(DBBasicTest, DestroyRemovesEverything) {
  Open();
  ASSERT_TRUE(db_->Put({}, "a", "1").ok());
  EXPECT_TRUE(DestroyDB("/db", options_).IsIOError()) << "locked while open";
  db_.reset();
  ASSERT_TRUE(DestroyDB("/db", options_).ok());
  EXPECT_FALSE(fs_->FileExists("/db"));
  Open();
  EXPECT_EQ("NOT_FOUND", Get("a"));
}

}  // namespace
}  // namespace lsmdb
