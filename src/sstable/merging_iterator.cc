#include "sstable/merging_iterator.h"

#include <cassert>
#include <cstdint>
#include <span>
#include <utility>

#include "util/bytewise.h"
#include "util/internal_key.h"

namespace lsmdb {
namespace {

// Comparators the merge can call without a virtual call per comparison: internal keys
// over the bytewise order (compared inline; like InternalKeyComparator it requires every
// key to be at least 8 bytes), internal keys over another user order (the internal-key
// comparator is final, so only the user comparison is a virtual call), and any other
// comparator, called through the vtable.
struct BytewiseInternalOrder {
  // Each user key is followed by its 8-byte tag: the padded comparison may load whole
  // words past its end.
  [[gnu::always_inline]] int operator()(std::string_view a, std::string_view b) const {
    const int r = BytewiseComparePadded({a.data(), a.size() - kInternalKeyTrailer},
                                        {b.data(), b.size() - kInternalKeyTrailer});
    if (r != 0) return r;
    const uint64_t ta = ExtractTag(a), tb = ExtractTag(b);
    return ta > tb ? -1 : (ta < tb ? 1 : 0);
  }
  static constexpr bool kInternalKeys = true;
  bool SameUserKey(std::string_view ikey, std::string_view user_key) const {
    return ExtractUserKey(ikey) == user_key;
  }
};
struct InternalKeyOrder {
  const InternalKeyComparator* cmp;
  int operator()(std::string_view a, std::string_view b) const { return cmp->Compare(a, b); }
  static constexpr bool kInternalKeys = true;
  bool SameUserKey(std::string_view ikey, std::string_view user_key) const {
    return cmp->user_comparator()->Compare(ExtractUserKey(ikey), user_key) == 0;
  }
};
struct AnyOrder {
  const Comparator* cmp;
  int operator()(std::string_view a, std::string_view b) const { return cmp->Compare(a, b); }
  static constexpr bool kInternalKeys = false;
  bool SameUserKey(std::string_view, std::string_view) const { return false; }
};

// The merged order is the order of (key, child index) pairs, ascending when moving forward
// and descending when moving backward; within one child, its own order. heap_ holds the
// slots of the valid children, arranged as a binary heap whose root is the child with the
// next entry in the current direction: a min-heap forward, a max-heap backward. A slot
// caches its child's key() while the child is in the heap, so comparisons make no virtual
// calls down the child's layers, and the heap code is instantiated once per direction so
// that a comparison does not test the direction.
//
// Invariant when moving forward: every child is positioned at its first entry after the
// current one in merged order (the current child at the current entry itself). Moving
// backward, mirror image. Switching direction re-establishes the invariant by seeking the
// other children around the current key.
//
// With ChildOrder::kNewestFirst a Seek may leave some children deferred: unpositioned and
// out of the heap, every entry they hold >= target coming after the heap's root. The
// first move (Next or Prev) positions them at the root's key and rebuilds the heap,
// which restores the invariant above.
//
// A step usually leaves the same child on top (runs of keys from one table): the heap
// remembers which of the root's two children comes first, so confirming that the root
// stays costs one comparison whatever the number of children.
template <typename Order>
class MergingIterator final : public InternalIterator {
 public:
  MergingIterator(Order order, std::vector<std::unique_ptr<InternalIterator>> children,
                  bool newest_first)
      : order_(order), newest_first_(newest_first), children_(std::move(children)) {
    const size_t n = children_.size();
    if (n > kInlineChildren) {
      big_slots_ = std::make_unique<Slot[]>(n);
      big_heap_ = std::make_unique<Slot*[]>(n);
      slots_ = big_slots_.get();
      heap_ = big_heap_.get();
    }
    for (size_t i = 0; i < n; i++) {
      slots_[i].iter = children_[i].get();
      slots_[i].index = static_cast<uint32_t>(i);
    }
  }

  bool Valid() const override { return heap_size_ != 0; }

  void SeekToFirst() override {
    if (Failed()) return;
    ClearDeferred();
    for (auto& child : children_) child->SeekToFirst();
    direction_ = Direction::kForward;
    RebuildHeap<true>();
  }

  void SeekToLast() override {
    if (Failed()) return;
    ClearDeferred();
    for (auto& child : children_) child->SeekToLast();
    direction_ = Direction::kReverse;
    RebuildHeap<false>();
  }

  void Seek(std::string_view target) override {
    if (Failed()) return;
    direction_ = Direction::kForward;
    if (newest_first_ && target.size() >= kInternalKeyTrailer) {
      SeekNewestFirst(target);
      return;
    }
    ClearDeferred();
    for (auto& child : children_) child->Seek(target);
    RebuildHeap<true>();
  }

  void Next() override {
    assert(Valid());
    if (deferred_ != 0) [[unlikely]] {
      if (!PositionDeferred()) return;
    }
    if (direction_ != Direction::kForward) [[unlikely]] {
      if (!SwitchToForward()) return;
    }
    Slot* top = heap_[0];
    top->iter->Next();
    FixTop<true>(top);
  }

