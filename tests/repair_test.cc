// RepairDB: a database that lost its MANIFEST, whose CURRENT is garbage, or whose
// tables or logs are damaged is rebuilt and opens with every intact record.
#include <gtest/gtest.h>

#include <map>

#include "db/table_file_writer.h"
#include "io/file_util.h"
#include "io/mem_file_system.h"
#include "lsmdb/comparator.h"
#include "lsmdb/db.h"
#include "tests/util/test_util.h"
#include "util/internal_key.h"
#include "version/filename.h"

namespace lsmdb {
namespace {

constexpr char kDb[] = "/db";

class RepairTest : public ::testing::Test {
 protected:
  RepairTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.file_system = fs_;
    options_.create_if_missing = true;
    options_.block_size = 256;  // many blocks per table
    options_.compression = CompressionType::kNone;
  }

  void Open() { ASSERT_TRUE(TryOpen().ok()) << TryOpen().ToString(); }
  Status TryOpen() {
    db_.reset();
    return DB::Open(options_, kDb, &db_);
  }
  void Put(const std::string& k, const std::string& v) {
    ASSERT_TRUE(db_->Put({}, k, v).ok());
    model_[k] = v;
  }
  void Delete(const std::string& k) {
    ASSERT_TRUE(db_->Delete({}, k).ok());
    model_.erase(k);
  }
  // Writes keys [from, to) with values tagged by round, then flushes if asked.
  void Fill(int from, int to, int round, bool flush) {
    for (int i = from; i < to; i++) Put(Key(i), "value-" + std::to_string(round) + "-" + Key(i));
    if (flush) {
      ASSERT_TRUE(db_->Flush().ok());
    }
  }
  static std::string Key(int i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "key%06d", i);
    return buf;
  }
  // Every entry of the open database.
  std::map<std::string, std::string> Contents() {
    std::map<std::string, std::string> r;
    auto it = db_->NewIterator({});
    for (it->SeekToFirst(); it->Valid(); it->Next()) r[std::string(it->key())] = it->value();
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return r;
  }
  // Checks that Get and the iterator agree with the model, key by key.
  void ExpectModel() {
    EXPECT_EQ(Contents(), model_);
    for (const auto& [k, v] : model_) {
      std::string got;
      Status s = db_->Get({}, k, &got);
      ASSERT_TRUE(s.ok()) << k << ": " << s.ToString();
      EXPECT_EQ(got, v) << k;
    }
  }
  std::vector<std::string> Children(const std::string& dir = kDb) {
    std::vector<std::string> names;
    EXPECT_TRUE(fs_->GetChildren(dir, &names).ok());
    std::sort(names.begin(), names.end());
    return names;
  }
  std::vector<std::string> Named(FileType want) {
    std::vector<std::string> r;
    for (const auto& name : Children()) {
      uint64_t number;
      FileType type;
      if (ParseFileName(name, &number, &type) && type == want) r.push_back(name);
    }
    return r;
  }
  void RemoveAll(FileType type) {
    for (const auto& name : Named(type)) {
      ASSERT_TRUE(fs_->RemoveFile(std::string(kDb) + "/" + name).ok());
    }
  }
  void FlipByte(const std::string& path, size_t offset) {
    std::string data;
    ASSERT_TRUE(fs_->ReadFileToString(path, &data).ok());
    ASSERT_LT(offset, data.size());
    data[offset] = static_cast<char>(data[offset] ^ 0x40);
    ASSERT_TRUE(fs_->WriteStringToFile(path, data).ok());
  }
  void Repair() {
    db_.reset();
    Status s = RepairDB(kDb, options_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
  std::map<std::string, std::string> model_;
};

TEST_F(RepairTest, MissingManifestAndCurrent) {
  Open();
  Fill(0, 300, 1, true);
  Fill(200, 500, 2, true);
  for (int i = 0; i < 500; i += 7) Delete(Key(i));
  Fill(450, 600, 3, false);  // only in the log
  db_.reset();
  RemoveAll(FileType::kDescriptorFile);
  RemoveAll(FileType::kCurrentFile);
  options_.create_if_missing = false;
  EXPECT_FALSE(TryOpen().ok());
  options_.create_if_missing = true;
  Repair();
  Open();
  ExpectModel();
  // The database keeps working: writes, flushes and a reopen.
  Fill(590, 700, 4, true);
  Open();
  ExpectModel();
}

TEST_F(RepairTest, GarbageCurrent) {
  Open();
  Fill(0, 400, 1, true);
  Fill(100, 200, 2, false);
  db_.reset();
  ASSERT_TRUE(fs_->WriteStringToFile(std::string(kDb) + "/CURRENT", "\x01garbage\xff").ok());
  Status s = TryOpen();
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  Repair();
  Open();
  ExpectModel();
  // The old MANIFEST went to lost/.
  bool archived = false;
  for (const auto& name : Children(std::string(kDb) + "/lost")) {
    archived = archived || name.starts_with("MANIFEST-");
  }
  EXPECT_TRUE(archived);
}

TEST_F(RepairTest, IntactDatabaseIsUnchangedAndRepairIsRepeatable) {
  Open();
  Fill(0, 300, 1, true);
  Fill(0, 100, 2, true);
  Fill(50, 80, 3, false);
  db_.reset();
  Repair();
  Open();
  ExpectModel();
  Repair();
  Open();
  ExpectModel();
}

TEST_F(RepairTest, FlippedBitInTable) {
  // Three tables of distinct keys, so that a lost entry can never be shadowed by an older
  // version: after the repair each key is either absent or holds its one value.
  Open();
  Fill(0, 300, 1, true);
  Fill(300, 600, 1, true);
  Fill(600, 900, 1, true);
  db_.reset();
  const std::vector<std::string> tables = Named(FileType::kTableFile);
  ASSERT_EQ(tables.size(), 3u);
  const std::string victim = std::string(kDb) + "/" + tables[1];
  uint64_t size = 0;
  ASSERT_TRUE(fs_->GetFileSize(victim, &size).ok());
  FlipByte(victim, size / 4);  // inside a data block
  Repair();
  Open();
  const auto contents = Contents();
  size_t lost = 0;
  for (const auto& [k, v] : model_) {
    auto it = contents.find(k);
    if (it == contents.end()) {
      lost++;
      EXPECT_GE(k, Key(300));
      EXPECT_LT(k, Key(600));
      continue;
    }
    EXPECT_EQ(it->second, v) << k;
    std::string got;
    ASSERT_TRUE(db_->Get({}, k, &got).ok()) << k;
    EXPECT_EQ(got, v);
  }
  EXPECT_EQ(contents.size() + lost, model_.size());
  EXPECT_GT(lost, 0u);
  EXPECT_LT(lost, 30u) << "more than one block of entries lost";
  // The damaged original is kept in lost/.
  const auto archived = Children(std::string(kDb) + "/lost");
  EXPECT_NE(std::find(archived.begin(), archived.end(), tables[1]), archived.end());
}

// The data blocks are intact: they are found without the footer.
TEST_F(RepairTest, DamagedTableFooterKeepsTheTable) {
  Open();
  Fill(0, 100, 1, true);
  Fill(100, 200, 1, true);
  db_.reset();
  const std::vector<std::string> tables = Named(FileType::kTableFile);
  ASSERT_EQ(tables.size(), 2u);
  const std::string victim = std::string(kDb) + "/" + tables[0];
  uint64_t size = 0;
  ASSERT_TRUE(fs_->GetFileSize(victim, &size).ok());
  FlipByte(victim, size - 3);  // the magic number
  Repair();
  Open();
  ExpectModel();
}

TEST_F(RepairTest, DamagedLogKeepsTheOtherRecords) {
  Open();
  for (int i = 0; i < 300; i++) Put(Key(i), std::string(300, 'a' + i % 26));
  db_.reset();
  const std::vector<std::string> logs = Named(FileType::kLogFile);
  ASSERT_FALSE(logs.empty());
  const std::string log = std::string(kDb) + "/" + logs.back();
  FlipByte(log, 40000);  // a record in the second 32 KiB block
  ASSERT_FALSE(TryOpen().ok());
  Repair();
  Open();
  const auto contents = Contents();
  // The reader skips from the damaged record to the end of its 32 KiB block: about 100
  // records of 330 bytes at most. Records before and after that block are kept.
  EXPECT_LT(contents.size(), model_.size());
  EXPECT_GT(contents.size(), model_.size() - 100);
  EXPECT_EQ(contents.count(Key(0)), 1u);
  EXPECT_EQ(contents.count(Key(299)), 1u);
  for (const auto& [k, v] : contents) EXPECT_EQ(model_.at(k), v) << k;
  // The log is not replayed again.
  Open();
  EXPECT_EQ(Contents(), contents);
}

// Tables whose key ranges and sequence ranges overlap, as compaction outputs of different
// levels can: L0's order by largest sequence would find the older "k" first.
TEST_F(RepairTest, TablesOverlappingInSequencesAreMerged) {
  ASSERT_TRUE(fs_->CreateDirIfMissing(kDb).ok());
  const InternalKeyComparator icmp(BytewiseComparator());
  TableOptions topts;
  topts.comparator = &icmp;
  auto write = [&](uint64_t number, std::vector<std::pair<std::string, SequenceNumber>> keys) {
    TableFileWriter w(kDb, fs_.get(), topts, number);
    for (const auto& [k, seq] : keys) {
      std::string ikey;
      AppendInternalKey(&ikey, k, seq, ValueType::kValue);
      w.Add(ikey, k + "@" + std::to_string(seq));
    }
    FileMetaData meta;
    ASSERT_TRUE(w.Finish(&meta).ok());
  };
  write(5, {{"a", 3}, {"k", 10}, {"z", 200}});
  write(6, {{"k", 150}, {"m", 151}});
  write(7, {{"zz", 300}});
  Repair();
  Open();
  model_ = {{"a", "a@3"}, {"k", "k@150"}, {"m", "m@151"}, {"z", "z@200"}, {"zz", "zz@300"}};
  ExpectModel();
  // The merged originals are gone; new writes get sequence numbers above every old one.
  Put("k", "newest");
  ExpectModel();
  Open();
  ExpectModel();
}

TEST_F(RepairTest, CompactedDatabase) {
  Open();
  Fill(0, 400, 1, true);
  Fill(0, 400, 2, true);
  Status s = db_->CompactRange(nullptr, nullptr);
  if (!s.ok()) GTEST_SKIP() << "CompactRange: " << s.ToString();
  Fill(100, 150, 3, true);
  for (int i = 0; i < 400; i += 5) Delete(Key(i));
  Fill(120, 130, 4, false);
  db_.reset();
  RemoveAll(FileType::kDescriptorFile);
  Repair();
  Open();
  ExpectModel();
}

TEST_F(RepairTest, Errors) {
  // No directory, an empty one, one locked by an open database.
  EXPECT_FALSE(RepairDB("/nothing", options_).ok());
  ASSERT_TRUE(fs_->CreateDirIfMissing("/empty").ok());
  EXPECT_TRUE(RepairDB("/empty", options_).IsInvalidArgument());
  Open();
  Fill(0, 10, 1, false);
  EXPECT_FALSE(RepairDB(kDb, options_).ok());
  ExpectModel();
}

}  // namespace
}  // namespace lsmdb
