#include "sstable/merging_iterator.h"

#include <cassert>
#include <cstdint>
#include <utility>

#include "util/internal_key.h"

namespace lsmdb {
namespace {

// Comparators the merge can call without a virtual call per comparison: the internal-key
// comparator (a final class, so Compare inlines) and any other, called through the vtable.
struct InternalKeyOrder {
  const InternalKeyComparator* cmp;
  int operator()(std::string_view a, std::string_view b) const { return cmp->Compare(a, b); }
};
struct AnyOrder {
  const Comparator* cmp;
  int operator()(std::string_view a, std::string_view b) const { return cmp->Compare(a, b); }
};

// The merged order is the order of (key, child index) pairs, ascending when moving forward
// and descending when moving backward; within one child, its own order. heap_ holds the
// indices of the valid children, arranged as a binary heap whose root is the child with
// the next entry in the current direction: a min-heap forward, a max-heap backward.
// keys_[i] caches children_[i]->key() while child i is in the heap, so comparisons make no
// virtual calls down the child's layers.
//
// Invariant when moving forward: every child is positioned at its first entry after the
// current one in merged order (the current child at the current entry itself). Moving
// backward, mirror image. Switching direction re-establishes the invariant by seeking the
// other children around the current key.
//
// A step usually leaves the same child on top (runs of keys from one table): the heap
// remembers which of the root's two children comes first, so confirming that the root
// stays costs one comparison whatever the number of children.
template <typename Order>
class MergingIterator final : public InternalIterator {
 public:
  MergingIterator(Order order, std::vector<std::unique_ptr<InternalIterator>> children)
      : order_(order), children_(std::move(children)), keys_(children_.size()) {
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
    return keys_[heap_[0]];
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
    const std::string_view target = keys_[current];  // current does not move
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
    const std::string_view target = keys_[current];
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
    while (child->Valid() && order_(child->key(), target) == 0) child->Next();
  }

  // True when child a's entry comes before child b's in the current direction.
  bool Before(size_t a, size_t b) const {
    int c = order_(keys_[a], keys_[b]);
    if (c == 0) c = (a < b) ? -1 : 1;
    return direction_ == Direction::kForward ? c < 0 : c > 0;
  }

  void RebuildHeap() {
    heap_.clear();
    for (size_t i = 0; i < children_.size(); i++) {
      InternalIterator* child = children_[i].get();
      if (child->Valid()) {
        keys_[i] = child->key();
        heap_.push_back(static_cast<uint32_t>(i));
      }
    }
    for (size_t i = heap_.size() / 2; i-- > 0;) SiftDown(i);
    first_child_ = 0;
  }

  // After the root's child moved: sink it to its place, or drop it if it ran out.
  void FixTop() {
    const size_t top = heap_[0];
    InternalIterator* child = children_[top].get();
    if (!child->Valid()) {
      heap_[0] = heap_.back();
      heap_.pop_back();
      first_child_ = 0;
      if (heap_.size() > 1) SiftDown(0);
      return;
    }
    keys_[top] = child->key();
    const size_t n = heap_.size();
    if (n == 1) return;
    if (first_child_ == 0) {
      first_child_ = (n > 2 && Before(heap_[2], heap_[1])) ? 2 : 1;
    }
    if (!Before(heap_[first_child_], top)) return;  // the root stays: children unchanged
    // The root's first child takes its place; the old root sinks from there.
    heap_[0] = heap_[first_child_];
    heap_[first_child_] = static_cast<uint32_t>(top);
    SiftDown(first_child_);
    first_child_ = 0;
  }

  void SiftDown(size_t pos) {
    const size_t n = heap_.size();
    const uint32_t item = heap_[pos];
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

  const Order order_;
  std::vector<std::unique_ptr<InternalIterator>> children_;
  std::vector<std::string_view> keys_;
  std::vector<uint32_t> heap_;
  // Which of the root's children (heap position 1 or 2) comes first; 0 when unknown.
  size_t first_child_ = 0;
  Direction direction_ = Direction::kForward;
};

}  // namespace

std::unique_ptr<InternalIterator> NewMergingIterator(
    const Comparator* comparator, std::vector<std::unique_ptr<InternalIterator>> children) {
  if (children.empty()) return NewEmptyIterator();
  if (children.size() == 1) return std::move(children[0]);
  if (const auto* icmp = dynamic_cast<const InternalKeyComparator*>(comparator)) {
    return std::make_unique<MergingIterator<InternalKeyOrder>>(InternalKeyOrder{icmp},
                                                               std::move(children));
  }
  return std::make_unique<MergingIterator<AnyOrder>>(AnyOrder{comparator}, std::move(children));
}

}  // namespace lsmdb
