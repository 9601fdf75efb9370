#include "sstable/table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <thread>

#include "sstable/table_test_helpers.h"

// Heap allocations made by this thread while counting is on (for the Get-on-cache-hit
// promise). The replacement operators forward to malloc/free.
namespace {
thread_local bool t_count_allocations = false;
thread_local uint64_t t_allocations = 0;
}  // namespace

// ThreadSanitizer's runtime defines the global allocation operators itself: there the
// counting operators are left out, and so is the test that needs them.
#if defined(__SANITIZE_THREAD__)
#define LSMDB_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LSMDB_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef LSMDB_COUNT_ALLOCATIONS
#define LSMDB_COUNT_ALLOCATIONS 1
#endif

#if LSMDB_COUNT_ALLOCATIONS
// GCC cannot see that these operators pair malloc with free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(size_t n) {
  if (t_count_allocations) t_allocations++;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
#endif

namespace lsmdb {
namespace {

using test::BuildTable;
using test::CheckTable;
using test::DoGet;
using test::GetResult;
using test::IKey;
using test::KVVector;
using test::OpenTable;
using test::ReaderOptions;
using test::UserKeyOf;

constexpr CompressionType kAllCodecs[] = {CompressionType::kNone, CompressionType::kSnappy,
                                          CompressionType::kLz4, CompressionType::kZstd};

TEST(TableTest, RoundTripAcrossCodecsBlockSizesAndRestartIntervals) {
  Random rnd(test::RandomSeed());
  for (CompressionType codec : kAllCodecs) {
    for (size_t block_size : {size_t{256}, size_t{4096}, size_t{65536}}) {
      for (int interval : {1, 16, 1024}) {
        SCOPED_TRACE(testing::Message() << "codec " << static_cast<int>(codec) << " block "
                                        << block_size << " restart " << interval);
        KVVector model = test::InternalModel(&rnd, 300 + rnd.Uniform(300));
        TableOptions to{.comparator = test::TestInternalComparator(),
                        .block_size = block_size,
                        .block_restart_interval = interval,
                        .compression = codec};
        TableProperties built;
        std::string bytes = BuildTable(to, model, &built);
        std::unique_ptr<Table> table;
        ASSERT_TRUE(OpenTable(bytes, ReaderOptions(), &table).ok());
        const TableProperties& p = table->properties();
        EXPECT_EQ(built.ToString(), p.ToString());
        EXPECT_EQ(model.size(), p.num_entries);
        EXPECT_EQ(model.front().first, p.smallest_key);
        EXPECT_EQ(model.back().first, p.largest_key);
        EXPECT_EQ(codec, p.compression);
        EXPECT_EQ(kTableFormatVersion, p.format_version);
        EXPECT_GT(p.num_data_blocks, 0u);
        EXPECT_GT(p.filter_bytes, 0u);
        EXPECT_LT(p.data_bytes + p.index_bytes + p.filter_bytes, bytes.size());
        if (codec != CompressionType::kNone) {
          EXPECT_LT(p.data_bytes, p.raw_key_bytes + p.raw_value_bytes);
        }
        ASSERT_TRUE(table->VerifyChecksums().ok());
        CheckTable(*table, model, &rnd);
      }
    }
  }
}

TEST(TableTest, PropertiesCountDeletionsAndSequences) {
  KVVector model = {{IKey("a", 9), "x"},
                    {IKey("a", 3, ValueType::kDeletion), ""},
                    {IKey("b", 100), "yy"},
                    {IKey("c", 2, ValueType::kDeletion), ""}};
  TableProperties p;
  BuildTable({.comparator = test::TestInternalComparator()}, model, &p);
  EXPECT_EQ(4u, p.num_entries);
  EXPECT_EQ(2u, p.num_deletions);
  EXPECT_EQ(2u, p.smallest_seq);
  EXPECT_EQ(100u, p.largest_seq);
  EXPECT_EQ(3u, p.raw_value_bytes);
  EXPECT_EQ(4u * 9, p.raw_key_bytes);
  EXPECT_GT(p.creation_time, 1600000000u);
}

TEST(TableTest, HugeKeysAndValues) {
  Random rnd(test::RandomSeed());
  std::string huge_key = "b" + test::RandomString(&rnd, (size_t{1} << 20) - 1);
  std::string huge_value =
      test::RandomBytes(&rnd, size_t{4} << 20) + std::string(size_t{4} << 20, 'v');
  KVVector model = {{IKey("a", 1), "small"},
                    {IKey(huge_key, 5), "v"},
                    {IKey("c", 7), huge_value},
                    {IKey(huge_key.substr(0, 1) + "d", 2), huge_value.substr(0, 1000)}};
  std::sort(model.begin(), model.end(), [](const auto& a, const auto& b) {
    return test::TestInternalComparator()->Compare(a.first, b.first) < 0;
  });
  for (CompressionType codec : kAllCodecs) {
    SCOPED_TRACE(static_cast<int>(codec));
    std::string bytes =
        BuildTable({.comparator = test::TestInternalComparator(), .compression = codec}, model);
    std::unique_ptr<Table> table;
    ASSERT_TRUE(OpenTable(bytes, ReaderOptions(), &table).ok());
    test::CheckFullScans(table->NewIterator({}).get(), model);
    for (const auto& [k, v] : model) {
      GetResult r = DoGet(*table, k);
      ASSERT_TRUE(r.called);
      ASSERT_TRUE(r.key == k && r.value == v);
    }
    ASSERT_TRUE(table->VerifyChecksums().ok());
  }
}

TEST(TableTest, EmptyTable) {
  for (int bits : {0, 10}) {
    TableProperties p;
    std::string bytes = BuildTable(
        {.comparator = test::TestInternalComparator(), .bloom_bits_per_key = bits}, {}, &p);
    std::unique_ptr<Table> table;
    ASSERT_TRUE(OpenTable(bytes, ReaderOptions(), &table).ok());
    EXPECT_EQ(0u, table->properties().num_entries);
    EXPECT_EQ(0u, table->properties().num_data_blocks);
    auto it = table->NewIterator({});
    it->SeekToFirst();
    EXPECT_FALSE(it->Valid());
    it->SeekToLast();
    EXPECT_FALSE(it->Valid());
    it->Seek(IKey("a", 1));
    EXPECT_FALSE(it->Valid());
    EXPECT_TRUE(it->status().ok());
    EXPECT_FALSE(DoGet(*table, IKey("a", 1)).called);
    EXPECT_EQ(bits == 0, table->KeyMayMatch("a"));
    EXPECT_EQ(0u, table->ApproximateOffsetOf(IKey("a", 1)));
    EXPECT_TRUE(table->VerifyChecksums().ok());
    TableReaderOptions paranoid = ReaderOptions();
    paranoid.paranoid_checks = true;
    EXPECT_TRUE(OpenTable(bytes, paranoid, &table).ok());
  }
}

TEST(TableTest, OneEntryTable) {
  KVVector model = {{IKey("only", 42), "value"}};
  std::string bytes = BuildTable({.comparator = test::TestInternalComparator()}, model);
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ReaderOptions(), &table).ok());
  test::CheckFullScans(table->NewIterator({}).get(), model);
  GetResult r = DoGet(*table, IKey("only", 100));  // newer snapshot: finds seq 42
  ASSERT_TRUE(r.called);
  EXPECT_EQ(model[0].first, r.key);
  EXPECT_FALSE(DoGet(*table, IKey("only", 41)).called);  // older than every version
  EXPECT_FALSE(DoGet(*table, IKey("zzz", 1)).called);
  EXPECT_EQ(1u, table->properties().num_data_blocks);
}

