// MergeOperator: read-modify-write without the read (DB::Merge), as RocksDB's.
//
// DB::Merge(key, operand) records an operand; a read of key applies every operand
// recorded since the key's last Put or Delete, oldest first, over that Put's value (or
// over no value after a Delete or when the key never existed): FullMerge. Compaction
// may combine two adjacent operands into one ahead of time (PartialMerge) and applies
// FullMerge once it reaches the base value, a tombstone or the bottom of the tree, so
// that the chain of operands a read walks stays short.
//
// A merge that fails (FullMerge returns false) is reported to the read as
// Status::Corruption naming the key's operator; compaction stops with that error (a
// background error) and keeps every input. Nothing is silently dropped.
//
// The operator's Name() is recorded in the LOG at open. A database holding operands must
// be read with an operator that gives them the same meaning; reading operands with no
// operator set is Status::NotSupported.
//
// Thread-safety: every method is const and must be safe to call from many threads
// (reads and background compactions call it concurrently).
#ifndef LSMDB_MERGE_OPERATOR_H_
#define LSMDB_MERGE_OPERATOR_H_

#include <span>
#include <string>
#include <string_view>

#include "lsmdb/export.h"

namespace lsmdb {

class LSMDB_EXPORT MergeOperator {
 public:
  virtual ~MergeOperator();

  // A name that changes whenever the meaning of operands changes. Names starting with
  // "lsmdb." are reserved for the built-in operators (merge_operators.h).
  virtual const char* Name() const = 0;

  // Applies operands (oldest first, at least one) to existing_value (null when the key
  // has no value: never written, or deleted) and stores the result in *new_value.
  // Returns false if the operands or the existing value cannot be merged (the read or
  // compaction then fails with Corruption). *new_value is empty on entry.
  virtual bool FullMerge(std::string_view key, const std::string_view* existing_value,
                         std::span<const std::string_view> operands,
                         std::string* new_value) const = 0;

  // Optional: combines two operands, left older than right, into one operand with the
  // same effect as applying both, and returns true; false (the default) when they cannot
  // be combined (both are then kept). Must not fail for a reason FullMerge would
  // accept. *new_value is empty on entry.
  virtual bool PartialMerge(std::string_view key, std::string_view left_operand,
                            std::string_view right_operand, std::string* new_value) const;
};

}  // namespace lsmdb

#endif  // LSMDB_MERGE_OPERATOR_H_
