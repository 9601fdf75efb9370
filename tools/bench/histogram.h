// Histogram: latencies in log-spaced buckets. Each power of two of nanoseconds is split
// into 16 linear sub-buckets, so a percentile is off by at most 1/16 (6%) of its value,
// in a fixed 8 KiB whatever the range (1 ns to hours).
//
// Thread-safety: not synchronised; keep one per thread and Merge them at the end.
#ifndef LSMDB_TOOLS_BENCH_HISTOGRAM_H_
#define LSMDB_TOOLS_BENCH_HISTOGRAM_H_

#include <array>
#include <cstdint>
#include <string>

namespace lsmdb::bench {

class Histogram {
 public:
  void Add(uint64_t nanos);
  void Merge(const Histogram& other);

  uint64_t count() const { return count_; }
  uint64_t min_nanos() const { return count_ == 0 ? 0 : min_; }
  uint64_t max_nanos() const { return max_; }
  double AverageNanos() const;
  // The latency below which fraction p (in [0, 1]) of the samples fall, interpolated
  // within its bucket and clamped to [min, max]. 0 when empty.
  double PercentileNanos(double p) const;

  // "  p50 1.2 us  p99 ...": the figures lsmdb_bench prints under --histogram.
  std::string Summary() const;

 private:
  static constexpr int kSubBits = 4;
  static constexpr int kSubBuckets = 1 << kSubBits;
  static constexpr int kBuckets = 64 * kSubBuckets;

  static int BucketOf(uint64_t nanos);
  static uint64_t BucketLow(int bucket);

  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_HISTOGRAM_H_
