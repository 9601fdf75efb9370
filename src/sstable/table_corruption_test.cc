// Damage in every region of a table — each data block, the filter, the index, the
// properties, the footer — and truncation at many lengths: Open() or the read returns
// Corruption naming the file, never a wrong value, never a crash (also run under
// ASan+UBSan).
#include <gtest/gtest.h>

#include "sstable/block.h"
#include "sstable/format.h"
#include "sstable/table_test_helpers.h"

namespace lsmdb {
namespace {

using test::KVVector;

const std::string kName = "000123.sst";

struct Region {
  std::string name;
  uint64_t offset;
  uint64_t size;  // including the trailer
  bool is_data;
};

// The byte ranges of a good table, found by decoding it.
std::vector<Region> Regions(const std::string& bytes) {
  std::vector<Region> regions;
  Footer footer;
  const std::string_view tail =
      std::string_view(bytes).substr(bytes.size() - Footer::kEncodedLength);
  EXPECT_TRUE(footer.DecodeFrom(tail, kName).ok());
  test::StringSource file(bytes);
  BlockContents contents;
  EXPECT_TRUE(ReadBlock(&file, kName, bytes.size(), footer.index_handle, true, &contents).ok());
  Block index(std::move(contents));
  BlockIter it(test::TestInternalComparator(), &index);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    BlockHandle h;
    std::string_view v = it.value();
    EXPECT_TRUE(h.DecodeFrom(&v));
    regions.push_back({"data block", h.offset(), h.size() + kBlockTrailerSize, true});
  }
  auto meta = [&](const char* name, const BlockHandle& h) {
    regions.push_back({name, h.offset(), h.size() + kBlockTrailerSize, false});
  };
  meta("filter", footer.filter_handle);
  meta("index", footer.index_handle);
  meta("properties", footer.properties_handle);
  regions.push_back(
      {"footer", bytes.size() - Footer::kEncodedLength, Footer::kEncodedLength, false});
  return regions;
}

bool NamesFile(const Status& s) { return s.ToString().find(kName) != std::string::npos; }

// Reads everything through a damaged-but-openable table: every answer is either right or
// a Corruption naming the file.
void CheckReadsAreRightOrCorruption(const Table& table, const KVVector& model,
                                    bool expect_some_error) {
  bool saw_error = false;
  auto it = table.NewIterator({});
  size_t i = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), i++) {
    ASSERT_LT(i, model.size());
    ASSERT_EQ(model[i].first, it->key());
    ASSERT_EQ(model[i].second, it->value());
  }
  if (!it->status().ok()) {
    saw_error = true;
    ASSERT_TRUE(it->status().IsCorruption());
    ASSERT_TRUE(NamesFile(it->status())) << it->status().ToString();
  } else {
    ASSERT_EQ(model.size(), i);
  }
  size_t j = model.size();
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    ASSERT_GT(j, 0u);
    j--;
    ASSERT_EQ(model[j].first, it->key());
  }
  if (!it->status().ok()) {
    ASSERT_TRUE(NamesFile(it->status())) << it->status().ToString();
  }

  for (const auto& kv : model) {
    bool called = false;
    Status s = table.Get({}, kv.first, [&](std::string_view fk, std::string_view fv) {
      called = true;
      EXPECT_EQ(kv.first, fk);
      EXPECT_EQ(kv.second, fv);
    });
    if (s.ok()) {
      ASSERT_TRUE(called);
    } else {
      saw_error = true;
      ASSERT_TRUE(s.IsCorruption());
      ASSERT_TRUE(NamesFile(s)) << s.ToString();
    }
  }
  Status v = table.VerifyChecksums();
  if (expect_some_error) {
    EXPECT_TRUE(saw_error);
    EXPECT_TRUE(v.IsCorruption());
    EXPECT_TRUE(NamesFile(v));
  }
}

class TableCorruptionTest : public testing::TestWithParam<CompressionType> {};

