// Test-only helpers of the sstable tests: a table file held in a std::string (a
// WritableFile to build it, a RandomAccessFile to read it) and a tiny unbounded Cache
// that counts what happens to it.
#ifndef LSMDB_SSTABLE_SSTABLE_TEST_UTIL_H_
#define LSMDB_SSTABLE_SSTABLE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/cache.h"
#include "lsmdb/comparator.h"
#include "lsmdb/file_system.h"
#include "util/internal_iterator.h"
#include "util/random.h"

namespace lsmdb::test {

class StringSink final : public WritableFile {
 public:
  Status Append(std::string_view data) override {
    if (closed_) return Status::IOError("append after close");
    contents_.append(data);
    return Status::OK();
  }
  Status Flush() override { return Status::OK(); }
  Status Sync() override { return Status::OK(); }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  uint64_t Size() const override { return contents_.size(); }
  std::string& contents() { return contents_; }

 private:
  std::string contents_;
  bool closed_ = false;
};

// A file held in a string. With mapped, it also offers its bytes as MappedContents()
// (as a memory-mapped file does), so tables read uncompressed blocks in place.
class StringSource final : public RandomAccessFile {
 public:
  explicit StringSource(std::string contents, bool mapped = false)
      : contents_(std::move(contents)), mapped_(mapped) {}
  std::string_view MappedContents() const override {
    return mapped_ ? std::string_view(contents_) : std::string_view();
  }
  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    reads_.fetch_add(1, std::memory_order_relaxed);
    if (offset >= contents_.size()) {
      *result = {};
      return Status::OK();
    }
    n = std::min<size_t>(n, contents_.size() - offset);
    std::memcpy(scratch, contents_.data() + offset, n);
    *result = std::string_view(scratch, n);
    return Status::OK();
  }
  uint64_t reads() const { return reads_.load(); }
  // WillRead() hints received, and the bytes they announced.
  void WillRead(uint64_t /*offset*/, size_t n) const override {
    will_reads_.fetch_add(1, std::memory_order_relaxed);
    will_read_bytes_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t will_reads() const { return will_reads_.load(); }
  uint64_t will_read_bytes() const { return will_read_bytes_.load(); }
  // What InMemory() answers (as a page cache would for a file partly evicted).
  bool InMemory(uint64_t /*offset*/, size_t /*n*/) const override { return in_memory_.load(); }
  void set_in_memory(bool v) { in_memory_.store(v); }

 private:
  const std::string contents_;
  const bool mapped_;
  mutable std::atomic<uint64_t> reads_{0};
  mutable std::atomic<uint64_t> will_reads_{0};
  mutable std::atomic<uint64_t> will_read_bytes_{0};
  std::atomic<bool> in_memory_{true};
};

// An unbounded cache: never evicts, so tests control exactly what is cached. Lookups
// allocate nothing.
class TestCache final : public Cache {
 public:
  struct Entry {
    std::string key;
    void* value;
    size_t charge;
    Deleter deleter;
    Priority priority;
    int refs;
    bool in_cache;
  };

