#include "cache/lru_handle.h"

#include <cassert>
#include <cstring>
#include <new>

namespace lsmdb {

LRUHandle* LRUHandle::New(std::string_view key, uint64_t hash, void* value, size_t charge,
                          Cache::Deleter deleter, bool high_pri) {
  // One block: the struct, then the key bytes (a char array needs no alignment).
  void* mem = ::operator new(sizeof(LRUHandle) + key.size());
  LRUHandle* e = new (mem) LRUHandle{.value = value,
                                     .deleter = deleter,
                                     .next_hash = nullptr,
                                     .next = nullptr,
                                     .prev = nullptr,
                                     .charge = charge,
                                     .key_length = key.size(),
                                     .hash = hash,
                                     .refs = 0,
                                     .in_cache = false,
                                     .high_pri = high_pri,
                                     .in_high_pri_pool = false};
  if (!key.empty()) {
    std::memcpy(reinterpret_cast<char*>(e + 1), key.data(), key.size());
  }
  return e;
}

void LRUHandle::Free(LRUHandle* e) {
  assert(e->refs == 0);
  assert(!e->in_cache);
  if (e->deleter != nullptr) {
    e->deleter(e->key(), e->value);
  }
  e->~LRUHandle();
  ::operator delete(static_cast<void*>(e));
}

namespace {
constexpr size_t kInitialBuckets = 16;
}  // namespace

LRUHandleTable::LRUHandleTable()
    : length_(kInitialBuckets),
      elems_(0),
      buckets_(std::make_unique<LRUHandle*[]>(kInitialBuckets)) {}

LRUHandle** LRUHandleTable::FindPointer(std::string_view key, uint64_t hash) const {
  LRUHandle** slot = &buckets_[hash & (length_ - 1)];
  while (*slot != nullptr && ((*slot)->hash != hash || (*slot)->key() != key)) {
    slot = &(*slot)->next_hash;
  }
  return slot;
}

LRUHandle* LRUHandleTable::Insert(LRUHandle* e) {
  LRUHandle** slot = FindPointer(e->key(), e->hash);
  LRUHandle* old = *slot;
  e->next_hash = (old == nullptr) ? nullptr : old->next_hash;
  *slot = e;
  if (old == nullptr) {
    elems_++;
    // Keep the average chain at most one entry long.
    if (elems_ > length_) {
      Resize();
    }
  }
  return old;
}

LRUHandle* LRUHandleTable::Remove(std::string_view key, uint64_t hash) {
  LRUHandle** slot = FindPointer(key, hash);
  LRUHandle* e = *slot;
  if (e != nullptr) {
    *slot = e->next_hash;
    elems_--;
  }
  return e;
}

void LRUHandleTable::Resize() {
  size_t new_length = length_ * 2;
  auto new_buckets = std::make_unique<LRUHandle*[]>(new_length);  // zero-filled
  size_t moved = 0;
  for (size_t i = 0; i < length_; i++) {
    LRUHandle* e = buckets_[i];
    while (e != nullptr) {
      LRUHandle* next = e->next_hash;
      LRUHandle** head = &new_buckets[e->hash & (new_length - 1)];
      e->next_hash = *head;
      *head = e;
      e = next;
      moved++;
    }
  }
  assert(moved == elems_);
  (void)moved;
  buckets_ = std::move(new_buckets);
  length_ = new_length;
}

}  // namespace lsmdb
