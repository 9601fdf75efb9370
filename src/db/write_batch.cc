#include "lsmdb/write_batch.h"

#include <algorithm>
#include <cstring>

#include "db/write_batch_internal.h"
#include "lsmdb/options.h"
#include "util/coding.h"

namespace lsmdb {

WriteBatch::Handler::~Handler() = default;
Status WriteBatch::Handler::DeleteRange(std::string_view, std::string_view) {
  return Status::NotSupported("this WriteBatch::Handler does not handle DeleteRange");
}
Status WriteBatch::Handler::Merge(std::string_view, std::string_view) {
  return Status::NotSupported("this WriteBatch::Handler does not handle Merge");
}

WriteBatch::WriteBatch() { Clear(); }
WriteBatch::~WriteBatch() = default;

void WriteBatch::Clear() {
  rep_.clear();
  rep_.resize(kWriteBatchHeader);
}

uint32_t WriteBatch::Count() const { return WriteBatchInternal::Count(this); }

namespace {

// Grows rep by n bytes with at most one reallocation (geometrically, so that a batch built
// by many Puts is still built in amortised linear time) and returns the new bytes.
char* Extend(std::string* rep, size_t n) {
  const size_t old = rep->size();
  if (old + n > rep->capacity()) rep->reserve(std::max(old + n, 2 * rep->capacity()));
  rep->resize(old + n);
  return rep->data() + old;
}

char* EncodeLengthPrefixed(char* p, std::string_view s) {
  p = EncodeVarint32(p, static_cast<uint32_t>(s.size()));
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace

void WriteBatch::Put(std::string_view key, std::string_view value) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  const size_t n =
      1 + VarintLength(key.size()) + key.size() + VarintLength(value.size()) + value.size();
  char* p = Extend(&rep_, n);
  *p++ = static_cast<char>(ValueType::kValue);
  p = EncodeLengthPrefixed(p, key);
  EncodeLengthPrefixed(p, value);
}

void WriteBatch::Delete(std::string_view key) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  char* p = Extend(&rep_, 1 + VarintLength(key.size()) + key.size());
  *p++ = static_cast<char>(ValueType::kDeletion);
  EncodeLengthPrefixed(p, key);
}

void WriteBatch::DeleteRange(std::string_view begin, std::string_view end) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  const size_t n =
      1 + VarintLength(begin.size()) + begin.size() + VarintLength(end.size()) + end.size();
  char* p = Extend(&rep_, n);
  *p++ = static_cast<char>(ValueType::kRangeDeletion);
  p = EncodeLengthPrefixed(p, begin);
  EncodeLengthPrefixed(p, end);
}

void WriteBatch::Merge(std::string_view key, std::string_view operand) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  const size_t n =
      1 + VarintLength(key.size()) + key.size() + VarintLength(operand.size()) + operand.size();
  char* p = Extend(&rep_, n);
  *p++ = static_cast<char>(ValueType::kMerge);
  p = EncodeLengthPrefixed(p, key);
  EncodeLengthPrefixed(p, operand);
}

void WriteBatch::Append(const WriteBatch& other) { WriteBatchInternal::Append(this, &other); }

Status WriteBatch::SetContents(std::string_view contents) {
  if (contents.size() < kWriteBatchHeader) {
    return Status::Corruption("write batch", "shorter than its 12-byte header");
  }
  rep_.assign(contents);
  return Status::OK();
}

namespace {

// The loop of Iterate, as a template so that the engine's own handlers (final classes)
// get their calls inlined rather than one virtual call per entry.
template <class H>
Status IterateRep(std::string_view rep, uint32_t count, H* handler) {
  std::string_view input(rep);
  if (input.size() < kWriteBatchHeader) {
    return Status::Corruption("write batch", "shorter than its 12-byte header");
  }
  input.remove_prefix(kWriteBatchHeader);
  uint32_t found = 0;
  while (!input.empty()) {
    const size_t offset = rep.size() - input.size();
    auto tag = static_cast<uint8_t>(input[0]);
    input.remove_prefix(1);
    std::string_view key, value;
    if (tag == static_cast<uint8_t>(ValueType::kValue)) {
      if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
        return Status::Corruption("write batch",
                                  "bad Put record at offset " + std::to_string(offset));
      }
      handler->Put(key, value);
    } else if (tag == static_cast<uint8_t>(ValueType::kDeletion)) {
      if (!GetLengthPrefixed(&input, &key)) {
        return Status::Corruption("write batch",
                                  "bad Delete record at offset " + std::to_string(offset));
      }
      handler->Delete(key);
    } else if (tag == static_cast<uint8_t>(ValueType::kRangeDeletion)) {
      if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
        return Status::Corruption("write batch",
                                  "bad DeleteRange record at offset " + std::to_string(offset));
      }
      Status s = handler->DeleteRange(key, value);
      if (!s.ok()) return s;
    } else if (tag == static_cast<uint8_t>(ValueType::kMerge)) {
      if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
        return Status::Corruption("write batch",
                                  "bad Merge record at offset " + std::to_string(offset));
      }
      Status s = handler->Merge(key, value);
      if (!s.ok()) return s;
    } else {
      return Status::Corruption("write batch", "unknown record tag " + std::to_string(tag) +
                                                   " at offset " + std::to_string(offset));
    }
    found++;
  }
  if (found != count) {
    return Status::Corruption("write batch", "header says " + std::to_string(count) +
                                                 " records, found " + std::to_string(found));
  }
  return Status::OK();
}

}  // namespace

