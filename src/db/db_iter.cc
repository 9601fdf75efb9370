#include "db/db_iter.h"

#include <string>

namespace lsmdb {
namespace {

// Direction invariants (as in LevelDB's DBIter):
//  kForward: internal_ is at the entry that is the current one; key() reads it.
//  kReverse: internal_ is just before every entry of the current user key, which is
//            held in saved_key_ / saved_value_.
class DBIter final : public Iterator {
 public:
  DBIter(const InternalKeyComparator* icmp, std::unique_ptr<InternalIterator> internal,
         SequenceNumber sequence, const ReadOptions& options, std::shared_ptr<const void> pin)
      : pin_(std::move(pin)),
        ucmp_(icmp->user_comparator()),
        bytewise_(ucmp_ == BytewiseComparator()),
        internal_(std::move(internal)),
        sequence_(sequence),
        lower_(options.lower_bound),
        upper_(options.upper_bound) {}

  bool Valid() const override { return valid_; }
  std::string_view key() const override {
    return direction_ == kForward ? ExtractUserKey(internal_->key()) : std::string_view(saved_key_);
  }
  std::string_view value() const override {
    return direction_ == kForward ? internal_->value() : std::string_view(saved_value_);
  }
  Status status() const override { return status_.ok() ? internal_->status() : status_; }

  void SeekToFirst() override {
    if (lower_) {
      Seek(*lower_);
      return;
    }
    direction_ = kForward;
    internal_->SeekToFirst();
    FindNextUserEntry(false);
  }

  void Seek(std::string_view target) override {
    if (lower_ && CompareUser(target, *lower_) < 0) target = *lower_;
    direction_ = kForward;
    saved_key_.clear();
    AppendInternalKey(&saved_key_, target, sequence_, kValueTypeForSeek);
    internal_->Seek(saved_key_);
    FindNextUserEntry(false);
  }

  void SeekToLast() override {
    direction_ = kReverse;
    if (upper_) {
      // The last entry with user key < upper.
      saved_key_.clear();
      AppendInternalKey(&saved_key_, *upper_, kMaxSequenceNumber, kValueTypeForSeek);
      internal_->Seek(saved_key_);
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
    if (upper_ && CompareUser(target, *upper_) >= 0) {
      SeekToLast();
      return;
    }
    direction_ = kReverse;
    // Position at the last internal entry whose user key is <= target: seek past every
    // entry of target (sequence 0 and the lowest kind sort last), then step back.
    saved_key_.clear();
    AppendInternalKey(&saved_key_, target, 0, ValueType::kDeletion);
    internal_->Seek(saved_key_);
    if (!internal_->Valid()) {
      internal_->SeekToLast();
    } else if (CompareUser(ExtractUserKey(internal_->key()), target) > 0) {
      internal_->Prev();
    }
    FindPrevUserEntry();
  }

  void Next() override {
    if (direction_ == kReverse) {
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
    saved_key_.assign(ExtractUserKey(internal_->key()));
    internal_->Next();
    FindNextUserEntry(true);
  }

  void Prev() override {
    if (direction_ == kForward) {
      // Step back over every entry of the current user key.
      saved_key_.assign(ExtractUserKey(internal_->key()));
      while (true) {
        internal_->Prev();
        if (!internal_->Valid()) break;
        if (CompareUser(ExtractUserKey(internal_->key()), saved_key_) < 0) break;
      }
      direction_ = kReverse;
    }
    FindPrevUserEntry();
  }

 private:
  enum Direction { kForward, kReverse };

  int CompareUser(std::string_view a, std::string_view b) const {
    return bytewise_ ? a.compare(b) : ucmp_->Compare(a, b);
  }

  bool Parse(ParsedInternalKey* ikey) {
    if (ParseInternalKey(internal_->key(), ikey)) return true;
    status_ = Status::Corruption("iterator", "bad internal key");
    return false;
  }

  // Moves forward to the first visible, live entry; with skipping, entries whose user
  // key is <= saved_key_ are passed over (they are older versions of a key already shown).
  void FindNextUserEntry(bool skipping) {
    valid_ = false;
    for (; internal_->Valid(); internal_->Next()) {
      ParsedInternalKey ikey;
      if (!Parse(&ikey)) return;
      if (ikey.sequence > sequence_) continue;
      if (skipping && CompareUser(ikey.user_key, saved_key_) <= 0) continue;
      if (ikey.type == ValueType::kDeletion) {
        // Hide this key and every older entry of it.
        saved_key_.assign(ikey.user_key);
        skipping = true;
        continue;
      }
      if (upper_ && CompareUser(ikey.user_key, *upper_) >= 0) return;
      valid_ = true;
      return;
    }
  }

  // Moves backward collecting the newest visible entry of the previous user key.
  void FindPrevUserEntry() {
    ValueType value_type = ValueType::kDeletion;
    saved_key_.clear();
    saved_value_.clear();
    while (internal_->Valid()) {
      ParsedInternalKey ikey;
      if (!Parse(&ikey)) {
        valid_ = false;
        return;
      }
      if (ikey.sequence <= sequence_) {
        if (value_type != ValueType::kDeletion && CompareUser(ikey.user_key, saved_key_) < 0) {
          break;  // saved_key_ has its newest visible entry; this one is an older key
        }
        value_type = ikey.type;
        if (ikey.type == ValueType::kDeletion) {
          saved_key_.clear();
          saved_value_.clear();
        } else {
          saved_key_.assign(ikey.user_key);
          saved_value_.assign(internal_->value());
        }
      }
      internal_->Prev();
    }
    if (value_type == ValueType::kDeletion) {
      valid_ = false;
      saved_key_.clear();
      saved_value_.clear();
      direction_ = kForward;
      return;
    }
    valid_ = !(lower_ && CompareUser(saved_key_, *lower_) < 0);
  }

  std::shared_ptr<const void> pin_;  // declared first: destroyed after internal_
  const Comparator* const ucmp_;
  const bool bytewise_;  // ucmp_ is the default order: compare inline
  std::unique_ptr<InternalIterator> internal_;
  const SequenceNumber sequence_;
  const std::optional<std::string_view> lower_;
  const std::optional<std::string_view> upper_;
  Direction direction_ = kForward;
  bool valid_ = false;
  std::string saved_key_;
  std::string saved_value_;
  Status status_;
};

}  // namespace

std::unique_ptr<Iterator> NewDBIterator(const InternalKeyComparator* icmp,
                                        std::unique_ptr<InternalIterator> internal,
                                        SequenceNumber sequence, const ReadOptions& options,
                                        std::shared_ptr<const void> pin) {
  return std::make_unique<DBIter>(icmp, std::move(internal), sequence, options, std::move(pin));
}

}  // namespace lsmdb