TEST(TableTest, PlainKeysWithoutFilter) {
  Random rnd(test::RandomSeed());
  KVVector model;
  for (int i = 0; i < 3000; i++) model.emplace_back(UserKeyOf(i), std::to_string(i * 7));
  TableOptions to{.comparator = BytewiseComparator(),
                  .block_size = 512,
                  .bloom_bits_per_key = 0,
                  .keys_are_internal = false};
  TableProperties p;
  std::string bytes = BuildTable(to, model, &p);
  EXPECT_EQ(0u, p.filter_bytes);
  EXPECT_EQ(0u, p.num_deletions);
  TableReaderOptions ro = ReaderOptions();
  ro.comparator = BytewiseComparator();
  ro.keys_are_internal = false;
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ro, &table).ok());
  EXPECT_TRUE(table->KeyMayMatch("absent"));
  auto it = table->NewIterator({});
  test::CheckFullScans(it.get(), model);
  test::CheckIteratorAgainstModel(it.get(), model, BytewiseComparator(), &rnd, 3000,
                                  [](Random* r) { return UserKeyOf(r->Uniform(3100)) + "x"; });
  GetResult r = DoGet(*table, UserKeyOf(5) + "!");
  ASSERT_TRUE(r.called);
  EXPECT_EQ(UserKeyOf(6), r.key);
}

