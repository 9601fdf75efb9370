// Test-only: building tables in memory and generating internal-key models for the
// table tests.
#ifndef LSMDB_SSTABLE_TABLE_TEST_HELPERS_H_
#define LSMDB_SSTABLE_TABLE_TEST_HELPERS_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sstable/sstable_test_util.h"
#include "sstable/table.h"
#include "sstable/table_builder.h"
#include "tests/util/test_util.h"
#include "util/internal_key.h"

namespace lsmdb::test {

inline const InternalKeyComparator* TestInternalComparator() {
  static const InternalKeyComparator* const kCmp = new InternalKeyComparator(BytewiseComparator());
  return kCmp;
}

inline std::string IKey(std::string_view user_key, SequenceNumber seq,
                        ValueType type = ValueType::kValue) {
  std::string k;
  AppendInternalKey(&k, user_key, seq, type);
  return k;
}

inline std::string UserKeyOf(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "user%08llu", static_cast<unsigned long long>(i));
  return buf;
}

// A sorted set of internal-key entries: user keys UserKeyOf(2 * i) (odd numbers are
// never present), each with 1..3 versions, some of them deletions. Values repeat
// characters so that every codec compresses them.
inline KVVector InternalModel(Random* rnd, size_t num_user_keys, size_t max_value = 200) {
  KVVector model;
  for (size_t i = 0; i < num_user_keys; i++) {
    const std::string user_key = UserKeyOf(2 * i);
    SequenceNumber seq = 1 + rnd->Uniform(1000000);
    for (int v = 1 + static_cast<int>(rnd->Uniform(3)); v > 0; v--) {
      const bool del = rnd->OneIn(5);
      std::string value;
      if (!del) {
        value = RandomString(rnd, 1 + rnd->Uniform(8));
        value.append(rnd->Uniform(max_value), value[0]);
      }
      model.emplace_back(IKey(user_key, seq, del ? ValueType::kDeletion : ValueType::kValue),
                         value);
      seq -= std::min<SequenceNumber>(seq - 1, 1 + rnd->Uniform(10));
      if (seq == 0) break;
    }
  }
  std::sort(model.begin(), model.end(), [](const auto& a, const auto& b) {
    return TestInternalComparator()->Compare(a.first, b.first) < 0;
  });
  model.erase(std::unique(model.begin(), model.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              model.end());
  return model;
}

inline std::string BuildTable(const TableOptions& options, const KVVector& model,
                              TableProperties* props = nullptr) {
  StringSink sink;
  TableBuilder builder(options, &sink);
  for (const auto& [k, v] : model) builder.Add(k, v);
  EXPECT_TRUE(builder.Finish().ok());
  EXPECT_EQ(sink.contents().size(), builder.FileSize());
  EXPECT_EQ(model.size(), builder.NumEntries());
  if (props != nullptr) *props = builder.properties();
  return std::move(sink.contents());
}

// Opens bytes as a table; with mapped, as a memory-mapped file (blocks read in place).
inline Status OpenTable(const std::string& bytes, const TableReaderOptions& options,
                        std::unique_ptr<Table>* table, bool mapped = false) {
  return Table::Open(options, std::make_unique<StringSource>(bytes, mapped), bytes.size(), table);
}

inline TableReaderOptions ReaderOptions(const std::string& name = "000007.sst") {
  TableReaderOptions o;
  o.comparator = TestInternalComparator();
  o.file_name = name;
  return o;
}

// A random Seek target: an existing key, an absent user key, or a key between versions.
inline std::string RandomTarget(Random* rnd, const KVVector& model) {
  switch (rnd->Uniform(3)) {
    case 0:
      return model[rnd->Uniform(model.size())].first;
    case 1:
      return IKey(UserKeyOf(rnd->Uniform(2 * model.size() + 2)), rnd->Uniform(2000000));
    default:
      return IKey(UserKeyOf(2 * rnd->Uniform(model.size())), kMaxSequenceNumber);
  }
}

struct GetResult {
  bool called = false;
  std::string key, value;
};

inline GetResult DoGet(const Table& table, std::string_view ikey, ReadOptions ro = {}) {
  GetResult r;
  Status s = table.Get(ro, ikey, [&r](std::string_view k, std::string_view v) {
    r.called = true;
    r.key.assign(k);
    r.value.assign(v);
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return r;
}

inline void CheckTable(const Table& table, const KVVector& model, Random* rnd) {
  auto it = table.NewIterator(ReadOptions());
  CheckFullScans(it.get(), model);
  CheckIteratorAgainstModel(it.get(), model, TestInternalComparator(), rnd, 1500,
                            [&](Random* r) { return RandomTarget(r, model); });
  // Every entry is found by Get.
  for (size_t i = 0; i < model.size(); i += 1 + rnd->Uniform(3)) {
    GetResult r = DoGet(table, model[i].first);
    ASSERT_TRUE(r.called);
    ASSERT_EQ(model[i].first, r.key);
    ASSERT_EQ(model[i].second, r.value);
  }
}

// Four threads at once each Get 1,500 random entries of model from table and then scan
// it in full; returns how many answers were wrong (0 when the table is safe to share).
inline int ConcurrentReadFailures(const Table& table, const KVVector& model, uint64_t seed) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      Random r(seed + static_cast<uint64_t>(t));
      for (int i = 0; i < 1500; i++) {
        const auto& [k, v] = model[r.Uniform(model.size())];
        std::string got;
        Status s =
            table.Get({}, k, [&got](std::string_view, std::string_view val) { got.assign(val); });
        if (!s.ok() || got != v) failures++;
      }
      auto it = table.NewIterator({});
      size_t n = 0;
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        if (n >= model.size() || it->key() != model[n].first) failures++;
        n++;
      }
      if (n != model.size() || !it->status().ok()) failures++;
    });
  }
  for (auto& th : threads) th.join();
  return failures.load();
}

}  // namespace lsmdb::test

#endif  // LSMDB_SSTABLE_TABLE_TEST_HELPERS_H_
