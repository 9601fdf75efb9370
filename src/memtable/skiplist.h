// SkipList: an ordered set of keys in an Arena, for the memtable.
//
// Keys are ordered by a Comparator functor, `int operator()(const Key& a, const Key& b)`
// returning < 0, 0 or > 0; it is copied into the list. Keys are copied into nodes; a key
// that points at bytes elsewhere (a memtable entry) must keep those bytes alive as long as
// the list. Nodes are never removed; all memory belongs to the arena and is released with
// it.
//
// Thread-safety: one writer at a time (Reserve and Insert need external synchronisation),
// and any number of readers (Contains, Iterator) concurrently with that writer, without
// locks. A reader sees every key whose Insert returned before the reader started, and
// possibly some inserted since. This works because a node is fully built before a
// release-store of the pointer that publishes it, and readers follow pointers with
// acquire-loads.
//
// The list has at most kMaxHeight levels; a node reaches level i+1 with probability
// 1/kBranching. Seek, Contains and Insert take O(log n) expected time, Next O(1) and
// Prev O(log n) (nodes have no back pointers: Prev searches for the last key before the
// current one).
#ifndef LSMDB_MEMTABLE_SKIPLIST_H_
#define LSMDB_MEMTABLE_SKIPLIST_H_

#include <atomic>
#include <cassert>
#include <cstddef>
#include <new>

#include "memtable/arena.h"
#include "util/random.h"

namespace lsmdb {

template <typename Key, class Comparator>
class SkipList {
 private:
  struct Node;

 public:
  static constexpr int kMaxHeight = 12;
  static constexpr int kBranching = 4;

  // A node allocated from the arena but not yet in the list, with room for caller data
  // (the payload) in the same allocation. See Reserve.
  class Reservation {
   public:
    // payload_bytes bytes for the caller, aligned to Arena::kAlignment, owned by the
    // arena.
    char* payload() const { return payload_; }

   private:
    friend class SkipList;
    Reservation(char* node, int height, char* payload)
        : node_(node), height_(height), payload_(payload) {}
    char* node_;
    int height_;
    char* payload_;
  };

  // REQUIRES: arena outlives the list. Key is default-constructible (the head node holds
  // a Key{} that is never compared).
  SkipList(Comparator cmp, Arena* arena);
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  // Allocates a node plus payload_bytes of caller storage in one arena allocation. The
  // caller typically writes the bytes its key points to into payload(), then calls
  // Insert(reservation, key). A reservation that is never inserted just wastes its memory.
  // REQUIRES: external synchronisation with other writers.
  Reservation Reserve(size_t payload_bytes);

  // Links the reserved node, holding key, into the list. Each reservation is inserted at
  // most once.
  // REQUIRES: no key equal to key is in the list; external synchronisation with other
  // writers.
  // Inserting keys in increasing order (each just after the one inserted before) costs
  // O(1): the list remembers where the last insert went.
  void Insert(const Reservation& reservation, const Key& key);

  // Insert(Reserve(0), key).
  void Insert(const Key& key) { Insert(Reserve(0), key); }

  // True if a key equal to key is in the list. Safe concurrently with a writer.
  bool Contains(const Key& key) const;

  // For tests: true if every level's links run in strictly increasing key order. (A
  // misordered upper level loses no key - searches descend to level 0 - only speed.)
  bool TEST_LevelsOrdered() const {
    for (int level = 0; level < GetMaxHeight(); level++) {
      for (Node* x = head_->Next(level); x != nullptr; x = x->Next(level)) {
        Node* next = x->Next(level);
        if (next != nullptr && compare_(x->key, next->key) >= 0) return false;
      }
    }
    return true;
  }

  // A position in the list. Copyable. Safe concurrently with a writer; one thread per
  // Iterator object. Stays usable while the list lives.
  class Iterator {
   public:
    // Initially !Valid().
    explicit Iterator(const SkipList* list) : list_(list), node_(nullptr) {}

    bool Valid() const { return node_ != nullptr; }
    // REQUIRES: Valid().
    const Key& key() const {
      assert(Valid());
      return node_->key;
    }
    // REQUIRES: Valid().
    void Next() {
      assert(Valid());
      node_ = node_->Next(0);
    }
    // REQUIRES: Valid(). O(log n).
    void Prev() {
      assert(Valid());
      node_ = list_->FindLast(node_->key, /*inclusive=*/false);
    }
    // Positions at the first key >= target (!Valid() if there is none).
    void Seek(const Key& target) { node_ = list_->FindGreaterOrEqual(target, nullptr); }
    // Positions at the last key <= target (!Valid() if there is none).
    void SeekForPrev(const Key& target) { node_ = list_->FindLast(target, /*inclusive=*/true); }
    void SeekToFirst() { node_ = list_->head_->Next(0); }
    void SeekToLast() { node_ = list_->FindLast(); }

   private:
    const SkipList* list_;
    Node* node_;  // null when !Valid()
  };

 private:
  // A node's links follow it in memory: links()[i] is the next node at level i, for i in
  // [0, height). The payload, if any, follows the links.
  struct alignas(alignof(std::atomic<void*>)) Node {
    Node(const Key& k, int height) : key(k) {
      for (int i = 0; i < height; i++) new (&links()[i]) std::atomic<Node*>(nullptr);
    }
    static size_t Size(int height) { return sizeof(Node) + height * sizeof(std::atomic<Node*>); }

    // Acquire: whoever follows the pointer sees the node fully initialised.
    Node* Next(int level) { return links()[level].load(std::memory_order_acquire); }
    void SetNext(int level, Node* x) { links()[level].store(x, std::memory_order_release); }
    // For the writer only, where no reader can yet see this link or it is only being read.
    Node* NoBarrierNext(int level) { return links()[level].load(std::memory_order_relaxed); }
    void NoBarrierSetNext(int level, Node* x) {
      links()[level].store(x, std::memory_order_relaxed);
    }

