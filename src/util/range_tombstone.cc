#include "util/range_tombstone.h"

#include <algorithm>

#include "util/coding.h"

namespace lsmdb {

FragmentedRangeTombstones::FragmentedRangeTombstones(const std::vector<RangeTombstone>& tombstones,
                                                     const Comparator* ucmp)
    : ucmp_(ucmp) {
  auto less = [ucmp](std::string_view a, std::string_view b) { return ucmp->Compare(a, b) < 0; };
  std::vector<const RangeTombstone*> live;
  std::vector<std::string_view> points;
  for (const RangeTombstone& t : tombstones) {
    if (!less(t.begin, t.end)) continue;
    live.push_back(&t);
    points.push_back(t.begin);
    points.push_back(t.end);
  }
  std::sort(points.begin(), points.end(), less);
  points.erase(std::unique(points.begin(), points.end(),
                           [ucmp](std::string_view a, std::string_view b) {
                             return ucmp->Compare(a, b) == 0;
                           }),
               points.end());
  std::sort(live.begin(), live.end(), [&less](const RangeTombstone* a, const RangeTombstone* b) {
    return less(a->begin, b->begin);
  });
  // Sweep the points left to right with the tombstones that cover the current interval.
  std::vector<const RangeTombstone*> active;
  size_t next = 0;
  for (size_t i = 0; i + 1 < points.size(); i++) {
    const std::string_view lo = points[i];
    while (next < live.size() && !less(lo, live[next]->begin)) active.push_back(live[next++]);
    std::erase_if(active, [&](const RangeTombstone* t) { return !less(lo, t->end); });
    if (active.empty()) continue;
    Fragment f;
    f.begin.assign(lo);
    f.end.assign(points[i + 1]);
    for (const RangeTombstone* t : active) f.seqs.push_back(t->seq);
    std::sort(f.seqs.begin(), f.seqs.end(), std::greater<>());
    f.seqs.erase(std::unique(f.seqs.begin(), f.seqs.end()), f.seqs.end());
    fragments_.push_back(std::move(f));
  }
}

const FragmentedRangeTombstones::Fragment* FragmentedRangeTombstones::FindFragment(
    std::string_view user_key) const {
  // The first fragment whose end is > user_key.
  auto it = std::upper_bound(
      fragments_.begin(), fragments_.end(), user_key,
      [this](std::string_view k, const Fragment& f) { return ucmp_->Compare(k, f.end) < 0; });
  if (it == fragments_.end() || ucmp_->Compare(user_key, it->begin) < 0) return nullptr;
  return &*it;
}

SequenceNumber FragmentedRangeTombstones::MaxCoveringSeq(std::string_view user_key,
                                                         SequenceNumber snapshot) const {
  if (fragments_.empty()) return 0;
  const Fragment* f = FindFragment(user_key);
  if (f == nullptr) return 0;
  for (SequenceNumber s : f->seqs) {
    if (s <= snapshot) return s;
  }
  return 0;
}

void EncodeRangeTombstones(const std::vector<RangeTombstone>& tombstones, std::string* dst) {
  PutVarint32(dst, static_cast<uint32_t>(tombstones.size()));
  for (const RangeTombstone& t : tombstones) {
    PutLengthPrefixed(dst, t.begin);
    PutLengthPrefixed(dst, t.end);
    PutVarint64(dst, t.seq);
  }
}

Status DecodeRangeTombstones(std::string_view input, const Comparator* ucmp,
                             std::vector<RangeTombstone>* out) {
  out->clear();
  uint32_t count = 0;
  if (!GetVarint32(&input, &count)) return Status::Corruption("range tombstones: bad count");
  // Each tombstone takes at least 3 bytes: a count beyond that is damage, not a reason
  // to reserve memory.
  if (count > input.size() / 3) return Status::Corruption("range tombstones: count too large");
  out->reserve(count);
  for (uint32_t i = 0; i < count; i++) {
    std::string_view begin, end;
    uint64_t seq = 0;
    if (!GetLengthPrefixed(&input, &begin) || !GetLengthPrefixed(&input, &end) ||
        !GetVarint64(&input, &seq)) {
      return Status::Corruption("range tombstones: truncated tombstone");
    }
    if (seq > kMaxSequenceNumber) return Status::Corruption("range tombstones: bad sequence");
    if (ucmp->Compare(begin, end) >= 0) {
      return Status::Corruption("range tombstones: begin not below end");
    }
    out->push_back(RangeTombstone{std::string(begin), std::string(end), seq});
  }
  if (!input.empty()) return Status::Corruption("range tombstones: trailing bytes");
  return Status::OK();
}

namespace {

class RangeDelFilterIterator final : public InternalIterator {
 public:
  RangeDelFilterIterator(std::unique_ptr<InternalIterator> internal,
                         std::shared_ptr<const FragmentedRangeTombstones> tombstones,
                         SequenceNumber snapshot)
      : internal_(std::move(internal)), tombstones_(std::move(tombstones)), snapshot_(snapshot) {}

  bool Valid() const override { return internal_->Valid(); }
  void SeekToFirst() override {
    internal_->SeekToFirst();
    SkipForward();
  }
  void SeekToLast() override {
    internal_->SeekToLast();
    SkipBackward();
  }
  void Seek(std::string_view target) override {
    internal_->Seek(target);
    SkipForward();
  }
  void Next() override {
    internal_->Next();
    SkipForward();
  }
  void Prev() override {
    internal_->Prev();
    SkipBackward();
  }
  std::string_view key() const override { return internal_->key(); }
  std::string_view value() const override { return internal_->value(); }
  Status status() const override { return internal_->status(); }
  bool MayContainUserKey(std::string_view user_key) override {
    return internal_->MayContainUserKey(user_key);
  }

 private:
  // Whether the current entry is hidden. Malformed keys pass: the DB iterator reports
  // them.
  bool Covered() const {
    const std::string_view ikey = internal_->key();
    if (ikey.size() < kInternalKeyTrailer) return false;
    const SequenceNumber seq = ExtractTag(ikey) >> 8;
    if (seq >= snapshot_) return false;
    return seq < tombstones_->MaxCoveringSeq(ExtractUserKey(ikey), snapshot_);
  }
  void SkipForward() {
    while (internal_->Valid() && Covered()) internal_->Next();
  }
  void SkipBackward() {
    while (internal_->Valid() && Covered()) internal_->Prev();
  }

  std::unique_ptr<InternalIterator> internal_;
  const std::shared_ptr<const FragmentedRangeTombstones> tombstones_;
  const SequenceNumber snapshot_;
};

}  // namespace

std::unique_ptr<InternalIterator> NewRangeDelFilterIterator(
    std::unique_ptr<InternalIterator> internal,
    std::shared_ptr<const FragmentedRangeTombstones> tombstones, SequenceNumber snapshot) {
  if (tombstones == nullptr || tombstones->empty()) return internal;
  return std::make_unique<RangeDelFilterIterator>(std::move(internal), std::move(tombstones),
                                                  snapshot);
}

}  // namespace lsmdb