  void Prev() override {
    assert(Valid());
    if (deferred_ != 0) [[unlikely]] {
      if (!PositionDeferred()) return;
    }
    if (direction_ != Direction::kReverse) [[unlikely]] {
      if (!SwitchToReverse()) return;
    }
    Slot* top = heap_[0];
    top->iter->Prev();
    FixTop<false>(top);
  }

  std::string_view key() const override {
    assert(Valid());
    return heap_[0]->key;
  }

  std::string_view value() const override {
    assert(Valid());
    return heap_[0]->iter->value();
  }

  Status status() const override { return status_; }

 private:
  enum class Direction { kForward, kReverse };

  struct Slot {
    InternalIterator* iter = nullptr;
    std::string_view key;   // iter->key(), while the slot is in the heap
    uint32_t index = 0;     // the child's position: breaks ties between equal keys
    bool deferred = false;  // left unpositioned by the last Seek (not in the heap)
  };

  // Seek for ChildOrder::kNewestFirst: children in order, each positioned unless its
  // MayContainUserKey denies target's user key (the last one is always positioned: no
  // later child could hold the key instead), until one lands on that user key. The
  // entry it lands on is the newest of the key visible at target's sequence number and
  // comes before every entry >= target of the children not positioned, so they are
  // deferred. If none lands on the key, the deferred children are positioned after all.
  void SeekNewestFirst(std::string_view target) {
    const std::string_view user_key = ExtractUserKey(target);
    const std::span<Slot> slots = Slots();
    const size_t last = slots.size() - 1;
    bool found = false;
    deferred_ = 0;
    for (size_t i = 0; i < slots.size(); i++) {
      Slot& slot = slots[i];
      InternalIterator* child = slot.iter;
      slot.deferred = found || (i != last && !child->MayContainUserKey(user_key));
      if (slot.deferred) {
        deferred_++;
        continue;
      }
      child->Seek(target);
      found = child->Valid() && order_.SameUserKey(child->key(), user_key);
    }
    if (!found && deferred_ != 0) {
      for (Slot& slot : slots) {
        if (slot.deferred) slot.iter->Seek(target);
      }
      ClearDeferred();
    }
    RebuildHeap<true>();
  }

  // True once a child has failed: the merge is over (see status_). Clears the heap.
  bool Failed() {
    if (status_.ok()) [[likely]] {
      return false;
    }
    heap_size_ = 0;
    return true;
  }

  // Ends the merge with the error of child (which is !Valid()), if it has one; true if
  // it did.
  bool NoteEnded(const InternalIterator* child) {
    Status s = child->status();
    if (s.ok()) [[likely]] {
      return false;
    }
    if (status_.ok()) status_ = std::move(s);
    heap_size_ = 0;
    ClearDeferred();
    return true;
  }

  // Positions the deferred children at the current entry's key (each has only entries
  // after it) and rebuilds the heap, whose root stays the current entry. False if a
  // child failed (the merge is then over).
  bool PositionDeferred() {
    const Slot* current = heap_[0];
    const std::string_view target = current->key;  // current does not move
    for (Slot& slot : Slots()) {
      if (slot.deferred) slot.iter->Seek(target);
    }
    ClearDeferred();
    RebuildHeap<true>();
    if (!Valid()) return false;
    assert(heap_[0] == current);
    return true;
  }

  void ClearDeferred() {
    if (deferred_ == 0) return;
    for (Slot& slot : Slots()) slot.deferred = false;
    deferred_ = 0;
  }

  // Positions every child but the current one just after the current entry in forward
  // order: children before it (lower index) past every entry equal to the current key,
  // children after it at their first entry >= the current key. False if a child failed.
  bool SwitchToForward() {
    const Slot* current = heap_[0];
    const std::string_view target = current->key;  // current does not move
    for (Slot& slot : Slots()) {
      if (&slot == current) continue;
      slot.iter->Seek(target);
      if (slot.index < current->index) SkipEqual(slot.iter, target);
    }
    direction_ = Direction::kForward;
    RebuildHeap<true>();
    if (!Valid()) return false;
    assert(heap_[0] == current);
    return true;
  }

  // Positions every child but the current one just before the current entry in forward
  // order: children before it at their last entry <= the current key, children after it
  // at their last entry < the current key. False if a child failed.
  bool SwitchToReverse() {
    const Slot* current = heap_[0];
    const std::string_view target = current->key;
    for (Slot& slot : Slots()) {
      if (&slot == current) continue;
      InternalIterator* child = slot.iter;
      child->Seek(target);
      if (slot.index < current->index) SkipEqual(child, target);
      if (child->Valid()) {
        child->Prev();
      } else if (child->status().ok()) {
        child->SeekToLast();  // every entry of the child is before the target
      }
    }
    direction_ = Direction::kReverse;
    RebuildHeap<false>();
    if (!Valid()) return false;
    assert(heap_[0] == current);
    return true;
  }

  void SkipEqual(InternalIterator* child, std::string_view target) const {
    while (child->Valid() && order_(child->key(), target) == 0) child->Next();
  }

