// CRC32C (Castagnoli), the checksum of every WAL record, table block and MANIFEST
// record. Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run
// time), a table-driven loop otherwise; both give the same values.
#ifndef LSMDB_UTIL_CRC32C_H_
#define LSMDB_UTIL_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lsmdb::crc32c {

// The CRC32C of concat(A, data[0, n)) where init_crc is the CRC32C of A.
uint32_t Extend(uint32_t init_crc, const char* data, size_t n);

inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

// A CRC stored next to data that itself contains CRCs is masked, so that computing the
// CRC of a string with embedded CRCs does not degenerate.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// True when the hardware path is in use (for tests and the stats).
bool IsHardwareAccelerated();

}  // namespace lsmdb::crc32c

#endif  // LSMDB_UTIL_CRC32C_H_
