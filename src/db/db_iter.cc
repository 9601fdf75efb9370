#include "db/db_iter.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "lsmdb/merge_operator.h"
#include "util/bytewise.h"
#include "util/merge_apply.h"

namespace lsmdb {
namespace {

// Bytes DBIter keeps across moves of the internal iterator (a user key, a value), with
// at least 8 bytes of slack after them, so that BytewiseComparePadded may read whole
// words past their end, and an inline buffer for up to kInlineBytes (no allocation for
// short keys).
class SavedBytes {
 public:
  SavedBytes() = default;
  SavedBytes(const SavedBytes&) = delete;
  SavedBytes& operator=(const SavedBytes&) = delete;

  std::string_view view() const { return {data_, size_}; }
  void clear() { size_ = 0; }

  // Copies key, 8 bytes at a time (no call for short keys).
  // REQUIRES: 8 readable bytes follow key (the user key of an internal key).
  void AssignPadded(std::string_view key) {
    Reserve(key.size());
    for (size_t i = 0; i < key.size(); i += 8) std::memcpy(data_ + i, key.data() + i, 8);
    size_ = key.size();
  }

  void Assign(std::string_view bytes) {
    Reserve(bytes.size());
    if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
    size_ = bytes.size();
  }

  // Sets the internal key of user_key, seq and t.
  void AssignInternalKey(std::string_view user_key, SequenceNumber seq, ValueType t) {
    Reserve(user_key.size() + kInternalKeyTrailer);
    if (!user_key.empty()) std::memcpy(data_, user_key.data(), user_key.size());
    EncodeFixed64(data_ + user_key.size(), PackSequenceAndType(seq, t));
    size_ = user_key.size() + kInternalKeyTrailer;
  }

 private:
  static constexpr size_t kInlineBytes = 120;
  static constexpr size_t kSlack = 8;

  // Room for n bytes rounded up to whole words, and the slack after them.
  void Reserve(size_t n) {
    if (n + kSlack <= capacity_) [[likely]] {
      return;
    }
    capacity_ = std::max(n + kSlack, 2 * capacity_);
    heap_ = std::make_unique_for_overwrite<char[]>(capacity_);
    data_ = heap_.get();
  }

  char inline_[kInlineBytes + kSlack];
  char* data_ = inline_;
  size_t size_ = 0;
  size_t capacity_ = sizeof(inline_);
  std::unique_ptr<char[]> heap_;
};

// Direction invariants (as in LevelDB's DBIter):
//  kForward: internal_ is at the entry that is the current one; key_ is its user key,
//            pointing into internal_'s key.
//  kReverse: internal_ is just before every entry of the current user key, which is
//            held in saved_key_ / saved_value_ (key_ points into saved_key_).
//
// Moving forward, the user key of the entry left behind is copied into saved_key_ to
// recognise its older entries; every user key in that loop is the user key of an
// internal key (its tag follows it) or saved_key_ (padded), so they compare with
// BytewiseComparePadded under the default order.
class DBIter final : public Iterator {
 public:
  DBIter(const InternalKeyComparator* icmp, std::unique_ptr<InternalIterator> internal,
         SequenceNumber sequence, const ReadOptions& options, std::shared_ptr<const void> pin,
         SeekSampler sampler, std::atomic<int>* live_count, const MergeOperator* merge_operator)
      : live_count_(live_count),
        merge_operator_(merge_operator),
        pin_(std::move(pin)),
        sampler_(std::move(sampler)),
        ucmp_(icmp->user_comparator()),
        bytewise_(ucmp_ == BytewiseComparator()),
        internal_(std::move(internal)),
        sequence_(sequence),
        lower_(options.lower_bound),
        upper_(options.upper_bound) {}
  ~DBIter() override {
    if (live_count_ != nullptr) live_count_->fetch_sub(1, std::memory_order_release);
  }

  bool Valid() const override { return valid_; }
  std::string_view key() const override {
    assert(valid_);
    return key_;
  }
  std::string_view value() const override {
    assert(valid_);
    if (merged_) return merged_value_;
    return direction_ == kForward ? internal_->value() : saved_value_.view();
  }
  Status status() const override { return status_.ok() ? internal_->status() : status_; }

