// The public Iterator of a DB: turns a merged stream of internal keys into user keys as
// of one sequence number, hiding deleted and overwritten entries, within optional bounds.
#ifndef LSMDB_DB_DB_ITER_H_
#define LSMDB_DB_DB_ITER_H_

#include <any>
#include <memory>

#include "lsmdb/iterator.h"
#include "lsmdb/options.h"
#include "util/internal_iterator.h"
#include "util/internal_key.h"

namespace lsmdb {

// internal must yield internal keys ordered by icmp. pin is kept alive as long as the
// iterator (it owns what internal reads from: memtables, a version). options' bounds
// must outlive the iterator.
std::unique_ptr<Iterator> NewDBIterator(const InternalKeyComparator* icmp,
                                        std::unique_ptr<InternalIterator> internal,
                                        SequenceNumber sequence, const ReadOptions& options,
                                        std::shared_ptr<const void> pin);

}  // namespace lsmdb

#endif  // LSMDB_DB_DB_ITER_H_
