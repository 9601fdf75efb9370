// WriteBatchInternal: what the engine needs of a WriteBatch beyond the public API.
//
// Encoding (also docs/format/wal.md, since a WAL record is one batch):
//   batch  := fixed64 sequence | fixed32 count | record*
//   record := kValue(1) varstring(key) varstring(value) | kDeletion(0) varstring(key)
//           | kMerge(2) varstring(key) varstring(operand)
//           | kRangeDeletion(15) varstring(begin) varstring(end)
#ifndef LSMDB_DB_WRITE_BATCH_INTERNAL_H_
#define LSMDB_DB_WRITE_BATCH_INTERNAL_H_

#include "lsmdb/write_batch.h"
#include "memtable/memtable.h"
#include "util/internal_key.h"

namespace lsmdb {

inline constexpr size_t kWriteBatchHeader = 12;

class WriteBatchInternal {
 public:
  static uint32_t Count(const WriteBatch* b);
  static void SetCount(WriteBatch* b, uint32_t n);
  static SequenceNumber Sequence(const WriteBatch* b);
  static void SetSequence(WriteBatch* b, SequenceNumber seq);
  static std::string_view Contents(const WriteBatch* b) { return b->rep_; }
  static size_t ByteSize(const WriteBatch* b) { return b->rep_.size(); }
  // Replaces b's contents. REQUIRES: contents.size() >= kWriteBatchHeader.
  static void SetContents(WriteBatch* b, std::string_view contents);
  // Appends src's records to dst (sequence of dst kept).
  static void Append(WriteBatch* dst, const WriteBatch* src);

  // Checks every key and value against kMaxKeySize / kMaxValueSize and the encoding
  // against its count, that no DeleteRange has begin > end (with ucmp), and that the
  // batch holds no merge when !merge_allowed (the DB has no merge operator).
  // InvalidArgument names the offending entry.
  static Status Validate(const WriteBatch* b, const Comparator* ucmp = nullptr,
                         bool merge_allowed = true);
  // The error of a merge written to a DB without Options::merge_operator.
  static Status MergeWithoutOperator();
  // The size check of Validate for one entry (value_size 0 for a deletion).
  static Status CheckEntry(size_t key_size, size_t value_size);

  // Applies the batch to mem with sequences Sequence(b), Sequence(b)+1, ...
  // Corruption if the encoding is bad (only for batches read from a damaged WAL, whose
  // checksum matched: cannot happen short of a bug).
  static Status InsertInto(const WriteBatch* b, MemTable* mem);
};

}  // namespace lsmdb

#endif  // LSMDB_DB_WRITE_BATCH_INTERNAL_H_
