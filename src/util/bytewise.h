// BytewiseCompare: the order of BytewiseComparator (unsigned bytes, then length), inline;
// BytewiseComparePadded: the same for keys followed by 8 readable bytes, smaller and
// faster; SharedPrefixLength: the common prefix of two keys (prefix compression in blocks).
//
// Keys are mostly short (tens of bytes), where a call to memcmp costs more than the
// comparison: these compare 8 bytes per step as big-endian integers (BytewiseCompare
// hands long keys to memcmp).
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

// The long-key case of BytewiseComparePadded, out of line so that its callers' hot code
// needs no call-saved registers.
[[gnu::noinline]] inline int BytewiseCompareLong(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  const int r = std::memcmp(a.data(), b.data(), n);
  if (r != 0) return r;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// BytewiseCompare for keys that are each followed in memory by at least 8 readable bytes
// (the user key inside an internal key, whose 8-byte tag follows it; a buffer padded on
// purpose). It loads the last, partial word whole and shifts out the bytes past the
// shorter key, so it needs no byte loop and stays small enough to inline into the
// innermost loops of iterators (forced inline). Keys of more than 64 bytes go to memcmp,
// out of line.
// REQUIRES: a.data()[a.size() .. a.size() + 8) and the same of b are readable.
[[gnu::always_inline]] inline int BytewiseComparePadded(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  if (n > 64) [[unlikely]] {
    return BytewiseCompareLong(a, b);
  }
  for (size_t i = 0; i < n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    const bool whole = n - i >= 8;
    if (whole && x == y) continue;  // equal whole words need no byte swap
    if constexpr (std::endian::native == std::endian::little) {
      x = __builtin_bswap64(x);
      y = __builtin_bswap64(y);
    }
    if (!whole) {  // a partial word: drop the bytes past the shorter key
      const auto drop = static_cast<unsigned>(8 * (8 - (n - i)));
      x >>= drop;
      y >>= drop;
    }
    if (x != y) return x < y ? -1 : 1;
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
