// DB::MultiGet: the same answers as Get for each key (values, deletions, range
// tombstones, merges, snapshots; memtable, immutable memtables and tables), one moment
// for the whole batch, and bad arguments reported per key.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "lsmdb/merge_operators.h"
#include "lsmdb/write_batch.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

class MultiGetTest : public ::testing::Test {
 protected:
  MultiGetTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.file_system = fs_;
    options_.create_if_missing = true;
    options_.merge_operator = NewStringAppendOperator(",");
    options_.write_buffer_size = 64 << 10;
  }
  void Open() {
    db_.reset();
    ASSERT_TRUE(DB::Open(options_, "/db", &db_).ok());
  }
  // "NOT_FOUND", "ERROR: ..." or the value, as Get answers.
  std::string Get(std::string_view k, const Snapshot* snap) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::string v;
    Status s = db_->Get(ro, k, &v);
    if (s.IsNotFound()) return "NOT_FOUND";
    if (!s.ok()) return "ERROR: " + s.ToString();
    return v;
  }
  std::vector<std::string> MultiGet(const std::vector<std::string_view>& keys,
                                    const Snapshot* snap) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::vector<std::string> values;
    std::vector<Status> st = db_->MultiGet(ro, keys, &values);
    EXPECT_EQ(st.size(), keys.size());
    EXPECT_EQ(values.size(), keys.size());
    std::vector<std::string> out;
    for (size_t i = 0; i < st.size(); i++) {
      if (st[i].IsNotFound()) {
        out.push_back("NOT_FOUND");
        EXPECT_TRUE(values[i].empty());
      } else if (!st[i].ok()) {
        out.push_back("ERROR: " + st[i].ToString());
      } else {
        out.push_back(values[i]);
      }
    }
    return out;
  }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(MultiGetTest, AnswersAsGetDoesForEveryKindOfEntry) {
  std::mt19937_64 rng(test::RandomSeed());  // printed by RandomSeed
  Open();
  std::vector<std::string> names;
  for (int i = 0; i < 200; i++) names.push_back("k" + std::to_string(1000 + i));
  std::vector<const Snapshot*> snaps;
  for (int step = 0; step < 3000; step++) {
    const std::string& k = names[rng() % names.size()];
    switch (rng() % 10) {
      case 0:
        ASSERT_TRUE(db_->Delete(WriteOptions(), k).ok());
        break;
      case 1: {
        const std::string& e = names[rng() % names.size()];
        if (k <= e) {
          ASSERT_TRUE(db_->DeleteRange(WriteOptions(), k, e).ok());
        }
        break;
      }
      case 2:
      case 3:
        ASSERT_TRUE(db_->Merge(WriteOptions(), k, std::to_string(step)).ok());
        break;
      default:
        ASSERT_TRUE(db_->Put(WriteOptions(), k, "v" + std::to_string(step)).ok());
    }
    if (step % 700 == 0) snaps.push_back(db_->GetSnapshot());
    if (step % 1000 == 999) {
      ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    }
  }
  snaps.push_back(nullptr);  // the present
  std::vector<std::string_view> keys;
  for (int i = 0; i < 64; i++) keys.push_back(names[rng() % names.size()]);
  keys.push_back("absent");
  keys.push_back(keys.front());  // a repeated key
  for (const Snapshot* snap : snaps) {
    std::vector<std::string> got = MultiGet(keys, snap);
    for (size_t i = 0; i < keys.size(); i++) {
      EXPECT_EQ(got[i], Get(keys[i], snap)) << keys[i];
    }
  }
  for (const Snapshot* snap : snaps) {
    if (snap != nullptr) db_->ReleaseSnapshot(snap);
  }
}

// A writer keeps a and b equal with one batch per update: a MultiGet of both always sees
// them equal (one moment), where two Gets could straddle a batch.
TEST_F(MultiGetTest, OneMomentForTheWholeBatch) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "0").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "b", "0").ok());
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 1; i <= 20000; i++) {
      WriteBatch batch;
      batch.Put("a", std::to_string(i));
      batch.Put("pad" + std::to_string(i % 500), std::string(100, 'x'));  // forces flushes
      batch.Put("b", std::to_string(i));
      if (!db_->Write(WriteOptions(), &batch).ok()) break;
    }
    done = true;
  });
  const std::vector<std::string_view> keys = {"a", "b"};
  int mismatches = 0, reads = 0;
  while (!done.load()) {  // bounded by the writer's 20,000 batches
    std::vector<std::string> got = MultiGet(keys, nullptr);
    if (got[0] != got[1]) mismatches++;
    reads++;
  }
  writer.join();
  EXPECT_GT(reads, 0);
  EXPECT_EQ(mismatches, 0);
}

TEST_F(MultiGetTest, BadArgumentsAreReportedForEveryKey) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "1").ok());
  const std::vector<std::string_view> keys = {"a", "b"};
  std::vector<Status> st = db_->MultiGet(ReadOptions(), keys, nullptr);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_TRUE(st[0].IsInvalidArgument());
  EXPECT_TRUE(st[1].IsInvalidArgument());

  std::unique_ptr<DB> other;
  ASSERT_TRUE(DB::Open(options_, "/other", &other).ok());
  const Snapshot* foreign = other->GetSnapshot();
  ReadOptions ro;
  ro.snapshot = foreign;
  std::vector<std::string> values = {"stale"};
  st = db_->MultiGet(ro, keys, &values);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_TRUE(st[0].IsInvalidArgument());
  EXPECT_TRUE(st[1].IsInvalidArgument());
  EXPECT_EQ(values, std::vector<std::string>(2));
  other->ReleaseSnapshot(foreign);

  st = db_->MultiGet(ReadOptions(), {}, &values);
  EXPECT_TRUE(st.empty());
  EXPECT_TRUE(values.empty());
}

}  // namespace
}  // namespace lsmdb
