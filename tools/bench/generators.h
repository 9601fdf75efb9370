// The data and the key choices of lsmdb_bench: a seeded random source, fixed-size keys,
// compressible values, and YCSB's request distributions (scrambled zipfian and latest).
// Everything is a pure function of the seed, so every engine gets the same keys and values.
//
// Thread-safety: none of these classes is synchronised; give each thread its own (a
// ValueGenerator's buffer is shared read-only through a ValueSource).
#ifndef LSMDB_TOOLS_BENCH_GENERATORS_H_
#define LSMDB_TOOLS_BENCH_GENERATORS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace lsmdb::bench {

// SplitMix64: fast, seedable, and good enough for choosing keys.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next64() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Uniform(uint64_t n) { return Next64() % n; }
  // Uniform in [0, 1).
  double NextDouble() { return static_cast<double>(Next64() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// A seed for one thread of one benchmark: distinct streams, same for every engine.
uint64_t MixSeed(uint64_t seed, uint64_t benchmark_index, uint64_t thread_index);

// Key number n as key_size zero-padded decimal digits ("0000000000000042"), so that
// numeric and bytewise order agree. REQUIRES: n has at most key_size digits.
class KeyFormatter {
 public:
  explicit KeyFormatter(int key_size) : key_(static_cast<size_t>(key_size), '0') {}
  // The bytes stay valid until the next call.
  std::string_view Format(uint64_t n);

 private:
  std::string key_;
};

// The bytes values are cut from: pseudo-random printable characters in which each run of
// 100 bytes repeats its first half, so that a fast codec compresses them to about 50%
// (as db_bench's RandomGenerator). Immutable once built; share it among threads.
class ValueSource {
 public:
  // REQUIRES: max_value_size <= the size the buffer is built with (1 MiB or more).
  ValueSource(uint64_t seed, size_t max_value_size);
  std::string_view data() const { return data_; }

 private:
  std::string data_;
};

// Successive values of length len taken from a ValueSource, from a per-thread offset.
class ValueGenerator {
 public:
  ValueGenerator(const ValueSource* source, uint64_t start)
      : data_(source->data()), pos_(start % data_.size()) {}
  // REQUIRES: len <= the source's max_value_size. Valid as long as the source.
  std::string_view Generate(size_t len);

 private:
  std::string_view data_;
  size_t pos_;
};

// YCSB's ZipfianGenerator (after Gray et al., "Quickly generating billion-record synthetic
// databases", SIGMOD 1994): item i in [0, n) is drawn with probability proportional to
// 1/(i+1)^theta, so item 0 is the most popular. The item count may grow between draws
// (zeta is extended incrementally) but never shrink.
class ZipfianGenerator {
 public:
  static constexpr double kTheta = 0.99;
  // Computes zeta(items, theta): O(items).
  explicit ZipfianGenerator(uint64_t items, double theta = kTheta);
  // Uses a precomputed zeta(items, theta).
  ZipfianGenerator(uint64_t items, double theta, double zetan);

  // A draw over the current item count.
  uint64_t Next(Rng* rng);
  // A draw over items (>= the count of every earlier call).
  uint64_t Next(Rng* rng, uint64_t items);

  static double Zeta(uint64_t from, uint64_t to, double theta, double initial);

 private:
  void SetItems(uint64_t items);

  uint64_t items_;
  double theta_;
  double alpha_;
  double zeta2theta_;
  double zetan_;
  double eta_;
};

// YCSB's ScrambledZipfianGenerator: zipfian popularity (theta 0.99) over a space of 10^10
// items, each hashed (FNV-1a 64) into [0, items) so that the popular keys are spread over
// the key space rather than clustered at its start.
class ScrambledZipfianGenerator {
 public:
  explicit ScrambledZipfianGenerator(uint64_t items);
  uint64_t Next(Rng* rng);

 private:
  uint64_t items_;
  ZipfianGenerator zipf_;
};

// YCSB's SkewedLatestGenerator: the most recently inserted keys are the most popular.
// Next(rng, count) draws from [0, count) with key count-1 the hottest.
class LatestGenerator {
 public:
  explicit LatestGenerator(uint64_t initial_count) : zipf_(initial_count) {}
  // REQUIRES: count > 0 and count >= every earlier count.
  uint64_t Next(Rng* rng, uint64_t count) { return count - 1 - zipf_.Next(rng, count); }

 private:
  ZipfianGenerator zipf_;
};

// FNV-1a over the 8 bytes of v, as YCSB's Utils.fnvhash64 (non-negative).
uint64_t FnvHash64(uint64_t v);

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_GENERATORS_H_
