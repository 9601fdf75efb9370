// A cache-local ("blocked") bloom filter over the keys of one table.
//
// Each key hashes (XXH3, Hash64) to one 64-byte cache line of the bit array, and all of
// its probes fall inside that line, so a lookup touches one cache line. The encoding
// carries its own parameters, which a reader checks before use:
//
//   filter := bit array (num_lines * 64 bytes)
//             | fixed32 num_lines | uint8 num_probes | uint8 kBloomFilterKind | 2 zero bytes
//
// Hashing scheme (persisted — changing it needs a new kind): h = Hash64(key); the line is
// ((h >> 32) * num_lines) >> 32; the probes use the low 32 bits h2: probe i sets bit
// (h2_i >> 23) of the line's 512 bits, where h2_0 = h2 and h2_{i+1} = h2_i * 0x9e3779b9
// (mod 2^32). Bit b of a line is bit (b % 8) of the line's byte b / 8.
//
// Thread-safety: a builder is used by one thread at a time; a reader is immutable and
// may be shared.
#ifndef LSMDB_SSTABLE_BLOOM_FILTER_H_
#define LSMDB_SSTABLE_BLOOM_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lsmdb {

// Persisted — never renumber: the hashing scheme described above.
inline constexpr uint8_t kBloomFilterKind = 1;
inline constexpr size_t kBloomLineBytes = 64;
inline constexpr size_t kBloomTrailerSize = 8;
inline constexpr int kBloomMaxProbes = 30;

// The number of probes used for bits_per_key (>= 1).
int BloomNumProbes(int bits_per_key);

class BloomFilterBuilder {
 public:
  // REQUIRES: bits_per_key >= 1.
  explicit BloomFilterBuilder(int bits_per_key);

  // Adds key. A key equal to the one added just before is skipped (an internal-key table
  // adds one user key per version).
  void AddKey(std::string_view key);
  size_t num_keys() const { return hashes_.size(); }

  // Appends the encoded filter to *dst and empties the builder.
  void Finish(std::string* dst);

 private:
  const int bits_per_key_;
  std::vector<uint64_t> hashes_;
};

class BloomFilterReader {
 public:
  BloomFilterReader() = default;

  // Parses an encoded filter, which must outlive the reader. Returns false (and leaves
  // the reader matching everything) when the parameters are inconsistent with the size.
  bool Init(std::string_view contents);

  // False if key was certainly not added; true if it may have been.
  bool KeyMayMatch(std::string_view key) const;

 private:
  const char* bits_ = nullptr;
  uint32_t num_lines_ = 0;
  int num_probes_ = 0;
  bool valid_ = false;
};

}  // namespace lsmdb

#endif  // LSMDB_SSTABLE_BLOOM_FILTER_H_
