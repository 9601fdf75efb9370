// DB iterators over a database with one damaged or missing table: an error in any source
// (an L0 table, a table of a deeper level) ends the iteration in both directions. Every
// entry an iterator shows is the latest value of its key with an OK status; once
// status() is not OK, Valid() is false; an iterator never ends early with an OK status.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

using Model = std::map<std::string, std::string>;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%06d", i);
  return buf;
}

// Follows an iterator over the model: where it must be after each move, and whether
// what it shows is right.
class Oracle {
 public:
  Oracle(const Model* model, Iterator* it) : model_(model), it_(it), pos_(model->end()) {}

  void SeekToFirst() {
    it_->SeekToFirst();
    pos_ = model_->begin();
    Check("SeekToFirst");
  }
  void SeekToLast() {
    it_->SeekToLast();
    pos_ = model_->empty() ? model_->end() : std::prev(model_->end());
    Check("SeekToLast");
  }
  void Seek(const std::string& target) {
    it_->Seek(target);
    pos_ = model_->lower_bound(target);
    Check("Seek " + target);
  }
  void SeekForPrev(const std::string& target) {
    it_->SeekForPrev(target);
    pos_ = model_->upper_bound(target);
    pos_ = pos_ == model_->begin() ? model_->end() : std::prev(pos_);
    Check("SeekForPrev " + target);
  }
  void Next() {
    it_->Next();
    ++pos_;
    Check("Next");
  }
  void Prev() {
    it_->Prev();
    pos_ = pos_ == model_->begin() ? model_->end() : std::prev(pos_);
    Check("Prev");
  }
  bool errors() const { return errors_; }

 private:
  void Check(const std::string& op) {
    const Status s = it_->status();
    if (!s.ok()) errors_ = true;
    if (it_->Valid()) {
      ASSERT_TRUE(s.ok()) << "after " << op << ": Valid() with status " << s.ToString() << " at "
                          << it_->key();
      ASSERT_NE(model_->end(), pos_) << "after " << op << ": extra entry " << it_->key();
      ASSERT_EQ(pos_->first, it_->key()) << "after " << op;
      ASSERT_EQ(pos_->second, it_->value()) << "after " << op << " at " << pos_->first;
    } else {
      ASSERT_TRUE(!s.ok() || pos_ == model_->end())
          << "after " << op << ": ended with OK before " << pos_->first;
    }
  }

  const Model* const model_;
  Iterator* const it_;
  Model::const_iterator pos_;
  bool errors_ = false;
};

class IteratorDamageTest : public ::testing::Test {
 protected:
  static constexpr int kKeys = 3000;

  Status Open() {
    db_.reset();
    Options o = test::SmallDBOptions(fs_, /*manual_compactions=*/true);
    o.target_file_size = 64 << 10;  // several tables in L1
    o.compression = CompressionType::kNone;
    return DB::Open(o, "/db", &db_);
  }
  void Put(const std::string& k, const std::string& v) {
    ASSERT_TRUE(db_->Put(WriteOptions(), k, v).ok());
    model_[k] = v;
  }
  // Bottom-level tables holding every key, then one L0 table overwriting every third key
  // and deleting every fifth.
  void Build() {
    ASSERT_TRUE(Open().ok());
    for (int i = 0; i < kKeys; i++) Put(Key(i), "old-" + Key(i) + std::string(60, 'o'));
    ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    for (int i = 0; i < kKeys; i++) {
      if (i % 3 == 0) Put(Key(i), "new-" + Key(i));
      if (i % 5 == 0) {
        ASSERT_TRUE(db_->Delete(WriteOptions(), Key(i)).ok());
        model_.erase(Key(i));
      }
    }
    ASSERT_TRUE(db_->Flush().ok());
    std::string n0, n1;
    ASSERT_TRUE(db_->GetProperty("lsmdb.num-files-at-level0", &n0));
    ASSERT_TRUE(db_->GetProperty("lsmdb.num-files-at-level1", &n1));
    ASSERT_GE(std::stoi(n0), 1);
    ASSERT_GE(std::stoi(n1), 2);
    db_.reset();
  }
  // The tables, oldest (lowest number) first: the L0 table is the last.
  std::vector<std::string> Tables() {
    std::vector<std::string> names, r;
    EXPECT_TRUE(fs_->GetChildren("/db", &names).ok());
    for (const auto& n : names) {
      if (n.ends_with(".sst")) r.push_back("/db/" + n);
    }
    std::sort(r.begin(), r.end());
    return r;
  }
  void FlipByte(const std::string& path, double where) {
    std::string data;
    ASSERT_TRUE(fs_->ReadFileToString(path, &data).ok());
    data[static_cast<size_t>(static_cast<double>(data.size()) * where)] ^= 0x40;
    ASSERT_TRUE(fs_->WriteStringToFile(path, data).ok());
  }