Status WriteBatch::Iterate(Handler* handler) const {
  return IterateRep(rep_, rep_.size() < kWriteBatchHeader ? 0 : Count(), handler);
}

uint32_t WriteBatchInternal::Count(const WriteBatch* b) {
  return DecodeFixed32(b->rep_.data() + 8);
}
void WriteBatchInternal::SetCount(WriteBatch* b, uint32_t n) {
  EncodeFixed32(b->rep_.data() + 8, n);
}
SequenceNumber WriteBatchInternal::Sequence(const WriteBatch* b) {
  return DecodeFixed64(b->rep_.data());
}
void WriteBatchInternal::SetSequence(WriteBatch* b, SequenceNumber seq) {
  EncodeFixed64(b->rep_.data(), seq);
}
void WriteBatchInternal::SetContents(WriteBatch* b, std::string_view contents) {
  b->rep_.assign(contents);
}
void WriteBatchInternal::Append(WriteBatch* dst, const WriteBatch* src) {
  SetCount(dst, Count(dst) + Count(src));
  dst->rep_.append(src->rep_.data() + kWriteBatchHeader, src->rep_.size() - kWriteBatchHeader);
}

namespace {

class Validator final : public WriteBatch::Handler {
 public:
  void Put(std::string_view key, std::string_view value) override {
    if (status.ok()) status = WriteBatchInternal::CheckEntry(key.size(), value.size());
  }
  void Delete(std::string_view key) override {
    if (status.ok()) status = WriteBatchInternal::CheckEntry(key.size(), 0);
  }
  Status DeleteRange(std::string_view begin, std::string_view end) override {
    if (status.ok()) status = WriteBatchInternal::CheckEntry(begin.size(), 0);
    if (status.ok()) status = WriteBatchInternal::CheckEntry(end.size(), 0);
    if (status.ok() && ucmp != nullptr && ucmp->Compare(begin, end) > 0) {
      status = Status::InvalidArgument("DeleteRange: begin is after end");
    }
    return Status::OK();
  }
  Status Merge(std::string_view key, std::string_view operand) override {
    if (status.ok()) status = WriteBatchInternal::CheckEntry(key.size(), operand.size());
    merges++;
    return Status::OK();
  }
  const Comparator* ucmp = nullptr;
  Status status;
  uint32_t merges = 0;
};

class MemTableInserter final : public WriteBatch::Handler {
 public:
  MemTableInserter(SequenceNumber seq, MemTable* mem) : seq_(seq), mem_(mem) {}
  void Put(std::string_view key, std::string_view value) override {
    mem_->Add(seq_++, ValueType::kValue, key, value);
  }
  void Delete(std::string_view key) override { mem_->Add(seq_++, ValueType::kDeletion, key, {}); }
  Status DeleteRange(std::string_view begin, std::string_view end) override {
    mem_->AddRangeTombstone(seq_++, begin, end);
    return Status::OK();
  }
  Status Merge(std::string_view key, std::string_view operand) override {
    mem_->Add(seq_++, ValueType::kMerge, key, operand);
    return Status::OK();
  }

 private:
  SequenceNumber seq_;
  MemTable* mem_;
};

}  // namespace

Status WriteBatchInternal::MergeWithoutOperator() {
  return Status::InvalidArgument("Merge needs Options::merge_operator, which is not set");
}

Status WriteBatchInternal::CheckEntry(size_t key_size, size_t value_size) {
  if (key_size > kMaxKeySize) [[unlikely]] {
    return Status::InvalidArgument("key of " + std::to_string(key_size) +
                                   " bytes exceeds the limit of " + std::to_string(kMaxKeySize) +
                                   " (kMaxKeySize)");
  }
  if (value_size > kMaxValueSize) [[unlikely]] {
    return Status::InvalidArgument("value of " + std::to_string(value_size) +
                                   " bytes exceeds the limit of " + std::to_string(kMaxValueSize) +
                                   " (kMaxValueSize)");
  }
  return Status::OK();
}

Status WriteBatchInternal::Validate(const WriteBatch* b, const Comparator* ucmp,
                                    bool merge_allowed) {
  Validator v;
  v.ucmp = ucmp;
  Status s = b->Iterate(&v);
  if (!s.ok()) return Status::InvalidArgument("write batch", s.message());
  if (v.status.ok() && v.merges > 0 && !merge_allowed) return MergeWithoutOperator();
  return v.status;
}

Status WriteBatchInternal::InsertInto(const WriteBatch* b, MemTable* mem) {
  MemTableInserter inserter(Sequence(b), mem);
  return IterateRep(b->rep_, Count(b), &inserter);
}

}  // namespace lsmdb
