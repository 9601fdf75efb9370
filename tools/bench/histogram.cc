#include "histogram.h"

#include <algorithm>
#include <bit>
#include <cstdio>

namespace lsmdb::bench {

// Values below kSubBuckets get a bucket each; above, the bucket is (exponent, the
// kSubBits bits after the leading one).
int Histogram::BucketOf(uint64_t nanos) {
  if (nanos < kSubBuckets) return static_cast<int>(nanos);
  int exponent = std::bit_width(nanos) - 1;  // >= kSubBits
  int sub = static_cast<int>((nanos >> (exponent - kSubBits)) & (kSubBuckets - 1));
  return (exponent - kSubBits + 1) * kSubBuckets + sub;
}

uint64_t Histogram::BucketLow(int bucket) {
  if (bucket < kSubBuckets) return static_cast<uint64_t>(bucket);
  int exponent = bucket / kSubBuckets + kSubBits - 1;
  uint64_t sub = static_cast<uint64_t>(bucket % kSubBuckets);
  return (uint64_t{1} << exponent) | (sub << (exponent - kSubBits));
}

void Histogram::Add(uint64_t nanos) {
  buckets_[static_cast<size_t>(BucketOf(nanos))]++;
  count_++;
  min_ = std::min(min_, nanos);
  max_ = std::max(max_, nanos);
  sum_ += nanos;
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < buckets_.size(); i++) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double Histogram::AverageNanos() const {
  return count_ == 0 ? 0 : static_cast<double>(sum_ / count_);
}

double Histogram::PercentileNanos(double p) const {
  if (count_ == 0) return 0;
  double rank = std::clamp(p, 0.0, 1.0) * static_cast<double>(count_);
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; b++) {
    uint64_t n = buckets_[static_cast<size_t>(b)];
    if (n == 0) continue;
    if (static_cast<double>(seen + n) >= rank) {
      double low = static_cast<double>(BucketLow(b));
      double high = b + 1 < kBuckets ? static_cast<double>(BucketLow(b + 1)) : low;
      double within = (rank - static_cast<double>(seen)) / static_cast<double>(n);
      double v = low + (high - low) * within;
      return std::clamp(v, static_cast<double>(min_), static_cast<double>(max_));
    }
    seen += n;
  }
  return static_cast<double>(max_);
}

std::string Histogram::Summary() const {
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "  latency (micros): avg %.3f  p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f"
                "  (%llu ops)",
                AverageNanos() / 1e3, PercentileNanos(0.5) / 1e3, PercentileNanos(0.99) / 1e3,
                PercentileNanos(0.999) / 1e3, static_cast<double>(max_) / 1e3,
                static_cast<unsigned long long>(count_));
  return buf;
}

}  // namespace lsmdb::bench