TEST(TableTest, GetChecksTheFilterFirst) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 5000);
  std::string bytes = BuildTable({.comparator = test::TestInternalComparator()}, model);
  ReadStats stats;
  TableReaderOptions ro = ReaderOptions();
  ro.stats = &stats;
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ro, &table).ok());
  // Absent user keys (odd numbers): almost all rejected by the filter, never found.
  constexpr int kLookups = 5000;
  for (int i = 0; i < kLookups; i++) {
    std::string uk = UserKeyOf(2 * rnd.Uniform(5000) + 1);
    GetResult r = DoGet(*table, IKey(uk, kMaxSequenceNumber));
    if (r.called) {
      EXPECT_NE(uk, ExtractUserKey(r.key));
    }
  }
  EXPECT_EQ(uint64_t{kLookups}, stats.bloom_useful.load() + stats.bloom_positive.load());
  EXPECT_GE(stats.bloom_useful.load(), uint64_t{kLookups} * 95 / 100);
  EXPECT_EQ(stats.bloom_positive.load(), stats.bloom_false_positive.load());
  // Present user keys: always pass the filter.
  for (size_t i = 0; i < model.size(); i += 7) {
    EXPECT_TRUE(table->KeyMayMatch(ExtractUserKey(model[i].first)));
  }
  const uint64_t useful = stats.bloom_useful.load();
  for (size_t i = 0; i < model.size(); i += 7) {
    ASSERT_TRUE(DoGet(*table, model[i].first).called);
  }
  EXPECT_EQ(useful, stats.bloom_useful.load());
}

// The entry >= the lookup key may be the first of the next data block.
TEST(TableTest, GetCrossesIntoTheNextBlock) {
  KVVector model;
  for (int i = 0; i < 200; i++) model.emplace_back(IKey(UserKeyOf(i), 5), std::string(100, 'x'));
  std::string bytes = BuildTable(
      {.comparator = test::TestInternalComparator(), .block_size = 256, .bloom_bits_per_key = 0},
      model);
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ReaderOptions(), &table).ok());
  for (int i = 0; i + 1 < 200; i++) {
    GetResult r = DoGet(*table, IKey(UserKeyOf(i), 4));  // just after user key i
    ASSERT_TRUE(r.called) << i;
    ASSERT_EQ(model[i + 1].first, r.key);
  }
  EXPECT_FALSE(DoGet(*table, IKey(UserKeyOf(199), 4)).called);
}

TEST(TableTest, DataBlocksGoThroughTheCache) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 2000);
  std::string bytes =
      BuildTable({.comparator = test::TestInternalComparator(), .block_size = 1024}, model);
  auto cache = std::make_shared<test::TestCache>();
  ReadStats stats;
  TableReaderOptions ro = ReaderOptions();
  ro.block_cache = cache;
  ro.stats = &stats;
  auto source = std::make_unique<test::StringSource>(bytes);
  test::StringSource* file = source.get();
  std::unique_ptr<Table> table;
  ASSERT_TRUE(Table::Open(ro, std::move(source), bytes.size(), &table).ok());
  const uint64_t blocks = table->properties().num_data_blocks;
  EXPECT_EQ(0u, cache->size());  // index and filter are pinned in the Table, not cached

  // fill_cache = false reads without inserting.
  ReadOptions no_fill;
  no_fill.fill_cache = false;
  test::CheckFullScans(table->NewIterator(no_fill).get(), model);
  EXPECT_EQ(0u, cache->size());

  const uint64_t reads_before = file->reads();
  test::CheckFullScans(table->NewIterator({}).get(), model);
  EXPECT_EQ(blocks, cache->size());
  // The forward scan missed each block once; the backward scan hit each.
  EXPECT_EQ(blocks, file->reads() - reads_before);
  const uint64_t misses = stats.block_cache_miss.load();
  for (const auto& [k, v] : model) ASSERT_EQ(v, DoGet(*table, k).value);
  EXPECT_EQ(misses, stats.block_cache_miss.load());
  EXPECT_EQ(blocks, file->reads() - reads_before);  // no file reads on cache hits
  EXPECT_GE(stats.block_cache_hit.load(), model.size());
  EXPECT_TRUE(cache->AllReleased());

  // An iterator pins its block until it moves away or dies.
  {
    auto it = table->NewIterator({});
    it->SeekToFirst();
    EXPECT_FALSE(cache->AllReleased());
  }
  EXPECT_TRUE(cache->AllReleased());

  // Two tables sharing a cache use disjoint keys.
  std::unique_ptr<Table> table2;
  ASSERT_TRUE(OpenTable(bytes, ro, &table2).ok());
  ASSERT_EQ(model[0].second, DoGet(*table2, model[0].first).value);
  EXPECT_EQ(blocks + 1, cache->size());
}

