// Internal keys: a user key tagged with the sequence number and kind of the update.
//
//   internal key := user_key | fixed64(sequence << 8 | kind)
//
// Internal keys sort by user key ascending (the user's comparator), then by sequence
// descending, then by kind descending, so the newest update of a key comes first.
// Formats: docs/format/sstable.md and docs/format/wal.md.
#ifndef LSMDB_UTIL_INTERNAL_KEY_H_
#define LSMDB_UTIL_INTERNAL_KEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lsmdb/comparator.h"
#include "lsmdb/status.h"
#include "util/bytewise.h"
#include "util/coding.h"

namespace lsmdb {

using SequenceNumber = uint64_t;
// Sequence numbers use 56 bits; the low 8 bits of the tag hold the kind.
inline constexpr SequenceNumber kMaxSequenceNumber = (uint64_t{1} << 56) - 1;

// The kind of an update. Persisted in WAL records, memtables and tables — never
// renumber.
enum class ValueType : uint8_t {
  kDeletion = 0,
  kValue = 1,
  kMerge = 2,  // a merge operand (DB::Merge)
  // A range tombstone (DeleteRange): in WAL records and the range-deletion block of a
  // table only, never in a memtable's skip list or a table's data blocks.
  kRangeDeletion = 0x0F,
};
// The highest kind of a point entry (memtable skip list, data blocks): ParseInternalKey
// and readers reject higher ones.
inline constexpr ValueType kMaxValueType = ValueType::kMerge;
// The kind used in seek keys: the highest, so that a seek for (key, seq) lands on the
// newest entry of key with sequence <= seq.
inline constexpr ValueType kValueTypeForSeek = kMaxValueType;

inline constexpr size_t kInternalKeyTrailer = 8;

// What a point lookup of a memtable or a version returns when the newest entry it finds
// is a merge operand: the caller then gathers the key's operands over every source
// (src/db/db_merge.cc). Never returned to users.
inline Status MergeOperandFound() { return Status::Aborted("lsmdb.merge-operand"); }
inline bool IsMergeOperandFound(const Status& s) {
  return s.IsAborted() && s.message() == "lsmdb.merge-operand";
}

inline uint64_t PackSequenceAndType(SequenceNumber seq, ValueType t) {
  return (seq << 8) | static_cast<uint8_t>(t);
}

inline void AppendInternalKey(std::string* dst, std::string_view user_key, SequenceNumber seq,
                              ValueType t) {
  dst->append(user_key);
  PutFixed64(dst, PackSequenceAndType(seq, t));
}

struct ParsedInternalKey {
  std::string_view user_key;
  SequenceNumber sequence = 0;
  ValueType type = ValueType::kValue;
};

// Parses an internal key; false if it is too short or has an unknown kind.
inline bool ParseInternalKey(std::string_view ikey, ParsedInternalKey* out) {
  if (ikey.size() < kInternalKeyTrailer) return false;
  uint64_t tag = DecodeFixed64(ikey.data() + ikey.size() - kInternalKeyTrailer);
  uint8_t kind = tag & 0xff;
  if (kind > static_cast<uint8_t>(kMaxValueType)) return false;
  out->user_key = ikey.substr(0, ikey.size() - kInternalKeyTrailer);
  out->sequence = tag >> 8;
  out->type = static_cast<ValueType>(kind);
  return true;
}

// REQUIRES: ikey.size() >= 8 (callers check with ParseInternalKey where data is untrusted).
inline std::string_view ExtractUserKey(std::string_view ikey) {
  return ikey.substr(0, ikey.size() - kInternalKeyTrailer);
}
inline uint64_t ExtractTag(std::string_view ikey) {
  return DecodeFixed64(ikey.data() + ikey.size() - kInternalKeyTrailer);
}

// Orders internal keys as described above, using a user comparator.
//
// Thread-safety: immutable after construction.
class InternalKeyComparator final : public Comparator {
 public:
  explicit InternalKeyComparator(const Comparator* user)
      : user_(user), bytewise_(user == BytewiseComparator()) {}

  int Compare(std::string_view a, std::string_view b) const override {
    // The default order is compared inline: no virtual call per comparison.
    int r = bytewise_ ? BytewiseCompare(ExtractUserKey(a), ExtractUserKey(b))
                      : user_->Compare(ExtractUserKey(a), ExtractUserKey(b));
    if (r != 0) return r;
    uint64_t ta = ExtractTag(a), tb = ExtractTag(b);
    return ta > tb ? -1 : (ta < tb ? 1 : 0);
  }
  const char* Name() const override { return "lsmdb.InternalKeyComparator"; }
  void FindShortestSeparator(std::string* start, std::string_view limit) const override;
  void FindShortSuccessor(std::string* key) const override;

  const Comparator* user_comparator() const { return user_; }

 private:
  const Comparator* user_;
  bool bytewise_;
};

// The key a Get at (user_key, sequence) looks up, in two forms:
//   memtable key := varint32(internal key length) | internal key
//   internal key := user_key | fixed64(sequence << 8 | kValueTypeForSeek)
// Small keys are built in an inline buffer: no heap allocation.
class LookupKey {
 public:
  LookupKey(std::string_view user_key, SequenceNumber sequence);
  ~LookupKey();
  LookupKey(const LookupKey&) = delete;
  LookupKey& operator=(const LookupKey&) = delete;

  std::string_view memtable_key() const { return {start_, static_cast<size_t>(end_ - start_)}; }
  std::string_view internal_key() const { return {kstart_, static_cast<size_t>(end_ - kstart_)}; }
  std::string_view user_key() const {
    return {kstart_, static_cast<size_t>(end_ - kstart_) - kInternalKeyTrailer};
  }

 private:
  const char* start_;
  const char* kstart_;
  const char* end_;
  char space_[200];
};

}  // namespace lsmdb

#endif  // LSMDB_UTIL_INTERNAL_KEY_H_
