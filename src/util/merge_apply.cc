#include "util/merge_apply.h"

namespace lsmdb {

Status NoMergeOperator() {
  return Status::NotSupported(
      "the database holds merge operands, but Options::merge_operator "
      "is not set");
}

Status ApplyFullMerge(const MergeOperator* op, std::string_view key, const std::string_view* base,
                      std::span<const std::string_view> operands, std::string* result) {
  if (op == nullptr) return NoMergeOperator();
  result->clear();
  if (!op->FullMerge(key, base, operands, result)) {
    return Status::Corruption(std::string("merge operator ") + op->Name(),
                              "failed to merge " + std::to_string(operands.size()) +
                                  " operand(s) of a key of " + std::to_string(key.size()) +
                                  " bytes" + (base != nullptr ? " over its value" : ""));
  }
  return Status::OK();
}

}  // namespace lsmdb
