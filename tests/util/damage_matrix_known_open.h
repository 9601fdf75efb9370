// The cells of the damage matrix (tests/damage_matrix_test.cc) that fail because of a
// defect of issue 16 still open: file kind, damage label, read path, and the item of
// the issue that fixes it. The test checks that each listed cell that runs still fails,
// so a fix makes this list shrink; a failing cell not listed fails the test. Keep it
// sorted. A damage with '*' (the full form's "flip@*/32", "zero-4k@*/8") stands for
// every offset of its class and must match at least one failing cell.
//
// Items: 1 iterators go on after an error; 2 repair throws readable tables away and
// does not report losses; 3 damage in a log with intact records after it is taken for
// a torn tail (also by repair); 4 the MANIFEST cut or rolled back is not detected;
// 5 damage to an older log, or the loss of the newest one, is not detected from the
// links between logs (also by verify: nothing left on disk shows a lost newest log);
// 6 a table swapped for another is not detected; 7 verify does not check what Open checks.
#ifndef LSMDB_TESTS_UTIL_DAMAGE_MATRIX_KNOWN_OPEN_H_
#define LSMDB_TESTS_UTIL_DAMAGE_MATRIX_KNOWN_OPEN_H_

#include <vector>

namespace lsmdb::test {

struct KnownOpen {
  const char* file;
  const char* damage;
  const char* path;
  int item;
};

// clang-format off
inline const std::vector<KnownOpen> kKnownOpen = {
    {"L0-table", "delete", "repair", 2},
    {"L0-table", "replace", "repair", 2},
    {"deep-table", "delete", "repair", 2},
    {"deep-table", "replace", "repair", 2},
    {"newest-log", "delete", "get", 5},
    {"newest-log", "delete", "open", 5},
    {"newest-log", "delete", "paranoid", 5},
    {"newest-log", "delete", "repair", 3},
    {"newest-log", "delete", "scan-bwd", 5},
    {"newest-log", "delete", "scan-fwd", 5},
    {"newest-log", "delete", "seek", 5},
    {"newest-log", "delete", "verify", 5},
    {"newest-log", "replace", "get", 5},
    {"newest-log", "replace", "open", 5},
    {"newest-log", "replace", "paranoid", 5},
    {"newest-log", "replace", "repair", 3},
    {"newest-log", "replace", "scan-bwd", 5},
    {"newest-log", "replace", "scan-fwd", 5},
    {"newest-log", "replace", "seek", 5},
    {"newest-log", "replace", "verify", 5},
    {"newest-log", "zero-file", "get", 5},
    {"newest-log", "zero-file", "open", 5},
    {"newest-log", "zero-file", "paranoid", 5},
    {"newest-log", "zero-file", "repair", 3},
    {"newest-log", "zero-file", "scan-bwd", 5},
    {"newest-log", "zero-file", "scan-fwd", 5},
    {"newest-log", "zero-file", "seek", 5},
    {"newest-log", "zero-file", "verify", 5},
    {"older-log", "delete", "repair", 3},
    {"older-log", "replace", "repair", 3},
    {"older-log", "zero-4k@end", "repair", 3},
    {"older-log", "zero-file", "repair", 3},
    // The full form (LSMDB_DAMAGE_MATRIX=full): more offsets of each class.
    {"newest-log", "zero-4k@*/8", "get", 3},
    {"newest-log", "zero-4k@*/8", "open", 3},
    {"newest-log", "zero-4k@*/8", "scan-bwd", 3},
    {"newest-log", "zero-4k@*/8", "scan-fwd", 3},
    {"newest-log", "zero-4k@*/8", "seek", 3},
};
// clang-format on

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_DAMAGE_MATRIX_KNOWN_OPEN_H_
