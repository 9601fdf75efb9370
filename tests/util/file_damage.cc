#include "tests/util/file_damage.h"

#include <algorithm>
#include <utility>

namespace lsmdb::test {

bool ApplyDamage(const Damage& d, std::string* data) {
  switch (d.kind) {
    case DamageKind::kBitFlip:
      if (d.offset < data->size()) (*data)[d.offset] ^= static_cast<char>(1u << (d.offset % 8));
      return true;
    case DamageKind::kTruncate:
      data->resize(std::min<uint64_t>(d.offset, data->size()));
      return true;
    case DamageKind::kAppendGarbage:
      data->append(d.bytes);
      return true;
    case DamageKind::kZeroRange: {
      const uint64_t begin = std::min<uint64_t>(d.offset, data->size());
      const uint64_t end = std::min<uint64_t>(d.offset + d.length, data->size());
      std::fill(data->begin() + begin, data->begin() + end, '\0');
      return true;
    }
    case DamageKind::kZeroFile:
      std::fill(data->begin(), data->end(), '\0');
      return true;
    case DamageKind::kDelete:
      return false;
    case DamageKind::kReplace:
      *data = d.bytes;
      return true;
  }
  return true;
}

std::vector<Damage> DamagesFor(uint64_t size,
                               const std::vector<std::pair<std::string, uint64_t>>& flips,
                               const std::string& garbage, const std::string& other, bool full) {
  std::vector<Damage> out;
  for (const auto& [label, offset] : flips) {
    out.push_back(MakeDamage(DamageKind::kBitFlip, "flip@" + label, offset));
  }
  if (full) {
    // Evenly spread offsets on top of the named ones.
    for (int k = 1; k < 32; k++) {
      out.push_back(
          MakeDamage(DamageKind::kBitFlip, "flip@" + std::to_string(k) + "/32", size * k / 32));
    }
  }
  if (size > 0) out.push_back(MakeDamage(DamageKind::kTruncate, "trunc-1", size - 1));
  out.push_back(MakeDamage(DamageKind::kTruncate, "trunc-half", size / 2));
  out.push_back(MakeDamage(DamageKind::kAppendGarbage, "append-garbage", 0, 0, garbage));
  constexpr uint64_t k4K = 4096;
  out.push_back(MakeDamage(DamageKind::kZeroRange, "zero-4k@middle", size / 2, k4K));
  out.push_back(
      MakeDamage(DamageKind::kZeroRange, "zero-4k@end", size > k4K ? size - k4K : 0, k4K));
  if (full) {
    for (int k = 1; k < 8; k++) {
      if (k == 4) continue;  // the middle, above
      out.push_back(MakeDamage(DamageKind::kZeroRange, "zero-4k@" + std::to_string(k) + "/8",
                               size * k / 8, k4K));
    }
  }
  out.push_back(MakeDamage(DamageKind::kZeroFile, "zero-file"));
  out.push_back(MakeDamage(DamageKind::kDelete, "delete"));
  if (!other.empty()) out.push_back(MakeDamage(DamageKind::kReplace, "replace", 0, 0, other));
  return out;
}

}  // namespace lsmdb::test
