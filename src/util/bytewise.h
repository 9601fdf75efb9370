// BytewiseCompare: the order of BytewiseComparator (unsigned bytes, then length), inline;
// SharedPrefixLength: the common prefix of two keys (prefix compression in blocks).
//
// Keys are mostly short (tens of bytes), where a call to memcmp costs more than the
// comparison: this compares 8 bytes per step as big-endian integers and hands long keys
// to memcmp.
//
// Thread-safety: a pure function.
#ifndef LSMDB_UTIL_BYTEWISE_H_
#define LSMDB_UTIL_BYTEWISE_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace lsmdb {

// < 0, 0 or > 0 as a is before, equal to or after b.
inline int BytewiseCompare(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  if (n > 64) {
    const int r = std::memcmp(a.data(), b.data(), n);
    if (r != 0) return r;
  } else {
    const auto* pa = reinterpret_cast<const unsigned char*>(a.data());
    const auto* pb = reinterpret_cast<const unsigned char*>(b.data());
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t x, y;
      std::memcpy(&x, pa + i, 8);
      std::memcpy(&y, pb + i, 8);
      if (x != y) {
        if constexpr (std::endian::native == std::endian::little) {
          x = __builtin_bswap64(x);
          y = __builtin_bswap64(y);
        }
        return x < y ? -1 : 1;
      }
    }
    for (; i < n; i++) {
      if (pa[i] != pb[i]) return pa[i] < pb[i] ? -1 : 1;
    }
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// The length of the longest common prefix of a and b.
inline size_t SharedPrefixLength(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) {
      const uint64_t diff = x ^ y;
      if constexpr (std::endian::native == std::endian::little) {
        return i + static_cast<size_t>(std::countr_zero(diff)) / 8;
      } else {
        return i + static_cast<size_t>(std::countl_zero(diff)) / 8;
      }
    }
  }
  while (i < n && a[i] == b[i]) i++;
  return i;
}

}  // namespace lsmdb

#endif  // LSMDB_UTIL_BYTEWISE_H_
