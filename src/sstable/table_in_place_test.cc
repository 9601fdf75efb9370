// Tables over memory-mapped files (RandomAccessFile::MappedContents()): uncompressed data
// blocks are used in place, each checksum-verified the first time it is read; compressed
// blocks and paranoid readers still go through the block cache.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "sstable/block.h"
#include "sstable/format.h"
#include "sstable/table.h"
#include "sstable/table_test_helpers.h"

namespace lsmdb {
namespace {

using test::BuildTable;
using test::DoGet;
using test::KVVector;
using test::OpenTable;
using test::ReaderOptions;

struct Opened {
  std::shared_ptr<test::TestCache> cache = std::make_shared<test::TestCache>();
  ReadStats stats;
  test::StringSource* file = nullptr;
  std::unique_ptr<Table> table;
};

void OpenMapped(const std::string& bytes, bool paranoid, Opened* o) {
  TableReaderOptions ro = ReaderOptions();
  ro.block_cache = o->cache;
  ro.stats = &o->stats;
  ro.paranoid_checks = paranoid;
  auto source = std::make_unique<test::StringSource>(bytes, /*mapped=*/true);
  o->file = source.get();
  ASSERT_TRUE(Table::Open(ro, std::move(source), bytes.size(), &o->table).ok());
}

TEST(TableInPlaceTest, UncompressedBlocksOfAMappedFileAreReadInPlace) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 2000);
  const std::string bytes =
      BuildTable({.comparator = test::TestInternalComparator(), .block_size = 1024}, model);
  Opened o;
  OpenMapped(bytes, false, &o);
  const uint64_t reads_after_open = o.file->reads();
  test::CheckTable(*o.table, model, &rnd);
  // No block was copied out of the file, none entered the cache.
  EXPECT_EQ(reads_after_open, o.file->reads());
  EXPECT_EQ(0u, o.cache->size());
  EXPECT_EQ(0u, o.stats.block_cache_miss.load());
  EXPECT_EQ(0u, o.stats.block_cache_hit.load());
  EXPECT_GE(o.stats.block_read_in_place.load(), o.table->properties().num_data_blocks);
  // Unverified reads are in place too, and right for an intact file.
  ReadOptions unverified;
  unverified.verify_checksums = false;
  for (size_t i = 0; i < model.size(); i += 7) {
    EXPECT_EQ(model[i].second, DoGet(*o.table, model[i].first, unverified).value);
  }
}

// The data blocks of a table stored without compression (the builder keeps a block
// uncompressed when compressing saves too little), found through its footer and index.
size_t UncompressedDataBlocks(const std::string& bytes) {
  Footer footer;
  EXPECT_TRUE(
      footer.DecodeFrom(std::string_view(bytes).substr(bytes.size() - Footer::kEncodedLength), "t")
          .ok());
  test::StringSource file(bytes);
  BlockContents contents;
  EXPECT_TRUE(ReadBlock(&file, "t", bytes.size(), footer.index_handle, true, &contents).ok());
  Block index(std::move(contents));
  BlockIter it(test::TestInternalComparator(), &index);
  size_t n = 0;
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    BlockHandle h;
    std::string_view v = it.value();
    EXPECT_TRUE(h.DecodeFrom(&v));
    if (bytes[h.offset() + h.size()] == static_cast<char>(CompressionType::kNone)) n++;
  }
  return n;
}

// Compressed blocks are decompressed once, into the cache; blocks the builder left
// uncompressed in the same table are read in place.
TEST(TableInPlaceTest, CompressedBlocksOfAMappedFileGoThroughTheCache) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 2000);
  const std::string bytes = BuildTable({.comparator = test::TestInternalComparator(),
                                        .block_size = 1024,
                                        .compression = CompressionType::kLz4},
                                       model);
  const size_t uncompressed = UncompressedDataBlocks(bytes);
  Opened o;
  OpenMapped(bytes, false, &o);
  test::CheckTable(*o.table, model, &rnd);
  const uint64_t blocks = o.table->properties().num_data_blocks;
  ASSERT_LT(uncompressed, blocks) << "the model's values compress";
  EXPECT_EQ(blocks - uncompressed, o.cache->size());
  EXPECT_EQ(uncompressed == 0, o.stats.block_read_in_place.load() == 0);
}