TEST(TableTest, GetAllocatesNothingOnACacheHit) {
  if (!LSMDB_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under TSan";
  Random rnd(test::RandomSeed());
  // User keys long enough that internal keys exceed any small-string buffer.
  KVVector model;
  for (int i = 0; i < 500; i++) {
    model.emplace_back(IKey(UserKeyOf(i) + std::string(40, 'k'), 9), std::string(30, 'v'));
  }
  std::string bytes = BuildTable({.comparator = test::TestInternalComparator()}, model);
  TableReaderOptions ro = ReaderOptions();
  ro.block_cache = std::make_shared<test::TestCache>();
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ro, &table).ok());
  size_t found = 0;
  const std::function<void(std::string_view, std::string_view)> callback =
      [&found](std::string_view, std::string_view) { found++; };
  const ReadOptions read_options;
  for (const auto& [k, v] : model) ASSERT_TRUE(table->Get(read_options, k, callback).ok());
  ASSERT_EQ(model.size(), found);

  t_allocations = 0;
  t_count_allocations = true;
  Status s;
  for (const auto& [k, v] : model) {
    s = table->Get(read_options, k, callback);
    if (!s.ok()) break;
  }
  t_count_allocations = false;
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(2 * model.size(), found);
  EXPECT_EQ(0u, t_allocations);

  // The counter works: without a cache every Get allocates its block.
  std::unique_ptr<Table> uncached;
  ASSERT_TRUE(OpenTable(bytes, ReaderOptions(), &uncached).ok());
  t_count_allocations = true;
  s = uncached->Get(read_options, model[0].first, callback);
  t_count_allocations = false;
  ASSERT_TRUE(s.ok());
  EXPECT_GT(t_allocations, 0u);
}

TEST(TableTest, WorksWithTheLruCacheUnderEviction) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 3000);
  std::string bytes =
      BuildTable({.comparator = test::TestInternalComparator(), .block_size = 512}, model);
  TableReaderOptions ro = ReaderOptions();
  ro.block_cache = NewLRUCache(8 * 1024, 0);
  ASSERT_NE(nullptr, ro.block_cache);
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ro, &table).ok());
  CheckTable(*table, model, &rnd);
  EXPECT_LE(ro.block_cache->TotalCharge(), 8 * 1024u);
}

TEST(TableTest, ConcurrentReaders) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 3000);
  std::string bytes = BuildTable({.comparator = test::TestInternalComparator(),
                                  .block_size = 512,
                                  .compression = CompressionType::kLz4},
                                 model);
  ReadStats stats;
  TableReaderOptions ro = ReaderOptions();
  ro.block_cache = std::make_shared<test::TestCache>();
  ro.stats = &stats;
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ro, &table).ok());
  EXPECT_EQ(0, test::ConcurrentReadFailures(*table, model, rnd.Next()));
}

TEST(TableTest, ApproximateOffsetOf) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 2000);
  std::string bytes =
      BuildTable({.comparator = test::TestInternalComparator(), .block_size = 1024}, model);
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ReaderOptions(), &table).ok());
  uint64_t prev = 0;
  for (size_t i = 0; i < model.size(); i += 10) {
    uint64_t off = table->ApproximateOffsetOf(model[i].first);
    EXPECT_GE(off, prev);
    EXPECT_LE(off, table->properties().data_bytes);
    prev = off;
  }
  EXPECT_EQ(0u, table->ApproximateOffsetOf(IKey("", kMaxSequenceNumber)));
  EXPECT_EQ(table->properties().data_bytes, table->ApproximateOffsetOf(IKey("zzzz", 1)));
}

TEST(TableTest, ParanoidOpenAcceptsAGoodTable) {
  Random rnd(test::RandomSeed());
  KVVector model = test::InternalModel(&rnd, 500);
  std::string bytes =
      BuildTable({.comparator = test::TestInternalComparator(), .block_size = 300}, model);
  TableReaderOptions ro = ReaderOptions();
  ro.paranoid_checks = true;
  std::unique_ptr<Table> table;
  ASSERT_TRUE(OpenTable(bytes, ro, &table).ok());
  CheckTable(*table, model, &rnd);
}

TEST(TableTest, BuilderRejectsMalformedInternalKeys) {
  test::StringSink sink;
  TableBuilder builder({.comparator = test::TestInternalComparator()}, &sink);
  builder.Add("short", "v");
  EXPECT_TRUE(builder.status().IsInvalidArgument());
  EXPECT_TRUE(builder.Finish().IsInvalidArgument());
}

TEST(TableTest, AbandonWritesNothingMore) {
  test::StringSink sink;
  TableBuilder builder({.comparator = test::TestInternalComparator(), .block_size = 64}, &sink);
  for (int i = 0; i < 100; i++) builder.Add(IKey(UserKeyOf(i), 1), "value");
  const uint64_t size = sink.Size();
  EXPECT_GT(size, 0u);
  builder.Abandon();
  EXPECT_EQ(size, sink.Size());
}

}  // namespace
}  // namespace lsmdb