  void SeekToFirst() override {
    if (Failed()) return;
    if (lower_) {
      Seek(*lower_);
      return;
    }
    direction_ = kForward;
    internal_->SeekToFirst();
    FindNextUserEntry(false);
  }

  void Seek(std::string_view target) override {
    if (Failed()) return;
    if (lower_ && CompareUser(target, *lower_) < 0) target = *lower_;
    direction_ = kForward;
    seek_key_.AssignInternalKey(target, sequence_, kValueTypeForSeek);
    internal_->Seek(seek_key_.view());
    FindNextUserEntry(false);
    MaybeSampleSeek();
  }

  void SeekToLast() override {
    if (Failed()) return;
    direction_ = kReverse;
    if (upper_) {
      // The last entry with user key < upper.
      seek_key_.AssignInternalKey(*upper_, kMaxSequenceNumber, kValueTypeForSeek);
      internal_->Seek(seek_key_.view());
      if (internal_->Valid()) {
        internal_->Prev();
      } else {
        internal_->SeekToLast();
      }
    } else {
      internal_->SeekToLast();
    }
    FindPrevUserEntry();
  }

  void SeekForPrev(std::string_view target) override {
    if (Failed()) return;
    if (upper_ && CompareUser(target, *upper_) >= 0) {
      SeekToLast();
      return;
    }
    direction_ = kReverse;
    // Position at the last internal entry whose user key is <= target: seek past every
    // entry of target (sequence 0 and the lowest kind sort last), then step back.
    seek_key_.AssignInternalKey(target, 0, ValueType::kDeletion);
    internal_->Seek(seek_key_.view());
    if (!internal_->Valid()) {
      internal_->SeekToLast();
    } else if (CompareUser(ExtractUserKey(internal_->key()), target) > 0) {
      internal_->Prev();
    }
    FindPrevUserEntry();
    MaybeSampleSeek();
  }

  void Next() override {
    assert(valid_);
    if (direction_ == kReverse) [[unlikely]] {
      // internal_ is before the entries of saved_key_: step onto them, then past them.
      direction_ = kForward;
      if (!internal_->Valid()) {
        internal_->SeekToFirst();
      } else {
        internal_->Next();
      }
      FindNextUserEntry(true);
      return;
    }
    if (merged_) {
      // internal_ is already past the operands (key_ is saved_key_).
      FindNextUserEntry(true);
      return;
    }
    saved_key_.AssignPadded(key_);
    internal_->Next();
    FindNextUserEntry(true);
  }

  void Prev() override {
    assert(valid_);
    if (direction_ == kForward && merged_) {
      // internal_ is past the merged entries (or ran out): step back before them all.
      if (!internal_->Valid()) internal_->SeekToLast();
      while (internal_->Valid() &&
             ComparePadded(ExtractUserKey(internal_->key()), saved_key_.view()) >= 0) {
        internal_->Prev();
      }
      direction_ = kReverse;
    } else if (direction_ == kForward) {
      // Step back over every entry of the current user key.
      saved_key_.AssignPadded(key_);
      while (true) {
        internal_->Prev();
        if (!internal_->Valid()) break;
        if (ComparePadded(ExtractUserKey(internal_->key()), saved_key_.view()) < 0) break;
      }
      direction_ = kReverse;
    }
    FindPrevUserEntry();
  }

 private:
  enum Direction { kForward, kReverse };

  // For any user keys (bounds, targets).
  int CompareUser(std::string_view a, std::string_view b) const {
    return bytewise_ ? BytewiseCompare(a, b) : ucmp_->Compare(a, b);
  }
  // For user keys each followed by 8 readable bytes (see the class comment).
  int ComparePadded(std::string_view a, std::string_view b) const {
    return bytewise_ ? BytewiseComparePadded(a, b) : ucmp_->Compare(a, b);
  }

  void SetCorrupt() { status_ = Status::Corruption("iterator", "bad internal key"); }

  // True once an error was met: it is final (Valid() stays false).
  bool Failed() {
    if (status_.ok()) [[likely]] {
      return false;
    }
    valid_ = false;
    return true;
  }