    const Key key;

   private:
    std::atomic<Node*>* links() { return reinterpret_cast<std::atomic<Node*>*>(this + 1); }
  };
  static_assert(alignof(Node) <= Arena::kAlignment, "arena alignment too small for nodes");

  int GetMaxHeight() const { return max_height_.load(std::memory_order_relaxed); }
  int RandomHeight();
  bool Equal(const Key& a, const Key& b) const { return compare_(a, b) == 0; }

  // The first node >= key, or null. If prev is not null, fills prev[level] with the last
  // node < key at each level in [0, GetMaxHeight()).
  Node* FindGreaterOrEqual(const Key& key, Node** prev) const;
  // The last node < key (or <= key if inclusive), or null if there is none.
  Node* FindLast(const Key& key, bool inclusive) const;
  // The last node, or null if the list is empty.
  Node* FindLast() const;

  const Comparator compare_;
  Arena* const arena_;
  Node* const head_;
  // The height of the tallest node. Written by the writer, read relaxed by readers: a
  // reader that sees a stale (lower) value just starts lower; one that sees a new value
  // early finds null links in the head and descends.
  std::atomic<int> max_height_;
  Random rnd_;  // writer only
  // Writer only: the node inserted last (null before the first insert) and, per level,
  // the last node at that level whose key is <= that node's (head_ if none). When the
  // next key falls between last_ and its successor, these are its predecessors.
  Node* last_ = nullptr;
  Node* last_prev_[kMaxHeight];
};

template <typename Key, class Comparator>
SkipList<Key, Comparator>::SkipList(Comparator cmp, Arena* arena)
    : compare_(cmp),
      arena_(arena),
      head_(new (arena->AllocateAligned(Node::Size(kMaxHeight))) Node(Key{}, kMaxHeight)),
      max_height_(1),
      rnd_(0xdeadbeef) {
  for (Node*& p : last_prev_) p = head_;
}

template <typename Key, class Comparator>
int SkipList<Key, Comparator>::RandomHeight() {
  int height = 1;
  while (height < kMaxHeight && rnd_.OneIn(kBranching)) height++;
  return height;
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Reservation SkipList<Key, Comparator>::Reserve(
    size_t payload_bytes) {
  int height = RandomHeight();
  size_t node_bytes = Node::Size(height);
  // Round the payload's offset up so the payload is aligned too.
  node_bytes = (node_bytes + Arena::kAlignment - 1) & ~(Arena::kAlignment - 1);
  char* mem = arena_->AllocateAligned(node_bytes + payload_bytes);
  return Reservation(mem, height, mem + node_bytes);
}

template <typename Key, class Comparator>
void SkipList<Key, Comparator>::Insert(const Reservation& reservation, const Key& key) {
  Node** prev = last_prev_;
  // Fast path: key goes right after the last insert. Then every level's remembered node
  // is its predecessor there: its successor at level i is at or after last_'s successor
  // at level 0, which is already past key.
  bool after_last = false;
  if (last_ != nullptr && compare_(last_->key, key) < 0) {
    Node* next = last_->NoBarrierNext(0);
    after_last = next == nullptr || compare_(key, next->key) < 0;
  }
  if (!after_last) {
    [[maybe_unused]] Node* next = FindGreaterOrEqual(key, prev);
    assert(next == nullptr || !Equal(key, next->key));  // no duplicates
    // Levels above the current height keep head_ (set in the constructor, and no node
    // has reached them since).
  }

  int height = reservation.height_;
  if (height > GetMaxHeight()) max_height_.store(height, std::memory_order_relaxed);

  Node* x = new (reservation.node_) Node(key, height);
  for (int i = 0; i < height; i++) {
    // x is not reachable yet: its own links need no barrier. The release-store into
    // prev[i] publishes x (key and links) to readers.
    x->NoBarrierSetNext(i, prev[i]->NoBarrierNext(i));
    prev[i]->SetNext(i, x);
    prev[i] = x;  // x is now the last node <= x at the levels it is on
  }
  last_ = x;
}

template <typename Key, class Comparator>
bool SkipList<Key, Comparator>::Contains(const Key& key) const {
  Node* x = FindGreaterOrEqual(key, nullptr);
  return x != nullptr && Equal(key, x->key);
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::FindGreaterOrEqual(
    const Key& key, Node** prev) const {
  Node* x = head_;
  int level = GetMaxHeight() - 1;
  while (true) {
    Node* next = x->Next(level);
    if (next != nullptr && compare_(next->key, key) < 0) {
      x = next;  // keep going right at this level
    } else {
      if (prev != nullptr) prev[level] = x;
      if (level == 0) return next;
      level--;
    }
  }
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::FindLast(
    const Key& key, bool inclusive) const {
  Node* x = head_;
  int level = GetMaxHeight() - 1;
  while (true) {
    Node* next = x->Next(level);
    bool advance = false;
    if (next != nullptr) {
      int r = compare_(next->key, key);
      advance = inclusive ? r <= 0 : r < 0;
    }
    if (advance) {
      x = next;
    } else if (level == 0) {
      return x == head_ ? nullptr : x;
    } else {
      level--;
    }
  }
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::FindLast() const {
  Node* x = head_;
  int level = GetMaxHeight() - 1;
  while (true) {
    Node* next = x->Next(level);
    if (next != nullptr) {
      x = next;
    } else if (level == 0) {
      return x == head_ ? nullptr : x;
    } else {
      level--;
    }
  }
}

}  // namespace lsmdb

#endif  // LSMDB_MEMTABLE_SKIPLIST_H_
