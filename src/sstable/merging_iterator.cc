#include "sstable/merging_iterator.h"

#include <cassert>
#include <utility>

namespace lsmdb {
namespace {

// The merged order is the order of (key, child index) pairs, ascending when moving forward
// and descending when moving backward; within one child, its own order. heap_ holds the
// indices of the valid children, arranged as a binary heap whose root is the child with
// the next entry in the current direction: a min-heap forward, a max-heap backward.
//
// Invariant when moving forward: every child is positioned at its first entry after the
// current one in merged order (the current child at the current entry itself). Moving
// backward, mirror image. Switching direction re-establishes the invariant by seeking the
// other children around the current key.
class MergingIterator final : public InternalIterator {
 public:
  MergingIterator(const Comparator* comparator,
                  std::vector<std::unique_ptr<InternalIterator>> children)
      : comparator_(comparator), children_(std::move(children)) {
    heap_.reserve(children_.size());
  }

  bool Valid() const override { return !heap_.empty(); }

  void SeekToFirst() override {
    for (auto& child : children_) child->SeekToFirst();
    direction_ = Direction::kForward;
    RebuildHeap();
  }

  void SeekToLast() override {
    for (auto& child : children_) child->SeekToLast();
    direction_ = Direction::kReverse;
    RebuildHeap();
  }

  void Seek(std::string_view target) override {
    for (auto& child : children_) child->Seek(target);
    direction_ = Direction::kForward;
    RebuildHeap();
  }

  void Next() override {
    assert(Valid());
    if (direction_ != Direction::kForward) SwitchToForward();
    children_[heap_[0]]->Next();
    FixTop();
  }

  void Prev() override {
    assert(Valid());
    if (direction_ != Direction::kReverse) SwitchToReverse();
    children_[heap_[0]]->Prev();
    FixTop();
  }

  std::string_view key() const override {
    assert(Valid());
    return children_[heap_[0]]->key();
  }

  std::string_view value() const override {
    assert(Valid());
    return children_[heap_[0]]->value();
  }

  Status status() const override {
    for (const auto& child : children_) {
      Status s = child->status();
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

 private:
  enum class Direction { kForward, kReverse };

  // Positions every child but the current one just after the current entry in forward
  // order: children before it (lower index) past every entry equal to the current key,
  // children after it at their first entry >= the current key.
  void SwitchToForward() {
    const size_t current = heap_[0];
    const std::string_view target = children_[current]->key();  // current does not move
    for (size_t i = 0; i < children_.size(); i++) {
      if (i == current) continue;
      InternalIterator* child = children_[i].get();
      child->Seek(target);
      if (i < current) SkipEqual(child, target);
    }
    direction_ = Direction::kForward;
    RebuildHeap();
    assert(heap_[0] == current);
  }

  // Positions every child but the current one just before the current entry in forward
  // order: children before it at their last entry <= the current key, children after it
  // at their last entry < the current key.
  void SwitchToReverse() {
    const size_t current = heap_[0];
    const std::string_view target = children_[current]->key();
    for (size_t i = 0; i < children_.size(); i++) {
      if (i == current) continue;
      InternalIterator* child = children_[i].get();
      child->Seek(target);
      if (i < current) SkipEqual(child, target);
      if (child->Valid()) {
        child->Prev();
      } else if (child->status().ok()) {
        child->SeekToLast();  // every entry of the child is before the target
      }
    }
    direction_ = Direction::kReverse;
    RebuildHeap();
    assert(heap_[0] == current);
  }

  void SkipEqual(InternalIterator* child, std::string_view target) const {
    while (child->Valid() && comparator_->Compare(child->key(), target) == 0) {
      child->Next();
    }
  }

  // True when child a's entry comes before child b's in the current direction.
  bool Before(size_t a, size_t b) const {
    int c = comparator_->Compare(children_[a]->key(), children_[b]->key());
    if (c == 0) c = (a < b) ? -1 : 1;
    return direction_ == Direction::kForward ? c < 0 : c > 0;
  }

  void RebuildHeap() {
    heap_.clear();
    for (size_t i = 0; i < children_.size(); i++) {
      if (children_[i]->Valid()) heap_.push_back(i);
    }
    for (size_t i = heap_.size() / 2; i-- > 0;) SiftDown(i);
  }

  // After the root's child moved: sink it to its place, or drop it if it ran out.
  void FixTop() {
    if (!children_[heap_[0]]->Valid()) {
      heap_[0] = heap_.back();
      heap_.pop_back();
      if (heap_.empty()) return;
    }
    SiftDown(0);
  }

  void SiftDown(size_t pos) {
    const size_t n = heap_.size();
    const size_t item = heap_[pos];
    while (true) {
      size_t child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && Before(heap_[child + 1], heap_[child])) child++;
      if (!Before(heap_[child], item)) break;
      heap_[pos] = heap_[child];
      pos = child;
    }
    heap_[pos] = item;
  }

  const Comparator* const comparator_;
  std::vector<std::unique_ptr<InternalIterator>> children_;
  std::vector<size_t> heap_;
  Direction direction_ = Direction::kForward;
};

}  // namespace

std::unique_ptr<InternalIterator> NewMergingIterator(
    const Comparator* comparator, std::vector<std::unique_ptr<InternalIterator>> children) {
  if (children.empty()) return NewEmptyIterator();
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<MergingIterator>(comparator, std::move(children));
}

}  // namespace lsmdb
