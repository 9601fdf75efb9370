#include "sstable/bloom_filter.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "util/coding.h"
#include "util/hash.h"

namespace lsmdb {
namespace {

constexpr uint32_t kProbeMultiplier = 0x9e3779b9u;

inline uint32_t LineOf(uint64_t h, uint32_t num_lines) {
  return static_cast<uint32_t>(((h >> 32) * num_lines) >> 32);
}

}  // namespace

int BloomNumProbes(int bits_per_key) {
  // A blocked filter loses a little to uneven line loads; slightly fewer probes than
  // the classic bits_per_key * ln 2 measure best (10 bits per key -> 6 probes).
  int k = static_cast<int>(bits_per_key * 0.6);
  return std::clamp(k, 1, kBloomMaxProbes);
}

BloomFilterBuilder::BloomFilterBuilder(int bits_per_key) : bits_per_key_(bits_per_key) {
  assert(bits_per_key >= 1);
}

void BloomFilterBuilder::AddKey(std::string_view key) {
  uint64_t h = Hash64(key);
  if (!hashes_.empty() && hashes_.back() == h) return;
  hashes_.push_back(h);
}

void BloomFilterBuilder::Finish(std::string* dst) {
  const uint64_t bits = static_cast<uint64_t>(hashes_.size()) * bits_per_key_;
  uint64_t lines = (bits + kBloomLineBytes * 8 - 1) / (kBloomLineBytes * 8);
  lines = std::min<uint64_t>(lines, std::numeric_limits<uint32_t>::max());
  const auto num_lines = static_cast<uint32_t>(lines);
  const int num_probes = BloomNumProbes(bits_per_key_);

  const size_t start = dst->size();
  dst->resize(start + num_lines * kBloomLineBytes, '\0');
  auto* array = reinterpret_cast<uint8_t*>(dst->data() + start);
  for (uint64_t h : hashes_) {
    uint8_t* line = array + size_t{LineOf(h, num_lines)} * kBloomLineBytes;
    auto h2 = static_cast<uint32_t>(h);
    for (int i = 0; i < num_probes; i++) {
      const uint32_t bit = h2 >> 23;
      line[bit >> 3] |= static_cast<uint8_t>(1u << (bit & 7));
      h2 *= kProbeMultiplier;
    }
  }
  PutFixed32(dst, num_lines);
  dst->push_back(static_cast<char>(num_probes));
  dst->push_back(static_cast<char>(kBloomFilterKind));
  dst->append(2, '\0');
  hashes_.clear();
}

bool BloomFilterReader::Init(std::string_view contents) {
  valid_ = false;
  if (contents.size() < kBloomTrailerSize) return false;
  const char* trailer = contents.data() + contents.size() - kBloomTrailerSize;
  const uint32_t num_lines = DecodeFixed32(trailer);
  const auto num_probes = static_cast<uint8_t>(trailer[4]);
  const auto kind = static_cast<uint8_t>(trailer[5]);
  if (kind != kBloomFilterKind || num_probes < 1 || num_probes > kBloomMaxProbes ||
      trailer[6] != 0 || trailer[7] != 0 ||
      contents.size() - kBloomTrailerSize != uint64_t{num_lines} * kBloomLineBytes) {
    return false;
  }
  bits_ = contents.data();
  num_lines_ = num_lines;
  num_probes_ = num_probes;
  valid_ = true;
  return true;
}

bool BloomFilterReader::KeyMayMatch(std::string_view key) const {
  if (!valid_) return true;
  if (num_lines_ == 0) return false;  // a filter of no keys
  const uint64_t h = Hash64(key);
  const auto* line =
      reinterpret_cast<const uint8_t*>(bits_) + size_t{LineOf(h, num_lines_)} * kBloomLineBytes;
  auto h2 = static_cast<uint32_t>(h);
  for (int i = 0; i < num_probes_; i++) {
    const uint32_t bit = h2 >> 23;
    if ((line[bit >> 3] & (1u << (bit & 7))) == 0) return false;
    h2 *= kProbeMultiplier;
  }
  return true;
}

}  // namespace lsmdb
