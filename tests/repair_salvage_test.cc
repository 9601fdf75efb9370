// RepairDB on tables whose footer, index or size is damaged but whose data blocks are
// intact (every record is kept), and on tables that lost data blocks (the loss is counted
// and its key range named in the RepairReport).
//
// Each database has an older table holding every key (round 1) and a newer one that
// overwrites or deletes every key once (round 2): a record lost from the newer table
// shows as an old value or a deleted key come back, never as a missing key only.
#include <gtest/gtest.h>

#include <map>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "lsmdb/repair.h"
#include "sstable/format.h"
#include "tests/util/test_util.h"
#include "version/filename.h"

namespace lsmdb {
namespace {

constexpr char kDb[] = "/db";
constexpr int kKeys = 600;

struct Config {
  int bloom_bits;
  CompressionType compression;
};

class RepairSalvageTest : public ::testing::TestWithParam<Config> {
 protected:
  RepairSalvageTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.file_system = fs_;
    options_.create_if_missing = true;
    options_.block_size = 512;  // many blocks per table
    options_.bloom_bits_per_key = GetParam().bloom_bits;
    options_.compression = GetParam().compression;
  }

  static std::string Key(int i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "key%06d", i);
    return buf;
  }
  // Round 1 puts every key into one table; round 2 overwrites most keys and deletes
  // every 7th, into a second table. victim_ is the second table's path.
  void Build() {
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options_, kDb, &db).ok());
    for (int i = 0; i < kKeys; i++) {
      ASSERT_TRUE(db->Put({}, Key(i), "old-" + std::to_string(i) + std::string(20, 'o')).ok());
    }
    ASSERT_TRUE(db->Flush().ok());
    for (int i = 0; i < kKeys; i++) {
      if (i % 7 == 0) {
        ASSERT_TRUE(db->Delete({}, Key(i)).ok());
        model_.erase(Key(i));
      } else {
        const std::string v = "new-" + std::to_string(i) + std::string(20, 'n');
        ASSERT_TRUE(db->Put({}, Key(i), v).ok());
        model_[Key(i)] = v;
      }
    }
    ASSERT_TRUE(db->Flush().ok());
    db.reset();
    std::vector<std::string> names;
    ASSERT_TRUE(fs_->GetChildren(kDb, &names).ok());
    std::vector<uint64_t> tables;
    for (const auto& name : names) {
      uint64_t number;
      FileType type;
      if (ParseFileName(name, &number, &type) && type == FileType::kTableFile) {
        tables.push_back(number);
      }
    }
    ASSERT_EQ(tables.size(), 2u);
    victim_ = TableFileName(kDb, std::max(tables[0], tables[1]));
    ASSERT_TRUE(fs_->ReadFileToString(victim_, &table_).ok());
    Footer footer;
    ASSERT_TRUE(
        footer.DecodeFrom(std::string_view(table_).substr(table_.size() - 76), victim_).ok());
    footer_ = footer;
  }
  void Damage(const std::string& data) { ASSERT_TRUE(fs_->WriteStringToFile(victim_, data).ok()); }
  void Flip(size_t offset) {
    std::string data = table_;
    ASSERT_LT(offset, data.size());
    data[offset] = static_cast<char>(data[offset] ^ 0x20);
    Damage(data);
  }
  void Repair() {
    Status s = RepairDB(kDb, options_, &report_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  // The keys whose Get or scan answer differs from the model; fails on a read error.
  std::vector<std::string> WrongKeys() {
    std::unique_ptr<DB> db;
    Status s = DB::Open(options_, kDb, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<std::string> wrong;
    if (!s.ok()) return wrong;
    std::map<std::string, std::string> scanned;
    auto it = db->NewIterator({});
    for (it->SeekToFirst(); it->Valid(); it->Next()) scanned[std::string(it->key())] = it->value();
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    for (int i = 0; i < kKeys; i++) {
      const std::string k = Key(i);
      std::string got;
      s = db->Get({}, k, &got);
      EXPECT_TRUE(s.ok() || s.IsNotFound()) << k << ": " << s.ToString();
      auto m = model_.find(k);
      auto sc = scanned.find(k);
      const bool get_right = m == model_.end() ? s.IsNotFound() : (s.ok() && got == m->second);
      const bool scan_right = m == model_.end() ? sc == scanned.end()
                                                : (sc != scanned.end() && sc->second == m->second);
      EXPECT_EQ(get_right, scan_right) << k;
      if (!get_right) wrong.push_back(k);
    }
    return wrong;
  }
  std::string Losses() const {
    std::string r;
    for (const auto& line : report_.losses) r += line + "\n";
    return r;
  }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::map<std::string, std::string> model_;
  std::string victim_;
  std::string table_;
  Footer footer_;
  RepairReport report_;
};

TEST_P(RepairSalvageTest, AppendedByteKeepsEveryRecord) {
  Build();
  Damage(table_ + "x");
  Repair();
  EXPECT_EQ(WrongKeys(), std::vector<std::string>{});
  EXPECT_FALSE(report_.lost()) << Losses();
  EXPECT_EQ(report_.trailing_bytes, 1u);
  EXPECT_EQ(report_.damaged_tables, 1u);
}

TEST_P(RepairSalvageTest, AppendedGarbageKeepsEveryRecord) {
  Build();
  Random rnd(test::RandomSeed());
  Damage(table_ + test::RandomBytes(&rnd, 5000));
  Repair();
  EXPECT_EQ(WrongKeys(), std::vector<std::string>{});
  EXPECT_FALSE(report_.lost()) << Losses();
  EXPECT_EQ(report_.trailing_bytes, 5000u);
}

TEST_P(RepairSalvageTest, CutByteKeepsEveryRecord) {
  Build();
  Damage(table_.substr(0, table_.size() - 1));
  Repair();
  EXPECT_EQ(WrongKeys(), std::vector<std::string>{});
  EXPECT_FALSE(report_.lost()) << Losses();
}

TEST_P(RepairSalvageTest, DamagedFooterKeepsEveryRecord) {
  Build();
  for (size_t back : {3, 10, 20, 70}) {  // magic, checksum, version, handles
    SCOPED_TRACE(back);
    Flip(table_.size() - back);
    Repair();
    EXPECT_EQ(WrongKeys(), std::vector<std::string>{});
    EXPECT_FALSE(report_.lost()) << Losses();
    // Put the original back for the next round (repair rewrote it under a new number).
    fs_ = std::make_shared<MemFileSystem>();
    options_.file_system = fs_;
    model_.clear();
    Build();
  }
}

TEST_P(RepairSalvageTest, DamagedIndexKeepsEveryRecord) {
  Build();
  Flip(footer_.index_handle.offset() + footer_.index_handle.size() / 2);
  Repair();
  EXPECT_EQ(WrongKeys(), std::vector<std::string>{});
  EXPECT_FALSE(report_.lost()) << Losses();
}

// Every key answered wrongly after the repair lies in a range the report names, and the
// count of lost records is exact (the table's properties record its entries).
void ExpectLossReported(const RepairReport& report, const std::vector<std::string>& wrong,
                        const std::string& losses) {
  EXPECT_TRUE(report.lost());
  EXPECT_FALSE(report.uncounted_loss) << losses;
  EXPECT_EQ(report.records_lost, wrong.size()) << losses;
  ASSERT_EQ(report.losses.size(), 1u) << losses;
  for (const auto& k : wrong) {
    // Keys are printable: a range reads `keys "a" .. "b"`; check a <= k <= b.
    bool inside = false;
    const std::string& line = report.losses[0];
    for (size_t at = line.find("keys \""); at != std::string::npos;
         at = line.find("keys \"", at + 1)) {
      const size_t a0 = at + 6, a1 = line.find('"', a0);
      const size_t b0 = line.find('"', a1 + 1) + 1, b1 = line.find('"', b0);
      const std::string lo = line.substr(a0, a1 - a0), hi = line.substr(b0, b1 - b0);
      inside = inside || (lo <= k && k <= hi);
    }
    EXPECT_TRUE(inside) << k << " not in " << line;
  }
}

TEST_P(RepairSalvageTest, FlippedDataBlockCountsTheLoss) {
  Build();
  Flip(table_.size() / 4);  // inside a data block
  Repair();
  const auto wrong = WrongKeys();
  EXPECT_GT(wrong.size(), 0u);
  EXPECT_LT(wrong.size(), 40u) << "more than one block of entries lost";
  ExpectLossReported(report_, wrong, Losses());
}

TEST_P(RepairSalvageTest, FlippedDataBlockAndIndex) {
  // Without the index the damaged block is stepped over by finding the next block.
  Build();
  std::string data = table_;
  data[data.size() / 4] ^= 0x20;
  data[footer_.index_handle.offset() + 3] ^= 0x20;
  Damage(data);
  Repair();
  const auto wrong = WrongKeys();
  EXPECT_GT(wrong.size(), 0u);
  EXPECT_LT(wrong.size(), 40u) << "more than one block of entries lost";
  ExpectLossReported(report_, wrong, Losses());
}

TEST_P(RepairSalvageTest, CutToHalfIsAnUncountedLossFromAKey) {
  Build();
  Damage(table_.substr(0, table_.size() / 2));
  Repair();
  const auto wrong = WrongKeys();
  EXPECT_GT(wrong.size(), 100u);
  EXPECT_TRUE(report_.lost());
  EXPECT_TRUE(report_.uncounted_loss) << Losses();
  ASSERT_EQ(report_.losses.size(), 1u);
  // The loss runs from the last key kept to the end of the key space.
  const std::string& line = report_.losses[0];
  const size_t at = line.find("keys from \"");
  ASSERT_NE(at, std::string::npos) << line;
  const std::string from = line.substr(at + 11, line.find('"', at + 11) - at - 11);
  for (const auto& k : wrong) EXPECT_GE(k, from) << line;
}

TEST_P(RepairSalvageTest, GarbageTableIsAnUncountedLossOfAnyKey) {
  Build();
  Random rnd(test::RandomSeed());
  Damage(test::RandomBytes(&rnd, table_.size()));
  Repair();
  EXPECT_GT(WrongKeys().size(), 100u);
  EXPECT_TRUE(report_.uncounted_loss);
  ASSERT_EQ(report_.losses.size(), 1u);
  EXPECT_NE(report_.losses[0].find("any key may now show an older value"), std::string::npos)
      << report_.losses[0];
}

INSTANTIATE_TEST_SUITE_P(
    Tables, RepairSalvageTest,
    ::testing::Values(Config{10, CompressionType::kNone}, Config{0, CompressionType::kNone},
                      Config{10, CompressionType::kSnappy}),
    [](const auto& param_info) {
      return std::string(param_info.param.bloom_bits ? "Filter" : "NoFilter") +
             (param_info.param.compression == CompressionType::kNone ? "Plain" : "Snappy");
    });

}  // namespace
}  // namespace lsmdb