TEST_P(TableCorruptionTest, BitFlipsInEveryRegion) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 400);
  const std::string good = test::BuildTable(
      {.comparator = test::TestInternalComparator(), .block_size = 2048, .compression = GetParam()},
      model);
  const std::vector<Region> regions = Regions(good);
  ASSERT_GE(regions.size(), 6u);  // several data blocks + 4 meta regions
  uint64_t covered = 0;
  for (const Region& r : regions) covered += r.size;
  ASSERT_EQ(good.size(), covered);  // the regions tile the file

  for (const Region& region : regions) {
    SCOPED_TRACE(region.name + " at " + std::to_string(region.offset));
    // About 40 bytes of each meta region, a few of each data block, always a byte of
    // the trailer.
    std::vector<uint64_t> positions;
    const uint64_t samples = region.is_data ? 3 : 40;
    const uint64_t step = std::max<uint64_t>(1, region.size / samples);
    for (uint64_t p = rnd.Uniform(step); p < region.size; p += step) positions.push_back(p);
    positions.push_back(region.size - 1 - rnd.Uniform(std::min<uint64_t>(region.size, 5)));
    for (uint64_t pos : positions) {
      std::string bad = good;
      bad[region.offset + pos] ^= static_cast<char>(1 << rnd.Uniform(8));
      {
        TableReaderOptions ro = test::ReaderOptions(kName);
        ro.paranoid_checks = rnd.OneIn(2);
        if (rnd.OneIn(2)) ro.block_cache = std::make_shared<test::TestCache>();
        const bool mapped = rnd.OneIn(2);  // uncompressed blocks then read in place
        SCOPED_TRACE(mapped ? "mapped" : "read");
        std::unique_ptr<Table> table;
        Status s = test::OpenTable(bad, ro, &table, mapped);
        if (!region.is_data) {
          ASSERT_TRUE(s.IsCorruption()) << pos << " " << s.ToString();
          ASSERT_TRUE(NamesFile(s)) << s.ToString();
          continue;
        }
        // Open reads no data block: the damage shows when the block is read.
        ASSERT_TRUE(s.ok()) << s.ToString();
        CheckReadsAreRightOrCorruption(*table, model, true);
      }
    }
  }
}

TEST_P(TableCorruptionTest, TruncationAtManyLengths) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 300);
  const std::string good = test::BuildTable(
      {.comparator = test::TestInternalComparator(), .block_size = 1024, .compression = GetParam()},
      model);
  // Every length near the end (cutting the footer), a sample elsewhere.
  const uint64_t tail_start = good.size() - std::min<uint64_t>(good.size(), 200);
  for (uint64_t len = 0; len < good.size();
       len += len >= tail_start ? 1 : 1 + rnd.Uniform(good.size() / 150 + 1)) {
    std::unique_ptr<Table> table;
    Status s =
        test::OpenTable(good.substr(0, len), test::ReaderOptions(kName), &table, rnd.OneIn(2));
    ASSERT_TRUE(s.IsCorruption()) << len << " " << s.ToString();
    ASSERT_TRUE(NamesFile(s)) << s.ToString();
  }
  // Chopping the end off and appending garbage, or zeroing the footer.
  std::string zeroed = good;
  std::fill(zeroed.end() - Footer::kEncodedLength, zeroed.end(), '\0');
  std::unique_ptr<Table> table;
  Status s = test::OpenTable(zeroed, test::ReaderOptions(kName), &table);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_TRUE(NamesFile(s));
  s = test::OpenTable(good + "x", test::ReaderOptions(kName), &table);
  EXPECT_TRUE(s.IsCorruption());
}

// A file that claims to be larger than it is (a short read) is Corruption too.
TEST_P(TableCorruptionTest, ShortReads) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 100);
  const std::string good = test::BuildTable(
      {.comparator = test::TestInternalComparator(), .compression = GetParam()}, model);
  std::unique_ptr<Table> table;
  Status s = Table::Open(test::ReaderOptions(kName), std::make_unique<test::StringSource>(good),
                         good.size() + 10, &table);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

// Keys too short to be internal keys (a checksum-valid table the reader cannot trust):
// Corruption, not a misread.
TEST(TableShortKeyTest, ShortKeysInAnInternalKeyTable) {
  KVVector model;
  for (int i = 0; i < 100; i++) model.emplace_back(std::to_string(1000 + i), "v");
  const std::string bytes = test::BuildTable(
      {.comparator = BytewiseComparator(), .block_size = 64, .keys_are_internal = false}, model);
  std::unique_ptr<Table> table;
  TableReaderOptions ro = test::ReaderOptions(kName);
  ro.paranoid_checks = true;
  Status s = test::OpenTable(bytes, ro, &table);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  ro.paranoid_checks = false;
  ASSERT_TRUE(test::OpenTable(bytes, ro, &table).ok());
  auto it = table->NewIterator({});
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
  EXPECT_TRUE(NamesFile(it->status())) << it->status().ToString();
  s = table->Get({}, test::IKey("1050", 1), [](std::string_view, std::string_view) {
    ADD_FAILURE() << "no entry may be returned";
  });
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_TRUE(table->VerifyChecksums().IsCorruption());
}

INSTANTIATE_TEST_SUITE_P(Codecs, TableCorruptionTest,
                         testing::Values(CompressionType::kNone, CompressionType::kSnappy,
                                         CompressionType::kLz4, CompressionType::kZstd));

}  // namespace
}  // namespace lsmdb
