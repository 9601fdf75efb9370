// Damage done to one file of a database, for the damage matrix
// (tests/damage_matrix_test.cc): what is done, where, and its name in the report.
//
// Thread-safety: plain values and a pure function.
#ifndef LSMDB_TESTS_UTIL_FILE_DAMAGE_H_
#define LSMDB_TESTS_UTIL_FILE_DAMAGE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lsmdb::test {

enum class DamageKind {
  kBitFlip,        // flips bit (offset % 8) of the byte at offset
  kTruncate,       // cuts the file to offset bytes
  kAppendGarbage,  // appends `bytes`
  kZeroRange,      // zeroes [offset, offset + length), clipped to the file
  kZeroFile,       // zeroes every byte, keeping the size
  kDelete,         // removes the file
  kReplace,        // replaces the contents with `bytes` (another valid file of the kind)
};

struct Damage {
  DamageKind kind;
  std::string label;  // "flip@middle", "trunc-1", ... (stable: the expected-failure list uses it)
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string bytes;
};

inline Damage MakeDamage(DamageKind kind, std::string label, uint64_t offset = 0,
                         uint64_t length = 0, std::string bytes = {}) {
  return Damage{kind, std::move(label), offset, length, std::move(bytes)};
}

// Applies d to *data. Returns false if the file is to be deleted instead.
bool ApplyDamage(const Damage& d, std::string* data);

// The damage kinds of the matrix for a file of `size` bytes: bit flips at the offsets
// given (label, offset), truncation by one byte and to half, `garbage` appended, a 4 KiB
// range zeroed in the middle and at the end, the whole file zeroed, deletion, and
// replacement by `other` (skipped when empty).
std::vector<Damage> DamagesFor(uint64_t size,
                               const std::vector<std::pair<std::string, uint64_t>>& flips,
                               const std::string& garbage, const std::string& other, bool full);

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_FILE_DAMAGE_H_