  // Full scans both ways (each must meet the damage), seeks around the key space, and
  // a random walk of Next and Prev from random seeks.
  void CheckReads() {
    ASSERT_TRUE(Open().ok());
    {
      std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
      Oracle o(&model_, it.get());
      ASSERT_NO_FATAL_FAILURE(o.SeekToFirst());
      while (it->Valid()) ASSERT_NO_FATAL_FAILURE(o.Next());
      EXPECT_TRUE(o.errors()) << "a forward scan did not meet the damage";
      ASSERT_NO_FATAL_FAILURE(o.SeekToLast());
      while (it->Valid()) ASSERT_NO_FATAL_FAILURE(o.Prev());
      EXPECT_TRUE(o.errors()) << "a backward scan did not meet the damage";
    }
    const uint64_t seed = test::RandomSeed();
    Random rnd(seed);
    for (int round = 0; round < 200; round++) {
      std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
      Oracle o(&model_, it.get());
      const std::string target = Key(static_cast<int>(rnd.Uniform(kKeys + 10)));
      if (rnd.OneIn(2)) {
        ASSERT_NO_FATAL_FAILURE(o.Seek(target));
      } else {
        ASSERT_NO_FATAL_FAILURE(o.SeekForPrev(target));
      }
      for (int step = 0; step < 100 && it->Valid(); step++) {
        if (rnd.OneIn(3)) {
          ASSERT_NO_FATAL_FAILURE(o.Prev());
        } else {
          ASSERT_NO_FATAL_FAILURE(o.Next());
        }
      }
      // Errors are not forgotten by a later seek.
      const bool failed = !it->status().ok();
      ASSERT_NO_FATAL_FAILURE(o.SeekToFirst());
      if (failed) {
        EXPECT_FALSE(it->Valid());
      }
    }
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::unique_ptr<DB> db_;
  Model model_;
};

TEST_F(IteratorDamageTest, MissingLevel0TableEndsTheIteration) {
  ASSERT_NO_FATAL_FAILURE(Build());
  ASSERT_TRUE(fs_->RemoveFile(Tables().back()).ok());
  CheckReads();
}

TEST_F(IteratorDamageTest, DamagedLevel0BlockEndsTheIteration) {
  ASSERT_NO_FATAL_FAILURE(Build());
  ASSERT_NO_FATAL_FAILURE(FlipByte(Tables().back(), 0.4));
  CheckReads();
}

TEST_F(IteratorDamageTest, DamagedDeeperTableEndsTheIteration) {
  ASSERT_NO_FATAL_FAILURE(Build());
  const std::vector<std::string> tables = Tables();
  ASSERT_NO_FATAL_FAILURE(FlipByte(tables[tables.size() / 2 - 1], 0.3));
  CheckReads();
}

TEST_F(IteratorDamageTest, MissingDeeperTableEndsTheIteration) {
  ASSERT_NO_FATAL_FAILURE(Build());
  const std::vector<std::string> tables = Tables();
  ASSERT_TRUE(fs_->RemoveFile(tables[tables.size() / 2 - 1]).ok());
  CheckReads();
}

}  // namespace
}  // namespace lsmdb
