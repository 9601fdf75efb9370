// Helpers shared by the tests: seeds, random strings, temporary directories.
#ifndef LSMDB_TESTS_UTIL_TEST_UTIL_H_
#define LSMDB_TESTS_UTIL_TEST_UTIL_H_

#include <cstdint>
#include <string>

#include "util/random.h"

namespace lsmdb::test {

// The seed of a randomized test: $LSMDB_TEST_SEED if set, else one derived from the
// clock. Printed to stderr with the test's name so that a failure can be replayed.
uint64_t RandomSeed();

// len random bytes (any value 0..255).
std::string RandomBytes(Random* rnd, size_t len);
// len random printable characters.
std::string RandomString(Random* rnd, size_t len);

// A fresh, empty directory under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_TEST_UTIL_H_
