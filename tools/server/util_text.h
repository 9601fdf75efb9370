// Text helpers of lsmdb-server with Redis's exact rules: strict integer and float parsing,
// glob matching (KEYS, SCAN MATCH), ASCII case folding.
#ifndef LSMDB_TOOLS_SERVER_UTIL_TEXT_H_
#define LSMDB_TOOLS_SERVER_UTIL_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lsmdb::server {

// A decimal int64 as Redis's string2ll accepts it: optional '-', no '+', no spaces, no
// leading zeros (except "0" itself), at most 20 characters, in range.
bool ParseStrictInt64(std::string_view s, int64_t* out);

// A float as Redis's string2ld accepts it: strtold over the whole string, no leading
// space, not NaN. (Infinity is accepted; callers reject it where Redis does.)
bool ParseLongDouble(std::string_view s, long double* out);

// Glob match (*, ?, [...], [^...], \x) as Redis's stringmatchlen.
bool GlobMatch(std::string_view pattern, std::string_view s, bool nocase = false);

std::string AsciiLower(std::string_view s);
bool EqualsNoCase(std::string_view a, std::string_view b);

}  // namespace lsmdb::server

#endif  // LSMDB_TOOLS_SERVER_UTIL_TEXT_H_
