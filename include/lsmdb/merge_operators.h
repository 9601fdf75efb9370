// The built-in merge operators (see merge_operator.h).
#ifndef LSMDB_MERGE_OPERATORS_H_
#define LSMDB_MERGE_OPERATORS_H_

#include <memory>
#include <string_view>

#include "lsmdb/export.h"
#include "lsmdb/merge_operator.h"

namespace lsmdb {

// Counters, as RocksDB's UInt64AddOperator: values and operands are 8-byte little-endian
// unsigned integers (fixed64); the result is the sum modulo 2^64, a missing value
// counting as 0. An operand or existing value of another size fails the merge
// (Corruption). Name "lsmdb.UInt64Add".
LSMDB_EXPORT std::shared_ptr<MergeOperator> NewUInt64AddOperator();

// Appends each operand to the value, separated by delimiter (no delimiter before the
// first piece when there is no existing value). Never fails. Name
// "lsmdb.StringAppend" (the delimiter is part of the meaning: use the same one).
LSMDB_EXPORT std::shared_ptr<MergeOperator> NewStringAppendOperator(
    std::string_view delimiter = ",");

// Keeps the largest of the value and the operands, compared as unsigned bytes
// (memcmp order; a missing value is smaller than any). Never fails. Name "lsmdb.Max".
LSMDB_EXPORT std::shared_ptr<MergeOperator> NewMaxOperator();

// The built-in operator of a name: "uint64add", "stringappend" (delimiter ","),
// "max", or the Name() of one of the above; null for any other name. For tools and the
// C API, which choose an operator by name.
LSMDB_EXPORT std::shared_ptr<MergeOperator> NewMergeOperatorByName(std::string_view name);

}  // namespace lsmdb

#endif  // LSMDB_MERGE_OPERATORS_H_
