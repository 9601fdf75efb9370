// The read paths of the damage matrix (tests/damage_matrix_test.cc): each reads a
// database through the public API and returns what it saw as an Observation
// (tests/util/ack_model.h), counting the reads that failed with an error.
//
// Thread-safety: each call uses the DB as any reader may.
#ifndef LSMDB_TESTS_UTIL_DAMAGE_READS_H_
#define LSMDB_TESTS_UTIL_DAMAGE_READS_H_

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "lsmdb/db.h"
#include "tests/util/ack_model.h"

namespace lsmdb::test {

struct ReadResult {
  Observation obs;
  size_t errors = 0;        // reads (Gets, scans) that ended with an error status
  std::string first_error;  // its text
};

// Get of every key in keys: a value, NotFound (seen absent) or an error.
ReadResult ReadByGet(DB* db, const std::set<std::string>& keys);
// A full scan, forward (SeekToFirst, Next) or backward (SeekToLast, Prev). Every key of
// `keys` in the span the scan covered (to the end when it ended with an OK status, else
// up to the last entry it showed) and not shown is seen absent.
ReadResult ScanAll(DB* db, const std::set<std::string>& keys, bool forward);
// For each target: Seek and `steps` Next, SeekForPrev and `steps` Prev; what each saw,
// as for ScanAll, within the span it covered.
ReadResult SeekScans(DB* db, const std::set<std::string>& keys,
                     const std::vector<std::string>& targets, int steps);

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_DAMAGE_READS_H_
