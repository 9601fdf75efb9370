// 64-bit hashing (XXH3) for bloom filters and cache sharding.
#ifndef LSMDB_UTIL_HASH_H_
#define LSMDB_UTIL_HASH_H_

#include <cstdint>
#include <string_view>

namespace lsmdb {

uint64_t Hash64(std::string_view data);
uint64_t Hash64(std::string_view data, uint64_t seed);

}  // namespace lsmdb

#endif  // LSMDB_UTIL_HASH_H_