  ~TestCache() override {
    for (auto& [key, h] : map_) Unref(h);
  }
  Cache::Handle* Insert(std::string_view key, void* value, size_t charge, Deleter deleter,
                        Priority priority) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* h = new Entry{std::string(key), value, charge, deleter, priority, 2, true};
    auto it = map_.find(key);
    if (it != map_.end()) {
      it->second->in_cache = false;
      Unref(it->second);
      it->second = h;
    } else {
      map_.emplace(std::string(key), h);
    }
    inserts_++;
    return reinterpret_cast<Cache::Handle*>(h);
  }
  Cache::Handle* Lookup(std::string_view key) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    it->second->refs++;
    return reinterpret_cast<Cache::Handle*>(it->second);
  }
  void Release(Cache::Handle* handle) override {
    std::lock_guard<std::mutex> l(mu_);
    Unref(reinterpret_cast<Entry*>(handle));
  }
  void* Value(Cache::Handle* handle) override { return reinterpret_cast<Entry*>(handle)->value; }
  void Erase(std::string_view key) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return;
    it->second->in_cache = false;
    Unref(it->second);
    map_.erase(it);
  }
  uint64_t NewId() override { return ++last_id_; }
  size_t TotalCharge() const override {
    std::lock_guard<std::mutex> l(mu_);
    size_t total = 0;
    for (const auto& [key, h] : map_) total += h->charge;
    return total;
  }
  size_t Capacity() const override { return SIZE_MAX; }

  size_t size() const {
    std::lock_guard<std::mutex> l(mu_);
    return map_.size();
  }
  size_t inserts() const {
    std::lock_guard<std::mutex> l(mu_);
    return inserts_;
  }
  // True when no caller holds a handle on any entry.
  bool AllReleased() const {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [key, h] : map_) {
      if (h->refs != 1) return false;
    }
    return true;
  }

 private:
  void Unref(Entry* h) {
    if (--h->refs == 0) {
      h->deleter(h->key, h->value);
      delete h;
    }
  }

  mutable std::mutex mu_;
  std::map<std::string, Entry*, std::less<>> map_;
  std::atomic<uint64_t> last_id_{0};
  size_t inserts_ = 0;
};

using KVVector = std::vector<std::pair<std::string, std::string>>;

// Runs num_ops random positioning operations on it and on a sorted model (ordered by
// cmp), checking after each that both agree. random_target makes Seek targets.
inline void CheckIteratorAgainstModel(InternalIterator* it, const KVVector& model,
                                      const Comparator* cmp, Random* rnd, int num_ops,
                                      const std::function<std::string(Random*)>& random_target) {
  const auto n = static_cast<long>(model.size());
  long pos = -1;  // model position; -1 or n when invalid
  auto lower_bound = [&](std::string_view target) {
    return std::lower_bound(model.begin(), model.end(), target,
                            [cmp](const auto& kv, std::string_view t) {
                              return cmp->Compare(kv.first, t) < 0;
                            }) -
           model.begin();
  };
  for (int op = 0; op < num_ops; op++) {
    const bool valid = pos >= 0 && pos < n;
    std::string what;
    switch (rnd->Uniform(valid ? 6 : 3)) {
      case 0:
        it->SeekToFirst();
        pos = n > 0 ? 0 : -1;
        what = "SeekToFirst";
        break;
      case 1:
        it->SeekToLast();
        pos = n - 1;
        what = "SeekToLast";
        break;
      case 2: {
        std::string target = random_target(rnd);
        it->Seek(target);
        pos = lower_bound(target);
        what = "Seek";
        break;
      }
      case 3:
      case 4:
        it->Next();
        pos++;
        what = "Next";
        break;
      default:
        it->Prev();
        pos--;
        what = "Prev";
        break;
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    const bool model_valid = pos >= 0 && pos < n;
    ASSERT_EQ(model_valid, it->Valid()) << "op " << op << " " << what;
    if (model_valid) {
      ASSERT_EQ(model[pos].first, it->key()) << "op " << op << " " << what;
      ASSERT_EQ(model[pos].second, it->value()) << "op " << op << " " << what;
    }
  }
}

// A full forward and a full backward scan must yield exactly the model.
inline void CheckFullScans(InternalIterator* it, const KVVector& model) {
  size_t i = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), i++) {
    ASSERT_LT(i, model.size());
    ASSERT_EQ(model[i].first, it->key());
    ASSERT_EQ(model[i].second, it->value());
  }
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  ASSERT_EQ(model.size(), i);
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    ASSERT_GT(i, 0u);
    i--;
    ASSERT_EQ(model[i].first, it->key());
    ASSERT_EQ(model[i].second, it->value());
  }
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  ASSERT_EQ(0u, i);
}

}  // namespace lsmdb::test

#endif  // LSMDB_SSTABLE_SSTABLE_TEST_UTIL_H_