  // True when a's entry comes before b's, forward or backward.
  template <bool kForward>
  [[gnu::always_inline]] bool Before(const Slot* a, const Slot* b) const {
    const int c = order_(a->key, b->key);
    if constexpr (kForward) {
      return c < 0 || (c == 0 && a->index < b->index);
    } else {
      return c > 0 || (c == 0 && a->index > b->index);
    }
  }

  // Every positioned child that is Valid(); none if one of them failed.
  template <bool kForward>
  void RebuildHeap() {
    heap_size_ = 0;
    for (Slot& slot : Slots()) {
      if (slot.deferred) continue;
      if (slot.iter->Valid()) [[likely]] {
        slot.key = slot.iter->key();
        heap_[heap_size_++] = &slot;
      } else if (NoteEnded(slot.iter)) {
        return;
      }
    }
    for (size_t i = heap_size_ / 2; i-- > 0;) SiftDown<kForward>(i);
    first_child_ = 0;
  }

  // After the root's child (top) moved: sink it to its place, or drop it if it ran out
  // (or end the merge if it failed).
  template <bool kForward>
  void FixTop(Slot* top) {
    if (!top->iter->Valid()) [[unlikely]] {
      if (NoteEnded(top->iter)) return;
      heap_[0] = heap_[--heap_size_];
      first_child_ = 0;
      if (heap_size_ > 1) SiftDown<kForward>(0);
      return;
    }
    top->key = top->iter->key();
    const size_t n = heap_size_;
    if (n == 1) return;  // the only child left: nothing to compare with
    if (first_child_ == 0) {
      first_child_ = (n > 2 && Before<kForward>(heap_[2], heap_[1])) ? 2 : 1;
    }
    Slot* const rival = heap_[first_child_];
    if (!Before<kForward>(rival, top)) return;  // the root stays: children unchanged
    // The root's first child takes its place; the old root sinks from there.
    heap_[0] = rival;
    SiftDown<kForward>(first_child_, top);
    first_child_ = 0;
  }

  template <bool kForward>
  void SiftDown(size_t pos) {
    SiftDown<kForward>(pos, heap_[pos]);
  }

  // Places item at pos, then sinks it below the children that come before it.
  template <bool kForward>
  [[gnu::always_inline]] void SiftDown(size_t pos, Slot* item) {
    Slot** const heap = heap_;
    const size_t n = heap_size_;
    while (true) {
      size_t child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && Before<kForward>(heap[child + 1], heap[child])) child++;
      if (!Before<kForward>(heap[child], item)) break;
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = item;
  }

  std::span<Slot> Slots() { return {slots_, children_.size()}; }

  // Children up to this many keep their slots and heap inside the iterator: building a
  // merge allocates nothing beyond the object itself.
  static constexpr size_t kInlineChildren = 8;

  const Order order_;
  const bool newest_first_;  // ChildOrder::kNewestFirst
  std::vector<std::unique_ptr<InternalIterator>> children_;
  Slot inline_slots_[kInlineChildren];
  Slot* inline_heap_[kInlineChildren];
  std::unique_ptr<Slot[]> big_slots_;  // with more children
  std::unique_ptr<Slot*[]> big_heap_;
  Slot* slots_ = inline_slots_;  // one per child, in child order
  Slot** heap_ = inline_heap_;   // heap_[0, heap_size_) is the heap
  size_t heap_size_ = 0;
  // Which of the root's children (heap position 1 or 2) comes first; 0 when unknown.
  size_t first_child_ = 0;
  size_t deferred_ = 0;  // children with Slot::deferred set
  Direction direction_ = Direction::kForward;
  // The first error of a child. It ends the merge for good: a source that cannot be read
  // may hold newer entries that hide what the others show.
  Status status_;
};

template <typename Order>
std::unique_ptr<InternalIterator> MakeMerging(
    Order order, std::vector<std::unique_ptr<InternalIterator>> children, ChildOrder child_order) {
  const bool newest_first = Order::kInternalKeys && child_order == ChildOrder::kNewestFirst;
  return std::make_unique<MergingIterator<Order>>(order, std::move(children), newest_first);
}

}  // namespace

std::unique_ptr<InternalIterator> NewMergingIterator(
    const InternalKeyComparator* icmp, std::vector<std::unique_ptr<InternalIterator>> children,
    ChildOrder order) {
  if (children.empty()) return NewEmptyIterator();
  if (children.size() == 1) return std::move(children[0]);
  if (icmp->user_comparator() == BytewiseComparator()) {
    return MakeMerging(BytewiseInternalOrder{}, std::move(children), order);
  }
  return MakeMerging(InternalKeyOrder{icmp}, std::move(children), order);
}

std::unique_ptr<InternalIterator> NewMergingIterator(
    const Comparator* comparator, std::vector<std::unique_ptr<InternalIterator>> children,
    ChildOrder order) {
  if (const auto* icmp = dynamic_cast<const InternalKeyComparator*>(comparator)) {
    return NewMergingIterator(icmp, std::move(children), order);
  }
  if (children.empty()) return NewEmptyIterator();
  if (children.size() == 1) return std::move(children[0]);
  return MakeMerging(AnyOrder{comparator}, std::move(children), order);
}

}  // namespace lsmdb
