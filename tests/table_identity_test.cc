// A table put in the place of another (a valid table of the same size under the other's
// name) is Corruption naming the file when it is opened, never wrong answers: the table
// cache checks the table's properties (first and last internal key, entry count) against
// the MANIFEST's record of the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"

namespace lsmdb {
namespace {

class TableIdentityTest : public ::testing::Test {
 protected:
  Status Open(bool paranoid) {
    db_.reset();
    Options o = test::SmallDBOptions(fs_, /*manual_compactions=*/true);
    o.compression = CompressionType::kNone;
    o.paranoid_checks = paranoid;
    return DB::Open(o, "/db", &db_);
  }
  // One L0 table of the keys k000..k059, each with 100 bytes of fill. Two such tables
  // (60 sequence numbers each, all below 128) have the same size.
  void FlushTable(char fill) {
    for (int i = 0; i < 60; i++) {
      char key[16];
      std::snprintf(key, sizeof(key), "k%03d", i);
      ASSERT_TRUE(db_->Put(WriteOptions(), key, std::string(100, fill)).ok());
    }
    ASSERT_TRUE(db_->Flush().ok());
  }
  std::vector<std::string> Tables() {
    std::vector<std::string> names, r;
    EXPECT_TRUE(fs_->GetChildren("/db", &names).ok());
    for (const auto& n : names) {
      if (n.ends_with(".sst")) r.push_back("/db/" + n);
    }
    std::sort(r.begin(), r.end());
    return r;
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::unique_ptr<DB> db_;
};

TEST_F(TableIdentityTest, SwappedTablesOfTheSameSizeAreCorruption) {
  ASSERT_TRUE(Open(false).ok());
  ASSERT_NO_FATAL_FAILURE(FlushTable('a'));
  ASSERT_NO_FATAL_FAILURE(FlushTable('b'));
  db_.reset();
  const std::vector<std::string> tables = Tables();
  ASSERT_EQ(2u, tables.size());
  std::string a, b;
  ASSERT_TRUE(fs_->ReadFileToString(tables[0], &a).ok());
  ASSERT_TRUE(fs_->ReadFileToString(tables[1], &b).ok());
  ASSERT_EQ(a.size(), b.size()) << "the test needs two tables of one size";
  ASSERT_TRUE(fs_->WriteStringToFile(tables[0], b).ok());
  ASSERT_TRUE(fs_->WriteStringToFile(tables[1], a).ok());
  for (bool paranoid : {false, true}) {
    ASSERT_TRUE(Open(paranoid).ok()) << "sizes match: open has nothing to object to";
    std::string v;
    for (const char* key : {"k000", "k030", "k059"}) {
      Status s = db_->Get(ReadOptions(), key, &v);
      EXPECT_TRUE(s.IsCorruption()) << key << ": " << s.ToString();
      EXPECT_NE(std::string::npos, s.ToString().find(".sst")) << s.ToString();
      EXPECT_NE(std::string::npos, s.ToString().find("MANIFEST record")) << s.ToString();
    }
    std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
    it->SeekToFirst();
    EXPECT_FALSE(it->Valid());
    EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
  }
}

TEST_F(TableIdentityTest, MatchingTablesStayReadable) {
  ASSERT_TRUE(Open(false).ok());
  ASSERT_NO_FATAL_FAILURE(FlushTable('a'));
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  ASSERT_NO_FATAL_FAILURE(FlushTable('b'));
  ASSERT_TRUE(Open(true).ok());
  std::string v;
  ASSERT_TRUE(db_->Get(ReadOptions(), "k030", &v).ok());
  EXPECT_EQ(std::string(100, 'b'), v);
}

}  // namespace
}  // namespace lsmdb
