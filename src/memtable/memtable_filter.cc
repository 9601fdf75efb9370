#include "memtable/memtable_filter.h"

#include <algorithm>

#include "util/hash.h"

namespace lsmdb {
namespace {

// The line: the high 32 bits of the hash scaled onto [0, num_lines). The probes: 9-bit
// bit positions within the line's 512 bits, from the low 32 bits, remixed per probe.
inline size_t LineOf(uint64_t h, size_t num_lines) {
  return static_cast<size_t>(((h >> 32) * static_cast<uint64_t>(num_lines)) >> 32);
}
constexpr uint32_t kProbeMultiplier = 0x9e3779b9u;

}  // namespace

MemTableFilter::MemTableFilter(size_t bytes)
    : num_lines_(std::min<size_t>(bytes / kLineBytes, uint64_t{1} << 32)),
      words_(num_lines_ == 0
                 ? nullptr
                 : std::make_unique<std::atomic<uint64_t>[]>(num_lines_ * kWordsPerLine)) {}

void MemTableFilter::Add(std::string_view key) {
  if (num_lines_ == 0) return;
  const uint64_t h = Hash64(key);
  std::atomic<uint64_t>* line = &words_[LineOf(h, num_lines_) * kWordsPerLine];
  auto h2 = static_cast<uint32_t>(h);
  for (int i = 0; i < kProbes; i++) {
    const uint32_t bit = h2 >> 23;
    std::atomic<uint64_t>& word = line[bit >> 6];
    // One writer: a plain load and store (no locked instruction) cannot lose a bit.
    word.store(word.load(std::memory_order_relaxed) | (uint64_t{1} << (bit & 63)),
               std::memory_order_relaxed);
    h2 *= kProbeMultiplier;
  }
}

bool MemTableFilter::MayContain(std::string_view key) const {
  if (num_lines_ == 0) return true;
  const uint64_t h = Hash64(key);
  const std::atomic<uint64_t>* line = &words_[LineOf(h, num_lines_) * kWordsPerLine];
  auto h2 = static_cast<uint32_t>(h);
  for (int i = 0; i < kProbes; i++) {
    const uint32_t bit = h2 >> 23;
    if ((line[bit >> 6].load(std::memory_order_relaxed) & (uint64_t{1} << (bit & 63))) == 0) {
      return false;
    }
    h2 *= kProbeMultiplier;
  }
  return true;
}

}  // namespace lsmdb
