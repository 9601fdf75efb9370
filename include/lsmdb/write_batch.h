// WriteBatch: a group of updates applied atomically by DB::Write.
//
// The updates apply in the order they were added: after Put("k","a") and Delete("k") in
// one batch, "k" is absent. A batch is all or nothing, also across crashes.
//
// Thread-safety: a WriteBatch is not synchronised; share one only with external locking.
#ifndef LSMDB_WRITE_BATCH_H_
#define LSMDB_WRITE_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lsmdb/export.h"
#include "lsmdb/status.h"

namespace lsmdb {

class LSMDB_EXPORT WriteBatch {
 public:
  // Receives the updates of a batch in order (see Iterate).
  class LSMDB_EXPORT Handler {
   public:
    virtual ~Handler();
    virtual void Put(std::string_view key, std::string_view value) = 0;
    virtual void Delete(std::string_view key) = 0;
    // A range deletion of [begin, end). A non-OK result stops Iterate, which returns it.
    // Default: NotSupported (a handler written before range deletions existed).
    virtual Status DeleteRange(std::string_view begin, std::string_view end);
    // A merge operand for key. A non-OK result stops Iterate. Default: NotSupported.
    virtual Status Merge(std::string_view key, std::string_view operand);
  };

  WriteBatch();
  WriteBatch(const WriteBatch&) = default;
  WriteBatch& operator=(const WriteBatch&) = default;
  WriteBatch(WriteBatch&&) noexcept = default;
  WriteBatch& operator=(WriteBatch&&) noexcept = default;
  ~WriteBatch();

  // Adds an update. Keys or values over the limits of options.h are rejected by
  // DB::Write, which then applies nothing of the batch.
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Removes every key k with begin <= k < end (the DB's comparator), as one record that
  // costs the same whatever the range holds. begin == end deletes nothing; begin > end
  // makes DB::Write reject the batch with InvalidArgument (applying nothing of it).
  void DeleteRange(std::string_view begin, std::string_view end);
  // Records a merge operand for key (DB::Merge). DB::Write rejects a batch holding one
  // with InvalidArgument when the DB has no Options::merge_operator.
  void Merge(std::string_view key, std::string_view operand);
  // Appends the updates of other.
  void Append(const WriteBatch& other);
  void Clear();

  // Number of updates.
  uint32_t Count() const;
  // Bytes of the batch's encoding: a measure of the memory it holds.
  size_t ApproximateSize() const { return rep_.size(); }

  // Calls handler for each update in order. Returns Corruption if the encoding is bad
  // (only possible for a batch built from raw bytes).
  Status Iterate(Handler* handler) const;

  // The encoding (see docs/format/wal.md), and a batch built from one. SetContents
  // checks only the header size; Iterate checks the rest.
  std::string_view Contents() const { return rep_; }
  Status SetContents(std::string_view contents);

 private:
  friend class WriteBatchInternal;
  std::string rep_;
};

}  // namespace lsmdb

#endif  // LSMDB_WRITE_BATCH_H_