TEST(TableInPlaceTest, ParanoidReadersGoThroughTheCache) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 1000);
  const std::string bytes =
      BuildTable({.comparator = test::TestInternalComparator(), .block_size = 1024}, model);
  Opened o;
  OpenMapped(bytes, true, &o);
  test::CheckTable(*o.table, model, &rnd);
  EXPECT_EQ(0u, o.stats.block_read_in_place.load());
  EXPECT_EQ(o.table->properties().num_data_blocks, o.cache->size());
}

// A table of 1,000 entries in 1 KiB blocks, and a copy of it with one bit flipped in
// its second data block, which holds `victim`.
struct DamagedTable {
  KVVector model;
  std::string good;     // the table's bytes
  std::string damaged;  // the same with the flip
  uint64_t offset = 0;  // of the damaged block
  std::string victim;   // a key in the damaged block
};

void MakeDamagedTable(Random* rnd, DamagedTable* t) {
  t->model = test::InternalModel(rnd, 1000);
  t->good =
      BuildTable({.comparator = test::TestInternalComparator(), .block_size = 1024}, t->model);
  Opened o;
  OpenMapped(t->good, false, &o);
  ASSERT_GE(o.table->properties().num_data_blocks, 3u);
  t->victim = t->model[t->model.size() / 2].first;
  t->offset = o.table->ApproximateOffsetOf(t->victim);
  ASSERT_GT(t->offset, 0u);
  t->damaged = t->good;
  t->damaged[t->offset + 10] ^= 0x20;
}

// Reading t's victim from table (opened over t.damaged) is Corruption naming the block,
// `rounds` times over, while the first and last entries (other blocks) read fine.
void ExpectDamaged(const Table& table, const DamagedTable& t, int rounds) {
  for (int round = 0; round < rounds; round++) {
    Status s = table.Get({}, t.victim, [](std::string_view, std::string_view) {
      ADD_FAILURE() << "no entry may come from a damaged block";
    });
    ASSERT_TRUE(s.IsCorruption()) << round << " " << s.ToString();
    EXPECT_NE(std::string::npos, s.ToString().find("checksum mismatch")) << s.ToString();
    EXPECT_NE(std::string::npos, s.ToString().find(std::to_string(t.offset))) << s.ToString();
    auto it = table.NewIterator({});
    it->Seek(t.victim);
    EXPECT_FALSE(it->Valid());
    EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
  }
  EXPECT_EQ(t.model[0].second, DoGet(table, t.model[0].first).value);
  EXPECT_EQ(t.model.back().second, DoGet(table, t.model.back().first).value);
}

// A damaged block is reported on every read, not only the first: a failed check
// records nothing. Its neighbours read fine.
TEST(TableInPlaceTest, ADamagedBlockIsCorruptionOnEveryRead) {
  Random rnd(test::RandomSeed());
  DamagedTable t;
  MakeDamagedTable(&rnd, &t);
  if (HasFatalFailure()) return;
  Opened o;
  OpenMapped(t.damaged, false, &o);
  ExpectDamaged(*o.table, t, 3);
}

