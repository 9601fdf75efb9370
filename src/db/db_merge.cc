// Merge operands on the write path and in point lookups (include/lsmdb/merge_operator.h).
#include <algorithm>
#include <vector>

#include "db/db_impl.h"
#include "db/write_batch_internal.h"
#include "lsmdb/merge_operator.h"
#include "util/merge_apply.h"

namespace lsmdb {

Status DBImpl::Merge(const WriteOptions& options, std::string_view key, std::string_view operand) {
  if (options_.merge_operator == nullptr) return WriteBatchInternal::MergeWithoutOperator();
  Status s = WriteBatchInternal::CheckEntry(key.size(), operand.size());
  if (!s.ok()) return s;
  WriteBatch batch;
  batch.Merge(key, operand);
  return WriteValidated(options, &batch);
}

Status DBImpl::GetMerged(const ReadOptions& options, const ReadView& view, SequenceNumber seq,
                         std::string_view key, std::string* value, SequenceNumber tombstone_seq) {
  const Comparator* ucmp = icmp_.user_comparator();
  std::unique_ptr<InternalIterator> iter = NewInternalIterator(options, view);
  LookupKey lkey(key, seq);
  iter->Seek(lkey.internal_key());
  std::vector<std::string> operands;  // newest first
  std::string base;
  bool has_base = false;
  for (; iter->Valid(); iter->Next()) {
    ParsedInternalKey parsed;
    if (!ParseInternalKey(iter->key(), &parsed)) {
      return Status::Corruption("merge lookup", "bad internal key");
    }
    if (ucmp->Compare(parsed.user_key, key) != 0) break;
    if (parsed.sequence > seq) continue;
    if (parsed.sequence < tombstone_seq) break;  // hidden by a range tombstone
    if (parsed.type == ValueType::kMerge) {
      operands.emplace_back(iter->value());
      continue;
    }
    if (parsed.type == ValueType::kValue) {
      base.assign(iter->value());
      has_base = true;
    }
    break;  // a value or a tombstone ends the chain
  }
  if (!iter->Valid() && !iter->status().ok()) return iter->status();
  if (operands.empty()) {
    // A value newer than a covering tombstone, or none.
    if (!has_base) return Status::NotFound("");
    value->swap(base);
    return Status::OK();
  }
  std::vector<std::string_view> ops(operands.rbegin(), operands.rend());
  const std::string_view base_view(base);
  std::string result;
  Status s = ApplyFullMerge(options_.merge_operator.get(), key, has_base ? &base_view : nullptr,
                            ops, &result);
  if (!s.ok()) return s;
  value->swap(result);
  return Status::OK();
}

void DBImpl::LogExtensions() {
  if (options_.merge_operator != nullptr) {
    info_log_->Log("merge operator: %s", options_.merge_operator->Name());
  }
}

}  // namespace lsmdb
