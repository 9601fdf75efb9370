// Applying a MergeOperator inside the engine, with its failures turned into a Status.
#ifndef LSMDB_UTIL_MERGE_APPLY_H_
#define LSMDB_UTIL_MERGE_APPLY_H_

#include <span>
#include <string>
#include <string_view>

#include "lsmdb/merge_operator.h"
#include "lsmdb/status.h"

namespace lsmdb {

// Stores in *result the merge of operands (oldest first, at least one) over base (null:
// no value). NotSupported when op is null (the DB has no merge operator but holds
// operands); Corruption naming the operator and the key's length when the merge fails.
Status ApplyFullMerge(const MergeOperator* op, std::string_view key, const std::string_view* base,
                      std::span<const std::string_view> operands, std::string* result);

// The error for operands met with no merge operator set.
Status NoMergeOperator();

}  // namespace lsmdb

#endif  // LSMDB_UTIL_MERGE_APPLY_H_
