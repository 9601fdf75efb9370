// Iterator: an ordered cursor over key/value pairs.
//
// An iterator from DB::NewIterator sees the database as of one point in time (its
// snapshot), whatever writes, flushes and compactions happen while it lives. It must be
// destroyed before the DB it came from.
//
// Thread-safety: one thread at a time may use an iterator; distinct iterators may be used
// from distinct threads without synchronisation.
#ifndef LSMDB_ITERATOR_H_
#define LSMDB_ITERATOR_H_

#include <string_view>

#include "lsmdb/export.h"
#include "lsmdb/status.h"

namespace lsmdb {

class LSMDB_EXPORT Iterator {
 public:
  Iterator() = default;
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;
  virtual ~Iterator();

  // True when positioned at an entry. False at either end or after an error (see status()).
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // Positions at the first entry with key >= target.
  virtual void Seek(std::string_view target) = 0;
  // Positions at the last entry with key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  // REQUIRES: Valid().
  virtual void Next() = 0;
  // REQUIRES: Valid().
  virtual void Prev() = 0;
  // REQUIRES: Valid(). The bytes stay valid until the iterator moves or is destroyed.
  virtual std::string_view key() const = 0;
  // REQUIRES: Valid(). The bytes stay valid until the iterator moves or is destroyed.
  virtual std::string_view value() const = 0;
  // OK unless an error was met (for example Corruption of a block on disk, or a missing
  // table file). An error ends the iteration for good, in both directions: Valid() is
  // false from then on, whatever seek is called (make a new iterator to try again). Every
  // entry shown while status() is OK is the right one.
  virtual Status status() const = 0;
};

}  // namespace lsmdb

#endif  // LSMDB_ITERATOR_H_
