// A user comparator for tests: the bytewise order reversed. Exercises code paths that
// must not assume the bytewise order (internal-key compares, merges, the comparator
// name check at open).
#ifndef LSMDB_TESTS_UTIL_REVERSE_COMPARATOR_H_
#define LSMDB_TESTS_UTIL_REVERSE_COMPARATOR_H_

#include <string>
#include <string_view>

#include "lsmdb/comparator.h"

namespace lsmdb::test {

class ReverseComparator final : public Comparator {
 public:
  int Compare(std::string_view a, std::string_view b) const override { return b.compare(a); }
  const char* Name() const override { return "test.Reverse"; }
  void FindShortestSeparator(std::string*, std::string_view) const override {}
  void FindShortSuccessor(std::string*) const override {}
};

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_REVERSE_COMPARATOR_H_
