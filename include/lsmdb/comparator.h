// Comparator: the total order of user keys.
//
// The comparator's Name() is stored in the database when it is created; opening the
// database later with a comparator of another name fails with InvalidArgument, because the
// files on disk are sorted by the first one.
//
// Thread-safety: every method is const and must be safe to call from many threads.
#ifndef LSMDB_COMPARATOR_H_
#define LSMDB_COMPARATOR_H_

#include <string>
#include <string_view>

#include "lsmdb/export.h"

namespace lsmdb {

class LSMDB_EXPORT Comparator {
 public:
  virtual ~Comparator();

  // Returns < 0, 0 or > 0 as a sorts before, equal to, or after b.
  virtual int Compare(std::string_view a, std::string_view b) const = 0;

  // A name that changes whenever the order changes. Names starting with "lsmdb." are
  // reserved.
  virtual const char* Name() const = 0;

  // Optional space savers for index blocks.
  // If *start < limit, may change *start to a shorter string in [*start, limit).
  virtual void FindShortestSeparator(std::string* start, std::string_view limit) const = 0;
  // May change *key to a shorter string >= *key.
  virtual void FindShortSuccessor(std::string* key) const = 0;
};

// The default: lexicographic order of unsigned bytes (memcmp). Name "lsmdb.Bytewise".
// The returned object is a singleton that lives until the process ends.
LSMDB_EXPORT const Comparator* BytewiseComparator();

}  // namespace lsmdb

#endif  // LSMDB_COMPARATOR_H_
