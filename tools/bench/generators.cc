#include "generators.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace lsmdb::bench {

uint64_t MixSeed(uint64_t seed, uint64_t benchmark_index, uint64_t thread_index) {
  Rng rng(seed ^ (benchmark_index * 0x100000001b3ull) ^ (thread_index << 40));
  rng.Next64();
  return rng.Next64();
}

std::string_view KeyFormatter::Format(uint64_t n) {
  size_t i = key_.size();
  while (i > 0) {
    key_[--i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  assert(n == 0);
  return key_;
}

ValueSource::ValueSource(uint64_t seed, size_t max_value_size) {
  constexpr size_t kPiece = 100;
  size_t size = std::max<size_t>(size_t{1} << 20, max_value_size * 2);
  size = (size + kPiece - 1) / kPiece * kPiece;
  data_.resize(size);
  Rng rng(seed);
  for (size_t at = 0; at < size; at += kPiece) {
    char* piece = &data_[at];
    for (size_t i = 0; i < kPiece / 2; i++) piece[i] = static_cast<char>(' ' + rng.Uniform(95));
    for (size_t i = kPiece / 2; i < kPiece; i++) piece[i] = piece[i - kPiece / 2];
  }
}

std::string_view ValueGenerator::Generate(size_t len) {
  assert(len <= data_.size() / 2);
  if (pos_ + len > data_.size()) pos_ = 0;
  std::string_view v = data_.substr(pos_, len);
  pos_ += len;
  return v;
}

double ZipfianGenerator::Zeta(uint64_t from, uint64_t to, double theta, double initial) {
  double sum = initial;
  for (uint64_t i = from; i < to; i++) sum += 1.0 / std::pow(static_cast<double>(i + 1), theta);
  return sum;
}

ZipfianGenerator::ZipfianGenerator(uint64_t items, double theta)
    : ZipfianGenerator(items, theta, Zeta(0, items, theta, 0)) {}

ZipfianGenerator::ZipfianGenerator(uint64_t items, double theta, double zetan)
    : items_(items),
      theta_(theta),
      alpha_(1.0 / (1.0 - theta)),
      zeta2theta_(Zeta(0, 2, theta, 0)),
      zetan_(zetan),
      eta_(0) {
  assert(items > 0);
  SetItems(items);
}

void ZipfianGenerator::SetItems(uint64_t items) {
  if (items > items_) zetan_ = Zeta(items_, items, theta_, zetan_);
  items_ = items;
  eta_ = (1 - std::pow(2.0 / static_cast<double>(items_), 1 - theta_)) / (1 - zeta2theta_ / zetan_);
}

uint64_t ZipfianGenerator::Next(Rng* rng) {
  double u = rng->NextDouble();
  double uz = u * zetan_;
  if (uz < 1.0) return 0;
  if (uz < 1.0 + std::pow(0.5, theta_)) return items_ > 1 ? 1 : 0;
  auto v =
      static_cast<uint64_t>(static_cast<double>(items_) * std::pow(eta_ * u - eta_ + 1, alpha_));
  return std::min(v, items_ - 1);
}

uint64_t ZipfianGenerator::Next(Rng* rng, uint64_t items) {
  assert(items >= items_);
  if (items != items_) SetItems(items);
  return Next(rng);
}

namespace {
// YCSB's constants: zeta(10^10, 0.99), precomputed so the generator starts in O(1).
constexpr uint64_t kScrambledItems = 10000000000ull;
constexpr double kScrambledZetan = 26.46902820178302;
}  // namespace

ScrambledZipfianGenerator::ScrambledZipfianGenerator(uint64_t items)
    : items_(items), zipf_(kScrambledItems, ZipfianGenerator::kTheta, kScrambledZetan) {
  assert(items > 0);
}

uint64_t ScrambledZipfianGenerator::Next(Rng* rng) { return FnvHash64(zipf_.Next(rng)) % items_; }

uint64_t FnvHash64(uint64_t v) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i < 8; i++) {
    h ^= v & 0xff;
    h *= 1099511628211ull;
    v >>= 8;
  }
  // YCSB takes Math.abs of the signed value.
  auto s = static_cast<int64_t>(h);
  return s < 0 ? static_cast<uint64_t>(0) - h : h;
}

}  // namespace lsmdb::bench
