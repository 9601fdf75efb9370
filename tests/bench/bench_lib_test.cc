// Unit tests of lsmdb_bench's pieces: keys, values, the zipfian and latest generators, the
// histogram, flag parsing, the end of a thread's share and the detection of a library's
// build kind.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "build_info.h"
#include "flags.h"
#include "generators.h"
#include "gtest/gtest.h"
#include "histogram.h"
#include "runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::bench {
namespace {

TEST(KeyFormatterTest, ZeroPaddedDecimalSortsNumerically) {
  KeyFormatter keys(16);
  EXPECT_EQ(keys.Format(0), "0000000000000000");
  EXPECT_EQ(keys.Format(42), "0000000000000042");
  EXPECT_EQ(keys.Format(9999999999999999ull), "9999999999999999");
  std::string previous(keys.Format(0));
  for (uint64_t n : {1ull, 9ull, 10ull, 99ull, 100ull, 123456ull, 1000000ull}) {
    std::string key(keys.Format(n));
    EXPECT_EQ(key.size(), 16u);
    EXPECT_LT(previous, key) << n;
    previous = key;
  }
  KeyFormatter wide(24);
  EXPECT_EQ(wide.Format(7), std::string(23, '0') + "7");
}

TEST(ValueSourceTest, SameSeedSameBytesAndHalfRepeated) {
  ValueSource a(301, 100);
  ValueSource b(301, 100);
  ValueSource c(302, 100);
  EXPECT_EQ(a.data(), b.data());
  EXPECT_NE(a.data(), c.data());
  ASSERT_GE(a.data().size(), size_t{1} << 20);
  // Each run of 100 bytes repeats its first half: about 50% after compression.
  for (size_t at = 0; at + 100 <= a.data().size(); at += 100) {
    ASSERT_EQ(a.data().substr(at, 50), a.data().substr(at + 50, 50)) << at;
  }
  ValueSource big(1, 400000);
  EXPECT_GE(big.data().size(), 800000u);
}

TEST(ValueGeneratorTest, ReturnsRequestedLengthAndWraps) {
  ValueSource source(7, 100000);
  ValueGenerator gen(&source, 12345);
  for (int i = 0; i < 1000; i++) {
    std::string_view v = gen.Generate(100000);
    ASSERT_EQ(v.size(), 100000u);
    ASSERT_GE(v.data(), source.data().data());
    ASSERT_LE(v.data() + v.size(), source.data().data() + source.data().size());
  }
  EXPECT_EQ(gen.Generate(0).size(), 0u);
}

TEST(HistogramTest, PercentilesWithinBucketError) {
  Random rnd(test::RandomSeed());
  Histogram h;
  std::vector<uint64_t> values;
  for (int i = 0; i < 100000; i++) {
    uint64_t v = 1 + rnd.Uniform(1000000);
    values.push_back(v);
    h.Add(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {0.5, 0.9, 0.99, 0.999}) {
    double exact = static_cast<double>(values[static_cast<size_t>(p * values.size()) - 1]);
    EXPECT_NEAR(h.PercentileNanos(p), exact, exact / 16 + 1) << p;
  }
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.min_nanos(), values.front());
  EXPECT_EQ(h.max_nanos(), values.back());
  EXPECT_DOUBLE_EQ(h.PercentileNanos(1.0), static_cast<double>(values.back()));
}

TEST(HistogramTest, SmallValuesExactAndMerge) {
  Histogram a;
  Histogram b;
  for (uint64_t v = 0; v < 10; v++) a.Add(v);
  for (uint64_t v = 10; v < 16; v++) b.Add(v);
  a.Merge(b);
  EXPECT_EQ(a.count(), 16u);
  EXPECT_EQ(a.min_nanos(), 0u);
  EXPECT_EQ(a.max_nanos(), 15u);
  EXPECT_NEAR(a.PercentileNanos(0.5), 8, 1);
  EXPECT_DOUBLE_EQ(a.AverageNanos(), 7.5);
  Histogram empty;
  EXPECT_EQ(empty.PercentileNanos(0.5), 0);
  EXPECT_EQ(empty.min_nanos(), 0u);
  a.Add(uint64_t{1} << 62);  // the largest buckets exist
  EXPECT_EQ(a.max_nanos(), uint64_t{1} << 62);
}

TEST(ZipfianTest, RanksFollowPowerLaw) {
  Rng rng(test::RandomSeed());
  ZipfianGenerator zipf(1000);
  std::vector<uint64_t> counts(1000);
  const int kDraws = 400000;
  for (int i = 0; i < kDraws; i++) {
    uint64_t v = zipf.Next(&rng);
    ASSERT_LT(v, 1000u);
    counts[v]++;
  }
  // P(0)/P(1) = 2^0.99 and P(0) = 1/zeta(1000, 0.99).
  double zeta = ZipfianGenerator::Zeta(0, 1000, 0.99, 0);
  EXPECT_NEAR(static_cast<double>(counts[0]) / kDraws, 1 / zeta, 0.01);
  EXPECT_NEAR(static_cast<double>(counts[0]) / static_cast<double>(counts[1]), std::pow(2.0, 0.99),
              0.15);
  EXPECT_GT(counts[1], counts[10]);
  EXPECT_GT(counts[10], counts[500]);
}

TEST(ZipfianTest, GrowingItemCount) {
  Rng rng(test::RandomSeed());
  ZipfianGenerator zipf(10);
  for (uint64_t n = 10; n < 5000; n += 7) ASSERT_LT(zipf.Next(&rng, n), n);
  ZipfianGenerator direct(4999);
  EXPECT_NEAR(ZipfianGenerator::Zeta(0, 4999, 0.99, 0),
              ZipfianGenerator::Zeta(10, 4999, 0.99, ZipfianGenerator::Zeta(0, 10, 0.99, 0)), 1e-9);
}

TEST(ScrambledZipfianTest, SkewedButSpread) {
  Rng rng(test::RandomSeed());
  const uint64_t kItems = 10000;
  ScrambledZipfianGenerator gen(kItems);
  std::vector<uint64_t> counts(kItems);
  const int kDraws = 200000;
  for (int i = 0; i < kDraws; i++) {
    uint64_t v = gen.Next(&rng);
    ASSERT_LT(v, kItems);
    counts[v]++;
  }
  std::vector<uint64_t> sorted = counts;
  std::sort(sorted.rbegin(), sorted.rend());
  uint64_t top = 0;
  for (size_t i = 0; i < kItems / 100; i++) top += sorted[i];
  // The hottest 1% of the keys take far more than 1% of the draws (about 20%+).
  EXPECT_GT(static_cast<double>(top) / kDraws, 0.15);
  // Scrambled: the hottest key is not simply key 0, and hot keys are not all at the start.
  uint64_t hot_in_first_percent = 0;
  for (size_t i = 0; i < kItems / 100; i++) hot_in_first_percent += counts[i];
  EXPECT_LT(static_cast<double>(hot_in_first_percent) / kDraws, 0.15);
}

TEST(LatestTest, NewestKeysMostPopular) {
  Rng rng(test::RandomSeed());
  LatestGenerator latest(1000);
  uint64_t newest = 0;
  uint64_t recent = 0;
  const int kDraws = 100000;
  for (int i = 0; i < kDraws; i++) {
    uint64_t count = 1000 + static_cast<uint64_t>(i / 100);
    uint64_t v = latest.Next(&rng, count);
    ASSERT_LT(v, count);
    newest += v == count - 1 ? 1 : 0;
    recent += v + 10 >= count ? 1 : 0;
  }
  EXPECT_GT(static_cast<double>(newest) / kDraws, 0.08);
  EXPECT_GT(static_cast<double>(recent) / kDraws, 0.3);
}

TEST(FnvHashTest, DeterministicAndNonNegative) {
  EXPECT_EQ(FnvHash64(12345), FnvHash64(12345));
  EXPECT_NE(FnvHash64(1), FnvHash64(2));
  for (uint64_t v = 0; v < 1000; v++) ASSERT_LT(FnvHash64(v), uint64_t{1} << 63);
}

FlagsAction Parse(std::vector<std::string> args, Flags* flags, std::string* error) {
  args.insert(args.begin(), "lsmdb_bench");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseFlags(static_cast<int>(argv.size()), argv.data(), flags, error);
}

TEST(FlagsTest, DefaultsAndValues) {
  Flags f;
  std::string error;
  ASSERT_EQ(Parse({}, &f, &error), FlagsAction::kRun) << error;
  EXPECT_EQ(f.num, 1000000);
  EXPECT_EQ(f.key_size, 16);
  EXPECT_EQ(f.value_size, 100);
  EXPECT_EQ(f.ReadCount(), 1000000);
  EXPECT_FALSE(f.benchmarks.empty());

  Flags g;
  ASSERT_EQ(
      Parse({"--num=5000", "--reads=10", "--write_buffer_size=64M", "--cache_size=1G",
             "--compression=zstd", "--sync", "--json=false", "--benchmarks=a,,b", "--engine=all"},
            &g, &error),
      FlagsAction::kRun)
      << error;
  EXPECT_EQ(g.num, 5000);
  EXPECT_EQ(g.ReadCount(), 10);
  EXPECT_EQ(g.engine_options.write_buffer_size, size_t{64} << 20);
  EXPECT_EQ(g.engine_options.cache_size, size_t{1} << 30);
  EXPECT_EQ(g.engine_options.compression, Compression::kZstd);
  EXPECT_TRUE(g.sync);
  EXPECT_FALSE(g.json);
  EXPECT_EQ(g.benchmarks, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(g.engine, "all");
  EXPECT_EQ(g.duration, 0);
  // Level-shape flags default to "each store's own" (0 / false).
  EXPECT_EQ(g.engine_options.target_file_size, 0u);
  EXPECT_EQ(g.engine_options.max_bytes_for_level_base, 0u);
  EXPECT_FALSE(g.engine_options.dynamic_level_bytes);

  Flags h;
  ASSERT_EQ(
      Parse({"--target_file_size=2M", "--max_bytes_for_level_base=16M", "--dynamic_level_bytes"},
            &h, &error),
      FlagsAction::kRun)
      << error;
  EXPECT_EQ(h.engine_options.target_file_size, uint64_t{2} << 20);
  EXPECT_EQ(h.engine_options.max_bytes_for_level_base, uint64_t{16} << 20);
  EXPECT_TRUE(h.engine_options.dynamic_level_bytes);

  Flags d;
  ASSERT_EQ(Parse({"--duration=30"}, &d, &error), FlagsAction::kRun) << error;
  EXPECT_EQ(d.duration, 30);
  EXPECT_EQ(d.memory_limit, 0u);  // no cgroup unless asked for
  EXPECT_FALSE(d.drop_caches);

  Flags m;
  ASSERT_EQ(Parse({"--memory_limit=384M", "--drop_caches"}, &m, &error), FlagsAction::kRun)
      << error;
  EXPECT_EQ(m.memory_limit, uint64_t{384} << 20);
  EXPECT_TRUE(m.drop_caches);
  ASSERT_EQ(Parse({"--memory_limit=0", "--drop_caches=false"}, &m, &error), FlagsAction::kRun);
  EXPECT_EQ(m.memory_limit, 0u);
  EXPECT_FALSE(m.drop_caches);
}

// The build-kind check reads an ELF file's undefined dynamic symbols: this test binary
// imports free from libc and no made-up name; a file that is not ELF is "unknown".
TEST(BuildInfoTest, ImportedSymbolsOfAnElfFile) {
  EXPECT_EQ(1, ImportsSymbol("/proc/self/exe", "free"));
  EXPECT_EQ(0, ImportsSymbol("/proc/self/exe", "lsmdb_no_such_symbol_anywhere"));
  test::TempDir tmp;
  const std::string text = tmp.path() + "/not_elf";
  { std::ofstream(text) << "not an ELF file at all, just text"; }
  EXPECT_EQ(-1, ImportsSymbol(text, "malloc"));
  EXPECT_EQ(-1, ImportsSymbol(tmp.path() + "/missing", "malloc"));
  // libc is loaded into every process here, and defines the assertion handler itself.
  const LibraryBuild libc = FindLoadedLibrary("libc.so");
  ASSERT_FALSE(libc.path.empty());
  EXPECT_EQ(BuildKind::kRelease, libc.kind) << libc.path;
  EXPECT_TRUE(FindLoadedLibrary("libno_such_library.so").path.empty());
}

// A thread's share ends at share_count operations, or with a duration at its deadline
// (looked at every 64 operations), whichever comes first.
TEST(ThreadStateTest, MoreEndsAtTheShareOrTheDeadline) {
  Flags flags;
  ValueSource values(1, 100);
  SharedState shared;
  shared.flags = &flags;
  shared.values = &values;

  ThreadState counted(0, 1, shared, false, false, "counted");
  counted.share_count = 100;
  EXPECT_TRUE(counted.More(0));
  EXPECT_TRUE(counted.More(99));
  EXPECT_FALSE(counted.More(100));

  const uint64_t kHour = 3600ull * 1000000000;
  ThreadState long_run(0, 1, shared, false, false, "long", kHour);
  long_run.share_count = UINT64_MAX;
  EXPECT_TRUE(long_run.More(0));
  EXPECT_TRUE(long_run.More(64 * 1000000));
  long_run.share_count = 5;
  EXPECT_FALSE(long_run.More(5));  // the count still ends it

  const uint64_t before = NowNanos();
  ThreadState short_run(0, 1, shared, false, false, "short", /*duration_nanos=*/1000000);
  short_run.share_count = UINT64_MAX;
  while (NowNanos() < before + 2000000) {
  }
  EXPECT_FALSE(short_run.More(0));
  EXPECT_TRUE(short_run.More(1));  // not a multiple of 64: the clock is not read
  EXPECT_FALSE(short_run.More(64));
  const uint64_t reset_at = NowNanos();
  short_run.ResetTimer();  // a new deadline, 1 ms from now
  const bool more = short_run.More(0);
  if (NowNanos() < reset_at + 1000000) {  // unless descheduled for 1 ms
    EXPECT_TRUE(more);
  }
}

TEST(FlagsTest, RejectsBadInput) {
  for (const char* bad :
       {"--num=0", "--num=12x", "--key_size=4", "--compression=gzip", "--sync=maybe",
        "--engine=sqlite", "--nosuch=1", "positional", "--threads=0", "--target_file_size=-1",
        "--dynamic_level_bytes=2", "--memory_limit=1M", "--memory_limit=-5", "--drop_caches=2"}) {
    Flags f;
    std::string error;
    EXPECT_EQ(Parse({bad}, &f, &error), FlagsAction::kError) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  Flags f;
  std::string error;
  EXPECT_EQ(Parse({"--key_size=8", "--num=100000000"}, &f, &error), FlagsAction::kError);
  EXPECT_EQ(Parse({"--help"}, &f, &error), FlagsAction::kHelp);
}

}  // namespace
}  // namespace lsmdb::bench