  // Called when internal_ ran out: keeps its error, if that is why. True if it failed.
  bool InternalFailed() {
    Status s = internal_->status();
    if (s.ok()) [[likely]] {
      return false;
    }
    if (status_.ok()) status_ = std::move(s);
    return true;
  }

  // Moves forward to the first visible, live entry; with skipping, entries whose user
  // key is <= saved_key_ are passed over (they are older versions of a key already shown
  // or deleted).
  // Gives one seek in kSeekSamplePeriod (counted per thread: iterators are often made
  // for one seek) to the sampler.
  void MaybeSampleSeek() {
    if (!sampler_ || !valid_) return;
    thread_local int seeks_until_sample = kSeekSamplePeriod;
    if (--seeks_until_sample > 0) return;
    seeks_until_sample = kSeekSamplePeriod;
    sampler_(key_, kSeekSamplePeriod);
  }

  void FindNextUserEntry(bool skipping) {
    merged_ = false;
    for (; internal_->Valid(); internal_->Next()) {
      const std::string_view ikey = internal_->key();
      if (ikey.size() < kInternalKeyTrailer) [[unlikely]] {
        SetCorrupt();
        break;
      }
      const uint64_t tag = ExtractTag(ikey);
      const auto kind = static_cast<uint8_t>(tag & 0xff);
      if (kind > static_cast<uint8_t>(kMaxValueType)) [[unlikely]] {
        SetCorrupt();
        break;
      }
      if ((tag >> 8) > sequence_) continue;  // too new for this iterator
      const std::string_view user_key(ikey.data(), ikey.size() - kInternalKeyTrailer);
      if (skipping && ComparePadded(user_key, saved_key_.view()) <= 0) continue;
      if (kind == static_cast<uint8_t>(ValueType::kDeletion)) {
        // Hide this key and every older entry of it.
        saved_key_.AssignPadded(user_key);
        skipping = true;
        continue;
      }
      if (upper_ && CompareUser(user_key, *upper_) >= 0) break;
      if (kind == static_cast<uint8_t>(ValueType::kMerge)) {
        MergeForward(user_key);
        return;
      }
      key_ = user_key;
      valid_ = true;
      return;
    }
    valid_ = false;
    if (!internal_->Valid()) InternalFailed();
  }

  // internal_ is at the newest visible entry of user_key, a merge operand: gathers the
  // operands down to a value, a tombstone or the key's end, merges them into
  // merged_value_ and leaves internal_ after the last entry used; key_ is then saved_key_.
  void MergeForward(std::string_view user_key) {
    saved_key_.AssignPadded(user_key);
    operands_.clear();
    std::string base;
    bool has_base = false;
    for (; internal_->Valid(); internal_->Next()) {
      ParsedInternalKey parsed;
      if (!ParseInternalKey(internal_->key(), &parsed)) {
        SetCorrupt();
        valid_ = false;
        return;
      }
      if (ComparePadded(parsed.user_key, saved_key_.view()) != 0) break;
      if (parsed.type == ValueType::kMerge) {
        operands_.emplace_back(internal_->value());
        continue;
      }
      if (parsed.type == ValueType::kValue) {
        base.assign(internal_->value());
        has_base = true;
      }
      internal_->Next();  // the value or tombstone was used
      break;
    }
    if (!internal_->Valid() && InternalFailed()) {
      valid_ = false;
      return;
    }
    std::reverse(operands_.begin(), operands_.end());
    if (!FinishMerge(has_base ? &base : nullptr)) return;
    key_ = saved_key_.view();
    merged_ = true;
    valid_ = true;
  }

  // Merges operands_ (oldest first) over *base (null: none) into merged_value_. On
  // failure records the error and returns false (the iterator is then not Valid()).
  bool FinishMerge(const std::string* base) {
    std::vector<std::string_view> ops(operands_.begin(), operands_.end());
    const std::string_view base_view = base != nullptr ? std::string_view(*base) : "";
    Status s = ApplyFullMerge(merge_operator_, saved_key_.view(),
                              base != nullptr ? &base_view : nullptr, ops, &merged_value_);
    if (!s.ok()) {
      status_ = std::move(s);
      valid_ = false;
      merged_ = false;
      return false;
    }
    return true;
  }

