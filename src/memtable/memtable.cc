#include "memtable/memtable.h"

#include <cassert>
#include <cstring>
#include <limits>

#include "util/coding.h"

namespace lsmdb {
namespace {

// Decodes the varint32 length prefix at p and returns the bytes it covers. Only for
// entries and seek keys this file encoded itself, which are well formed.
std::string_view DecodeLengthPrefixed(const char* p) {
  uint32_t len = 0;
  p = GetVarint32Ptr(p, p + kMaxVarint32Bytes, &len);
  assert(p != nullptr);
  return {p, len};
}

}  // namespace

int MemTable::KeyComparator::operator()(const char* a, const char* b) const {
  return icmp.Compare(DecodeLengthPrefixed(a), DecodeLengthPrefixed(b));
}

// Walks the skip list; key() and value() decode the entry under the cursor.
class MemTable::Iterator final : public InternalIterator {
 public:
  Iterator(const Table* table, const MemTableFilter* filter) : iter_(table), filter_(filter) {}

  bool Valid() const override { return iter_.Valid(); }
  void SeekToFirst() override { iter_.SeekToFirst(); }
  void SeekToLast() override { iter_.SeekToLast(); }
  void Seek(std::string_view target) override {
    assert(target.size() >= kInternalKeyTrailer);
    assert(target.size() <= std::numeric_limits<uint32_t>::max());
    // The skip list compares encoded entries: give the target the same length prefix,
    // in the inline buffer when it fits (no allocation for the usual short keys).
    const size_t needed = kMaxVarint32Bytes + target.size();
    char* buf = inline_seek_;
    if (needed > sizeof(inline_seek_)) {
      if (needed > heap_seek_size_) {
        heap_seek_ = std::make_unique_for_overwrite<char[]>(needed);
        heap_seek_size_ = needed;
      }
      buf = heap_seek_.get();
    }
    char* p = EncodeVarint32(buf, static_cast<uint32_t>(target.size()));
    std::memcpy(p, target.data(), target.size());
    iter_.Seek(buf);
  }
  void Next() override { iter_.Next(); }
  void Prev() override { iter_.Prev(); }
  std::string_view key() const override { return DecodeLengthPrefixed(iter_.key()); }
  std::string_view value() const override {
    std::string_view ikey = key();
    return DecodeLengthPrefixed(ikey.data() + ikey.size());
  }
  Status status() const override { return Status::OK(); }
  bool MayContainUserKey(std::string_view user_key) override {
    return filter_->MayContain(user_key);
  }

 private:
  Table::Iterator iter_;
  const MemTableFilter* const filter_;
  // The encoded Seek target: inline for short keys, else a buffer kept for reuse.
  char inline_seek_[64];
  std::unique_ptr<char[]> heap_seek_;
  size_t heap_seek_size_ = 0;
};

MemTable::MemTable(const InternalKeyComparator& comparator, size_t filter_bytes)
    : comparator_{comparator},
      filter_(filter_bytes),
      table_(comparator_, &arena_),
      range_dels_(comparator.user_comparator()) {}

void MemTable::AddRangeTombstone(SequenceNumber seq, std::string_view begin, std::string_view end) {
  range_dels_.Add(seq, begin, end);
  num_entries_.store(num_entries_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  if (seq < first_sequence_.load(std::memory_order_relaxed)) {
    first_sequence_.store(seq, std::memory_order_relaxed);
  }
}

MemTable::~MemTable() = default;

void MemTable::Add(SequenceNumber seq, ValueType type, std::string_view user_key,
                   std::string_view value) {
  assert(seq <= kMaxSequenceNumber);
  assert(static_cast<uint8_t>(type) <= static_cast<uint8_t>(kMaxValueType));
  assert(user_key.size() <= std::numeric_limits<uint32_t>::max() - kInternalKeyTrailer);
  assert(value.size() <= std::numeric_limits<uint32_t>::max());
  const auto ikey_size = static_cast<uint32_t>(user_key.size() + kInternalKeyTrailer);
  const auto value_size = static_cast<uint32_t>(value.size());
  const size_t encoded_size =
      VarintLength(ikey_size) + ikey_size + VarintLength(value_size) + value_size;

  // One arena allocation holds the skip-list node and the entry.
  Table::Reservation reservation = table_.Reserve(encoded_size);
  char* const entry = reservation.payload();
  char* p = EncodeVarint32(entry, ikey_size);
  if (!user_key.empty()) std::memcpy(p, user_key.data(), user_key.size());
  p += user_key.size();
  EncodeFixed64(p, PackSequenceAndType(seq, type));
  p += kInternalKeyTrailer;
  p = EncodeVarint32(p, value_size);
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  p += value.size();
  assert(p == entry + encoded_size);
  filter_.Add(user_key);  // before the entry is reachable (see MemTableFilter)
  table_.Insert(reservation, entry);

  // Single writer: plain read-modify-write of the counters is enough.
  if (type == ValueType::kDeletion) {
    num_deletes_.store(num_deletes_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  num_entries_.store(num_entries_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  if (seq < first_sequence_.load(std::memory_order_relaxed)) {
    first_sequence_.store(seq, std::memory_order_relaxed);
  }
}

bool MemTable::Get(const LookupKey& key, std::string* value, Status* s) const {
  if (!filter_.MayContain(key.user_key())) return false;
  Table::Iterator iter(&table_);
  // The first entry >= (user key, sequence): the newest one of that user key that the
  // sequence can see, if the user key matches.
  iter.Seek(key.memtable_key().data());
  if (!iter.Valid()) return false;

  std::string_view ikey = DecodeLengthPrefixed(iter.key());
  const Comparator* user_cmp = comparator_.icmp.user_comparator();
  if (user_cmp->Compare(ExtractUserKey(ikey), key.user_key()) != 0) return false;

  switch (static_cast<ValueType>(ExtractTag(ikey) & 0xff)) {
    case ValueType::kValue: {
      std::string_view v = DecodeLengthPrefixed(ikey.data() + ikey.size());
      value->assign(v.data(), v.size());
      *s = Status::OK();
      return true;
    }
    case ValueType::kDeletion:
      *s = Status::NotFound(std::string_view());
      return true;
    case ValueType::kRangeDeletion:  // never in the skip list (AddRangeTombstone)
      break;
    case ValueType::kMerge:
      *s = MergeOperandFound();
      return true;
  }
  assert(false && "memtable entry with an unknown value type");
  return false;
}

std::unique_ptr<InternalIterator> MemTable::NewIterator() const {
  return std::make_unique<Iterator>(&table_, &filter_);
}

}  // namespace lsmdb
