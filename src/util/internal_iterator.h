// InternalIterator: the cursor every layer below the DB exposes (memtable, block, table,
// level, merge). Keys are internal keys unless a class says otherwise.
//
// Unlike the public Iterator, it has no SeekForPrev and no bounds: the DB iterator builds
// those on top. Errors (a damaged block, a table that cannot be opened) make the iterator
// !Valid() and show in status(). In the block, table, level and merging iterators an
// error is final: from then on the iterator stays !Valid() with that status, whatever it
// is asked (a merge ends at the first error of any child).
//
// Thread-safety: one thread at a time.
#ifndef LSMDB_UTIL_INTERNAL_ITERATOR_H_
#define LSMDB_UTIL_INTERNAL_ITERATOR_H_

#include <memory>
#include <string_view>

#include "lsmdb/status.h"

namespace lsmdb {

class InternalIterator {
 public:
  InternalIterator() = default;
  InternalIterator(const InternalIterator&) = delete;
  InternalIterator& operator=(const InternalIterator&) = delete;
  virtual ~InternalIterator() = default;

  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // Positions at the first entry >= target.
  virtual void Seek(std::string_view target) = 0;
  virtual void Next() = 0;  // REQUIRES: Valid()
  virtual void Prev() = 0;  // REQUIRES: Valid()
  // REQUIRES: Valid(). Valid until the iterator moves or is destroyed.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;

  // False only if this iterator holds no entry whose user key is user_key (a bloom
  // filter or the key range rules it out); true when it may, or cannot tell. Afterwards
  // the cursor's position is unspecified until the next Seek, SeekToFirst or SeekToLast
  // (a level iterator opens the table the key would be in). A merge of sources ordered
  // newest first uses it to leave a source unpositioned when a newer one holds the key
  // a seek asked for (merging_iterator.h). Meaningful only for iterators over internal
  // keys.
  virtual bool MayContainUserKey(std::string_view user_key) { return true; }
};

// An iterator over nothing, with the given status.
std::unique_ptr<InternalIterator> NewEmptyIterator(Status status = Status::OK());

}  // namespace lsmdb

#endif  // LSMDB_UTIL_INTERNAL_ITERATOR_H_