  // Moves backward collecting the newest visible entry of the previous user key (and,
  // when that is a merge operand, the operands and base value it merges over).
  void FindPrevUserEntry() {
    bool found = false;     // saved_key_ holds a live entry: a value and/or operands
    bool has_base = false;  // saved_value_ holds its value (under any operands_)
    merged_ = false;
    operands_.clear();
    saved_key_.clear();
    saved_value_.clear();
    while (internal_->Valid()) {
      const std::string_view ikey = internal_->key();
      if (ikey.size() < kInternalKeyTrailer) [[unlikely]] {
        SetCorrupt();
        valid_ = false;
        return;
      }
      const uint64_t tag = ExtractTag(ikey);
      const auto kind = static_cast<uint8_t>(tag & 0xff);
      if (kind > static_cast<uint8_t>(kMaxValueType)) [[unlikely]] {
        SetCorrupt();
        valid_ = false;
        return;
      }
      if ((tag >> 8) <= sequence_) {
        const std::string_view user_key(ikey.data(), ikey.size() - kInternalKeyTrailer);
        if (found && ComparePadded(user_key, saved_key_.view()) < 0) {
          break;  // saved_key_ has its newest visible entry; this one is an older key
        }
        if (kind == static_cast<uint8_t>(ValueType::kValue)) {
          found = has_base = true;
          operands_.clear();
          saved_key_.AssignPadded(user_key);
          saved_value_.Assign(internal_->value());
        } else if (kind == static_cast<uint8_t>(ValueType::kMerge)) {
          // Entries arrive oldest first: this operand applies after those gathered.
          if (!found) saved_key_.AssignPadded(user_key);
          found = true;
          operands_.emplace_back(internal_->value());
        } else {
          found = has_base = false;
          operands_.clear();
          saved_key_.clear();
          saved_value_.clear();
        }
      }
      internal_->Prev();
    }
    // Ran out because a source failed: what was collected may be an older entry of a key
    // whose newest one that source holds.
    if (!internal_->Valid() && InternalFailed()) found = false;
    if (!found) {
      valid_ = false;
      operands_.clear();
      saved_key_.clear();
      saved_value_.clear();
      direction_ = kForward;
      return;
    }
    key_ = saved_key_.view();
    if (!operands_.empty()) {
      const std::string base(has_base ? saved_value_.view() : std::string_view());
      if (!FinishMerge(has_base ? &base : nullptr)) return;
      merged_ = true;
    }
    valid_ = !(lower_ && CompareUser(key_, *lower_) < 0);
  }

  std::atomic<int>* const live_count_;
  const MergeOperator* const merge_operator_;  // null: operands are NotSupported
  std::shared_ptr<const void> pin_;            // declared first: destroyed after internal_
  SeekSampler sampler_;
  const Comparator* const ucmp_;
  const bool bytewise_;  // ucmp_ is the default order: compare inline
  std::unique_ptr<InternalIterator> internal_;
  const SequenceNumber sequence_;
  const std::optional<std::string_view> lower_;
  const std::optional<std::string_view> upper_;
  Direction direction_ = kForward;
  bool valid_ = false;
  std::string_view key_;  // the current user key, when valid_
  SavedBytes saved_key_;
  SavedBytes saved_value_;
  SavedBytes seek_key_;  // the internal key of the last seek
  // The current entry is a merge: key_ is saved_key_, its value merged_value_ (forward,
  // internal_ is past the entries merged).
  bool merged_ = false;
  std::vector<std::string> operands_;  // being merged, oldest first
  std::string merged_value_;
  Status status_;
};

}  // namespace

std::unique_ptr<Iterator> NewDBIterator(const InternalKeyComparator* icmp,
                                        std::unique_ptr<InternalIterator> internal,
                                        SequenceNumber sequence, const ReadOptions& options,
                                        std::shared_ptr<const void> pin, SeekSampler sampler,
                                        std::atomic<int>* live_count,
                                        const MergeOperator* merge_operator) {
  return std::make_unique<DBIter>(icmp, std::move(internal), sequence, options, std::move(pin),
                                  std::move(sampler), live_count, merge_operator);
}

}  // namespace lsmdb
