#include "compaction/compaction_merge.h"

#include <string>
#include <vector>

#include "compaction/compaction.h"
#include "util/merge_apply.h"

namespace lsmdb {
namespace {

Status WriteEntry(CompactionOutputs* out, std::string_view user_key, SequenceNumber seq,
                  ValueType type, std::string_view value) {
  std::string ikey;
  AppendInternalKey(&ikey, user_key, seq, type);
  ParsedInternalKey parsed{ExtractUserKey(ikey), seq, type};
  return out->Add(ikey, parsed, value);
}

}  // namespace

Status CompactMergeRun(InternalIterator* iter, const MergeOperator* op, const Comparator* ucmp,
                       const SnapshotStripes& stripes, Compaction* c, CompactionOutputs* out,
                       const CoveredByRangeDel& covered, MergeRunResult* result) {
  *result = MergeRunResult();
  ParsedInternalKey first;
  if (!ParseInternalKey(iter->key(), &first)) {
    return Status::Corruption("compaction", "bad internal key");
  }
  const std::string user_key(first.user_key);
  const size_t stripe = stripes.StripeOf(first.sequence);
  std::vector<std::string> operands;  // newest first
  std::vector<SequenceNumber> seqs;
  operands.emplace_back(iter->value());
  seqs.push_back(first.sequence);
  result->consumed = 1;

  enum { kOpen, kBase, kTombstone, kKeyEnd } end = kOpen;
  std::string base;
  for (iter->Next(); iter->Valid(); iter->Next()) {
    ParsedInternalKey p;
    if (!ParseInternalKey(iter->key(), &p)) {
      return Status::Corruption("compaction", "bad internal key");
    }
    if (ucmp->Compare(p.user_key, user_key) != 0) {
      end = kKeyEnd;
      break;
    }
    if (stripes.StripeOf(p.sequence) != stripe) break;  // older stripe: kOpen
    if (covered && covered(p.user_key, p.sequence)) {
      end = kTombstone;  // a range tombstone lies between the operands and this entry
      break;
    }
    result->consumed++;
    if (p.type == ValueType::kMerge) {
      operands.emplace_back(iter->value());
      seqs.push_back(p.sequence);
      continue;
    }
    if (p.type == ValueType::kValue) {
      base.assign(iter->value());
      end = kBase;
    } else {
      end = kTombstone;
    }
    iter->Next();
    break;
  }
  if (!iter->Valid()) {
    if (!iter->status().ok()) return iter->status();
    if (end == kOpen) end = kKeyEnd;
  }
  if (op == nullptr) return NoMergeOperator();

  if (end == kKeyEnd && c->IsBaseLevelForKey(user_key)) end = kTombstone;  // nothing older
  if (end == kBase || end == kTombstone) {
    std::vector<std::string_view> ops(operands.rbegin(), operands.rend());
    const std::string_view base_view(base);
    std::string merged;
    Status s = ApplyFullMerge(op, user_key, end == kBase ? &base_view : nullptr, ops, &merged);
    if (!s.ok()) return s;
    result->written = 1;
    return WriteEntry(out, user_key, seqs.front(), ValueType::kValue, merged);
  }

  // Older entries may lie in an older stripe or a deeper level: combine what can be.
  std::string acc = operands.back();
  bool combined = true;
  for (size_t i = operands.size() - 1; combined && i-- > 0;) {
    std::string next;
    combined = op->PartialMerge(user_key, acc, operands[i], &next);
    if (combined) acc.swap(next);
  }
  if (combined) {
    result->written = 1;
    return WriteEntry(out, user_key, seqs.front(), ValueType::kMerge, acc);
  }
  for (size_t i = 0; i < operands.size(); i++) {
    Status s = WriteEntry(out, user_key, seqs[i], ValueType::kMerge, operands[i]);
    if (!s.ok()) return s;
  }
  result->written = operands.size();
  return Status::OK();
}

}  // namespace lsmdb
