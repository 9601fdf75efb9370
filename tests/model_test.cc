// Model-based test: random operation sequences run against the DB and a std::map, under
// several configurations; every read is checked against the model. The seed is printed;
// LSMDB_TEST_SEED replays a run, LSMDB_MODEL_OPS makes runs longer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

using Model = std::map<std::string, std::string>;

struct Config {
  const char* name;
  size_t write_buffer_size;
  size_t block_size;
  CompressionType compression;
  int bloom_bits;
  size_t cache;
};

class ModelTest : public ::testing::TestWithParam<Config> {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<MemFileSystem>();
    const Config& c = GetParam();
    options_.file_system = fs_;
    options_.create_if_missing = true;
    options_.write_buffer_size = c.write_buffer_size;
    options_.block_size = c.block_size;
    options_.compression = c.compression;
    options_.bloom_bits_per_key = c.bloom_bits;
    options_.block_cache_capacity = c.cache;
    options_.max_write_buffer_number = 3;
    Reopen();
  }
  void Reopen() {
    db_.reset();
    Status s = DB::Open(options_, "/db", &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string RandomKey(Random* rnd) {
    // A small key space so that keys are overwritten and deleted often; some long keys.
    uint64_t k = rnd->Skewed(10);
    std::string key = "k" + std::to_string(k);
    if (k % 7 == 0) key += std::string(k % 50, 'x');
    if (k % 13 == 0) key.push_back('\0');
    return key;
  }
  std::string RandomValue(Random* rnd) {
    size_t len = rnd->OneIn(50) ? rnd->Uniform(20000) : rnd->Uniform(200);
    return test::RandomBytes(rnd, len);
  }

  // Compares a full iteration (forward or backward) with the model.
  void CheckIteration(const Model& model, const Snapshot* snap, Random* rnd) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::optional<std::string> lo, hi;
    if (rnd->OneIn(3)) lo = RandomKey(rnd);
    if (rnd->OneIn(3)) hi = RandomKey(rnd);
    if (lo) ro.lower_bound = *lo;
    if (hi) ro.upper_bound = *hi;
    auto in_bounds = [&](const std::string& k) { return (!lo || k >= *lo) && (!hi || k < *hi); };
    auto it = db_->NewIterator(ro);
    if (rnd->OneIn(2)) {
      auto m = model.begin();
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        while (m != model.end() && !in_bounds(m->first)) ++m;
        ASSERT_NE(m, model.end()) << "extra key " << it->key();
        ASSERT_EQ(m->first, it->key());
        ASSERT_EQ(m->second, it->value());
        ++m;
      }
      while (m != model.end() && !in_bounds(m->first)) ++m;
      ASSERT_EQ(m, model.end()) << "missing key " << m->first;
    } else {
      auto m = model.rbegin();
      for (it->SeekToLast(); it->Valid(); it->Prev()) {
        while (m != model.rend() && !in_bounds(m->first)) ++m;
        ASSERT_NE(m, model.rend()) << "extra key " << it->key();
        ASSERT_EQ(m->first, it->key());
        ASSERT_EQ(m->second, it->value());
        ++m;
      }
      while (m != model.rend() && !in_bounds(m->first)) ++m;
      ASSERT_EQ(m, model.rend()) << "missing key " << m->first;
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  }

  // Seek / SeekForPrev to a random key, then a few random steps both ways.
  void CheckSeek(const Model& model, const Snapshot* snap, Random* rnd) {
    ReadOptions ro;
    ro.snapshot = snap;
    auto it = db_->NewIterator(ro);
    std::string target = RandomKey(rnd);
    Model::const_iterator m;
    bool valid;
    if (rnd->OneIn(2)) {
      it->Seek(target);
      m = model.lower_bound(target);
      valid = m != model.end();
    } else {
      it->SeekForPrev(target);
      m = model.upper_bound(target);
      valid = m != model.begin();
      if (valid) --m;
    }
    for (int step = 0; step < 6; step++) {
      ASSERT_EQ(valid, it->Valid()) << "target " << target << " step " << step;
      if (!valid) break;
      ASSERT_EQ(m->first, it->key());
      ASSERT_EQ(m->second, it->value());
      if (rnd->OneIn(2)) {
        it->Next();
        ++m;
        valid = m != model.end();
      } else {
        it->Prev();
        valid = m != model.begin();
        if (valid) --m;
      }
    }
  }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_P(ModelTest, RandomOperationsMatchTheModel) {
  Random rnd(test::RandomSeed());
  const char* env = std::getenv("LSMDB_MODEL_OPS");
  const int ops = env ? std::atoi(env) : 3000;
  Model model;
  struct Snap {
    const Snapshot* snap;
    Model model;
  };
  std::vector<Snap> snaps;
  for (int i = 0; i < ops; i++) {
    SCOPED_TRACE("op " + std::to_string(i));
    uint64_t op = rnd.Uniform(100);
    if (op < 35) {
      std::string k = RandomKey(&rnd), v = RandomValue(&rnd);
      ASSERT_TRUE(db_->Put({}, k, v).ok());
      model[k] = v;
    } else if (op < 45) {
      std::string k = RandomKey(&rnd);
      ASSERT_TRUE(db_->Delete({}, k).ok());
      model.erase(k);
    } else if (op < 55) {
      WriteBatch b;
      Model next = model;
      int n = static_cast<int>(rnd.Uniform(10));
      for (int j = 0; j < n; j++) {
        std::string k = RandomKey(&rnd);
        if (rnd.OneIn(3)) {
          b.Delete(k);
          next.erase(k);
        } else {
          std::string v = RandomValue(&rnd);
          b.Put(k, v);
          next[k] = v;
        }
      }
      ASSERT_TRUE(db_->Write({}, &b).ok());
      model = std::move(next);
    } else if (op < 75) {
      std::string k = RandomKey(&rnd), v;
      Status s = db_->Get({}, k, &v);
      auto m = model.find(k);
      if (m == model.end()) {
        ASSERT_TRUE(s.IsNotFound()) << k << ": " << s.ToString();
      } else {
        ASSERT_TRUE(s.ok()) << k << ": " << s.ToString();
        ASSERT_EQ(m->second, v);
      }
    } else if (op < 80) {
      CheckIteration(model, nullptr, &rnd);
    } else if (op < 87) {
      CheckSeek(model, nullptr, &rnd);
    } else if (op < 90) {
      if (snaps.size() < 4) {
        snaps.push_back({db_->GetSnapshot(), model});
      } else {
        size_t idx = rnd.Uniform(snaps.size());
        db_->ReleaseSnapshot(snaps[idx].snap);
        snaps.erase(snaps.begin() + static_cast<long>(idx));
      }
    } else if (op < 94) {
      if (!snaps.empty()) {
        const Snap& s = snaps[rnd.Uniform(snaps.size())];
        CheckIteration(s.model, s.snap, &rnd);
        CheckSeek(s.model, s.snap, &rnd);
        std::string k = RandomKey(&rnd), v;
        ReadOptions ro;
        ro.snapshot = s.snap;
        Status st = db_->Get(ro, k, &v);
        auto m = s.model.find(k);
        ASSERT_EQ(m == s.model.end(), st.IsNotFound()) << st.ToString();
        if (m != s.model.end()) {
          ASSERT_EQ(m->second, v);
        }
      }
    } else if (op < 97) {
      ASSERT_TRUE(db_->Flush().ok());
    } else {
      for (auto& s : snaps) db_->ReleaseSnapshot(s.snap);
      snaps.clear();
      Reopen();
    }
  }
  CheckIteration(model, nullptr, &rnd);
  for (auto& s : snaps) db_->ReleaseSnapshot(s.snap);
}

INSTANTIATE_TEST_SUITE_P(
    Configs, ModelTest,
    ::testing::Values(Config{"Default", 4 << 20, 4096, CompressionType::kSnappy, 10, 8 << 20},
                      Config{"TinyMemtable", 64 << 10, 256, CompressionType::kNone, 10, 1 << 20},
                      Config{"TinyLz4NoCache", 64 << 10, 1024, CompressionType::kLz4, 0, 0},
                      Config{"TinyZstd", 64 << 10, 512, CompressionType::kZstd, 4, 64 << 10}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace lsmdb