// Warm (for a table just written) announces the whole file and verifies its blocks
// ahead of readers; a damaged block is left unrecorded, so reads still find it damaged.
TEST(TableInPlaceTest, WarmAnnouncesTheFileAndLeavesDamagedBlocksToReaders) {
  Random rnd(test::RandomSeed());
  DamagedTable t;
  MakeDamagedTable(&rnd, &t);
  if (HasFatalFailure()) return;
  Opened good;
  OpenMapped(t.good, false, &good);
  good.table->Warm();
  EXPECT_EQ(1u, good.file->will_reads());
  EXPECT_EQ(t.good.size(), good.file->will_read_bytes());
  for (const auto& [k, v] : t.model) ASSERT_EQ(v, DoGet(*good.table, k).value);

  Opened o;
  OpenMapped(t.damaged, false, &o);
  o.table->Warm();
  o.table->Warm();  // again: nothing changes
  ExpectDamaged(*o.table, t, 2);

  // A table read through the cache (not mapped) is only announced.
  auto source = std::make_unique<test::StringSource>(t.damaged, /*mapped=*/false);
  test::StringSource* file = source.get();
  std::unique_ptr<Table> unmapped;
  ASSERT_TRUE(Table::Open(ReaderOptions(), std::move(source), t.damaged.size(), &unmapped).ok());
  const uint64_t reads_after_open = file->reads();
  unmapped->Warm();
  EXPECT_EQ(1u, file->will_reads());
  EXPECT_EQ(reads_after_open, file->reads());
  ExpectDamaged(*unmapped, t, 1);
}

// Warm leaves a table that is not wholly in memory alone: no hint (which would read the
// file from the device) and no block verified (which would touch every page). Seen from
// outside: bytes damaged after Warm are still caught by the first read's check.
TEST(TableInPlaceTest, WarmSkipsATableNotInMemory) {
  Random rnd(test::RandomSeed());
  DamagedTable t;
  MakeDamagedTable(&rnd, &t);
  if (HasFatalFailure()) return;
  Opened o;
  OpenMapped(t.good, false, &o);
  o.file->set_in_memory(false);
  o.table->Warm();
  EXPECT_EQ(0u, o.file->will_reads());
  // The "device" now returns the damaged bytes (the mapping is writable in this test).
  char* mapped = const_cast<char*>(o.file->MappedContents().data());
  mapped[t.offset + 10] = t.damaged[t.offset + 10];
  ExpectDamaged(*o.table, t, 1);
}

// A scan that crosses blocks announces the stretch ahead once per MiB; seeks followed by
// short reads announce nothing.
TEST(TableInPlaceTest, ForwardScansAnnounceTheStretchAhead) {
  Random rnd(test::RandomSeed());
  KVVector model;
  for (int i = 0; i < 30000; i++)
    model.emplace_back(test::IKey(test::UserKeyOf(i), 5), std::string(100, 'v'));
  const std::string bytes = BuildTable({.comparator = test::TestInternalComparator()}, model);
  ASSERT_GT(bytes.size(), size_t{3} << 20);
  Opened o;
  OpenMapped(bytes, false, &o);
  auto it = o.table->NewIterator({});
  for (int i = 0; i < 200; i++) {
    it->Seek(model[rnd.Uniform(model.size())].first);
    for (int step = 0; step < 40 && it->Valid(); step++) it->Next();  // within ~2 blocks
  }
  EXPECT_EQ(0u, o.file->will_reads());
  size_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
  ASSERT_EQ(model.size(), n);
  // About one hint per MiB of data blocks, from the fourth block on, together covering
  // the rest of the data blocks (the file ends with its filter and index).
  const uint64_t mib = bytes.size() >> 20;
  EXPECT_GE(o.file->will_reads(), mib - 1);
  EXPECT_LE(o.file->will_reads(), mib + 1);
  EXPECT_EQ(o.file->will_reads() << 20, o.file->will_read_bytes());
  EXPECT_GE(o.file->will_read_bytes() + (256 << 10), bytes.size());
}

// Readers on several threads verify and mark blocks at once (the marks are atomic; run
// under TSan).
TEST(TableInPlaceTest, ConcurrentReadersOfAMappedTable) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 3000);
  const std::string bytes =
      BuildTable({.comparator = test::TestInternalComparator(), .block_size = 512}, model);
  Opened o;
  OpenMapped(bytes, false, &o);
  EXPECT_EQ(0, test::ConcurrentReadFailures(*o.table, model, rnd.Next()));
  EXPECT_EQ(0u, o.cache->size());
}

}  // namespace
}  // namespace lsmdb
