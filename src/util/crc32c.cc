#include "util/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace lsmdb::crc32c {
namespace {

constexpr uint32_t kPoly = 0x82f63b78u;  // reflected Castagnoli polynomial

// Slicing-by-8 tables, computed at compile time.
constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> t{};
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++) {
    for (int s = 1; s < 8; s++) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
  return t;
}
constexpr auto kTables = MakeTables();

uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint32_t c = ~crc;
  while (n >= 8) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= c;
    c = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xff] ^ kTables[2][(hi >> 8) & 0xff] ^
        kTables[1][(hi >> 16) & 0xff] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) c = kTables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

#if defined(__x86_64__)
// The crc32 instruction has a latency of 3 cycles and a throughput of 1 per cycle, so
// one dependent chain runs at a third of the hardware's speed. Long inputs are cut into
// three equal stripes whose CRCs run interleaved, then are combined: the CRC register
// of stripe A followed by stripe B is shift(crc(A), |B|) ^ crc(B), where shift() is the
// effect of |B| zero bytes on the register — a linear map, tabulated per stripe length.
constexpr size_t kLongStripe = 1024;  // bytes per stripe in rounds of 3 * 1024
constexpr size_t kShortStripe = 128;  // then rounds of 3 * 128

using ShiftTable = std::array<std::array<uint32_t, 256>, 4>;

__attribute__((target("sse4.2"))) uint32_t RawZeros(uint32_t reg, size_t n) {
  uint64_t c = reg;
  for (size_t i = 0; i < n; i += 8) c = _mm_crc32_u64(c, 0);
  return static_cast<uint32_t>(c);
}

// table[b][v] = the register after `len` zero bytes, starting from v << 8b.
ShiftTable MakeShiftTable(size_t len) {
  uint32_t bit_image[32];
  for (int i = 0; i < 32; i++) bit_image[i] = RawZeros(uint32_t{1} << i, len);
  ShiftTable t{};
  for (int b = 0; b < 4; b++) {
    for (uint32_t v = 0; v < 256; v++) {
      uint32_t r = 0;
      for (int i = 0; i < 8; i++) {
        if ((v >> i) & 1) r ^= bit_image[8 * b + i];
      }
      t[b][v] = r;
    }
  }
  return t;
}

inline uint32_t Shift(const ShiftTable& t, uint32_t reg) {
  return t[0][reg & 0xff] ^ t[1][(reg >> 8) & 0xff] ^ t[2][(reg >> 16) & 0xff] ^ t[3][reg >> 24];
}

// Runs rounds of three interleaved stripes of `stripe` bytes while they fit.
__attribute__((target("sse4.2"))) inline uint64_t Stripes(uint64_t c0, const unsigned char*& p,
                                                          size_t& n, size_t stripe,
                                                          const ShiftTable& shift) {
  while (n >= 3 * stripe) {
    uint64_t c1 = 0, c2 = 0;
    for (size_t i = 0; i < stripe; i += 8) {
      uint64_t v0, v1, v2;
      std::memcpy(&v0, p + i, 8);
      std::memcpy(&v1, p + stripe + i, 8);
      std::memcpy(&v2, p + 2 * stripe + i, 8);
      c0 = _mm_crc32_u64(c0, v0);
      c1 = _mm_crc32_u64(c1, v1);
      c2 = _mm_crc32_u64(c2, v2);
    }
    c0 = Shift(shift, static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c1);
    c0 = Shift(shift, static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c2);
    p += 3 * stripe;
    n -= 3 * stripe;
  }
  return c0;
}

const ShiftTable& LongShift() {
  static const ShiftTable t = MakeShiftTable(kLongStripe);
  return t;
}
const ShiftTable& ShortShift() {
  static const ShiftTable t = MakeShiftTable(kShortStripe);
  return t;
}

__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint64_t c = ~crc;
  if (n >= 3 * kShortStripe) {
    c = Stripes(c, p, n, kLongStripe, LongShift());
    c = Stripes(c, p, n, kShortStripe, ShortShift());
  }
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}

bool DetectSse42() { return __builtin_cpu_supports("sse4.2"); }
#else
bool DetectSse42() { return false; }
#endif

const bool kHaveSse42 = DetectSse42();

}  // namespace

uint32_t Extend(uint32_t init_crc, const char* data, size_t n) {
#if defined(__x86_64__)
  if (kHaveSse42) return ExtendSse42(init_crc, data, n);
#endif
  return ExtendPortable(init_crc, data, n);
}

bool IsHardwareAccelerated() { return kHaveSse42; }

uint32_t TEST_ExtendPortable(uint32_t init_crc, const char* data, size_t n) {
  return ExtendPortable(init_crc, data, n);
}

}  // namespace lsmdb::crc32c
