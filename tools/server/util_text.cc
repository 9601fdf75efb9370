// Text helpers (util_text.h).
#include "util_text.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace lsmdb::server {

bool ParseStrictInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool neg = false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  if (s[0] == '-') {
    neg = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > uint64_t{1} << 63) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() > 5 * 1024) return false;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string copy(s);
  char* end = nullptr;
  errno = 0;
  long double v = std::strtold(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return false;
  if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO)) {
    return false;
  }
  if (std::isnan(v)) return false;
  *out = v;
  return true;
}

namespace {

char Fold(char c, bool nocase) {
  return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Iterative with a bounded recursion depth for '*' (each '*' recurses once per position).
bool Match(std::string_view p, std::string_view s, bool nocase, int depth) {
  if (depth > 1000) return false;
  size_t pi = 0, si = 0;
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      while (pi + 1 < p.size() && p[pi + 1] == '*') pi++;
      if (pi + 1 == p.size()) return true;
      for (size_t k = si; k <= s.size(); k++) {
        if (Match(p.substr(pi + 1), s.substr(k), nocase, depth + 1)) return true;
      }
      return false;
    }
    if (si >= s.size()) return false;
    if (c == '?') {
      pi++;
      si++;
      continue;
    }
    if (c == '[') {
      pi++;
      bool negate = pi < p.size() && p[pi] == '^';
      if (negate) pi++;
      bool matched = false;
      while (pi < p.size() && p[pi] != ']') {
        if (p[pi] == '\\' && pi + 1 < p.size()) {
          pi++;
          if (Fold(p[pi], nocase) == Fold(s[si], nocase)) matched = true;
        } else if (pi + 2 < p.size() && p[pi + 1] == '-') {
          char lo = Fold(p[pi], nocase), hi = Fold(p[pi + 2], nocase);
          if (lo > hi) std::swap(lo, hi);
          char x = Fold(s[si], nocase);
          if (x >= lo && x <= hi) matched = true;
          pi += 2;
        } else if (Fold(p[pi], nocase) == Fold(s[si], nocase)) {
          matched = true;
        }
        pi++;
      }
      if (pi >= p.size()) pi = p.size() - 1;  // unterminated: Redis treats end as ']'
      if (negate) matched = !matched;
      if (!matched) return false;
      pi++;
      si++;
      continue;
    }
    if (c == '\\' && pi + 1 < p.size()) {
      pi++;
      c = p[pi];
    }
    if (Fold(c, nocase) != Fold(s[si], nocase)) return false;
    pi++;
    si++;
  }
  return si == s.size();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view s, bool nocase) {
  return Match(pattern, s, nocase, 0);
}

std::string AsciiLower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace lsmdb::server
