// Concurrency tests for docs/DESIGN.md §1, promise 5 (a DB handle is safe to share; an iterator
// or a snapshot sees one point in time whatever flushes run meanwhile), on MemFileSystem
// and on the POSIX file system. Every test name contains "Concurrent": CI runs exactly
// these under ThreadSanitizer. Runs are bounded by operation counts, never by time.
//
// Writers own their keys and number their writes, so a value "w<w>:<n>:..." says which
// write of which writer put it: a reader checks that a key never goes back to an older
// write, and a batch writes one value under all the keys of a group, so every view (a
// Get under a snapshot, one iterator pass) must see a group all equal or all absent.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

constexpr int kWriters = 4;
constexpr int kReaders = 2;
constexpr int kSingleKeys = 32;  // per writer
constexpr int kGroups = 8;       // per writer
constexpr int kGroupSize = 4;    // keys per group, written by one batch
constexpr int kWritesPerWriter = 3000;
constexpr int kReadsPerReader = 300;
constexpr int kFlushes = 12;

std::string SingleKey(int w, int j) { return "w" + std::to_string(w) + "/s" + std::to_string(j); }
std::string GroupKey(int w, int g, int m) {
  return "w" + std::to_string(w) + "/g" + std::to_string(g) + "/" + std::to_string(m);
}
// The writer and write number a value carries; nullopt if it is malformed.
std::optional<std::pair<int, uint64_t>> ParseValue(std::string_view v) {
  int w = -1;
  unsigned long long n = 0;
  std::string s(v.substr(0, 32));
  if (std::sscanf(s.c_str(), "w%d:%llu:", &w, &n) != 2) return std::nullopt;
  return std::make_pair(w, static_cast<uint64_t>(n));
}
// "w<w>/g<g>/<m>" -> (w, g); nullopt for other keys.
std::optional<std::pair<int, int>> ParseGroupKey(std::string_view k) {
  int w = -1, g = -1, m = -1;
  std::string s(k);
  if (std::sscanf(s.c_str(), "w%d/g%d/%d", &w, &g, &m) != 3) return std::nullopt;
  return std::make_pair(w, g);
}

// Progress shared by the threads of one run, with a condition variable to wait on.
class Progress {
 public:
  void Add(std::atomic<uint64_t>* counter) {
    counter->fetch_add(1);
    std::lock_guard<std::mutex> l(mu_);
    cv_.notify_all();
  }
  // Waits until pred() holds.
  template <typename Pred>
  void WaitFor(Pred pred) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, pred);
  }
  void Notify() {
    std::lock_guard<std::mutex> l(mu_);
    cv_.notify_all();
  }

  std::atomic<uint64_t> writes{0};
  std::atomic<uint64_t> writers_done{0};
  std::atomic<uint64_t> flushes{0};
  std::atomic<bool> flusher_done{false};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

class ConcurrentDBTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
    options_.max_write_buffer_number = 3;
    options_.block_size = 1024;
    if (GetParam()) {
      dir_ = std::make_unique<test::TempDir>();
      path_ = dir_->path() + "/db";
    } else {
      options_.file_system = std::make_shared<MemFileSystem>();
      path_ = "/db";
    }
    Status s = DB::Open(options_, path_, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void TearDown() override { db_.reset(); }

  // Every group in view (key -> value) is all equal or all absent.
  static void CheckGroups(const std::map<std::string, std::string>& view, const char* what) {
    std::map<std::pair<int, int>, std::pair<int, std::string>> groups;
    for (const auto& [k, v] : view) {
      auto g = ParseGroupKey(k);
      if (!g) continue;
      auto& [count, value] = groups[*g];
      if (count > 0) {
        ASSERT_EQ(value, v) << what << ": group " << g->first << "/" << g->second << " is torn at "
                            << k;
      }
      value = v;
      count++;
    }
    for (const auto& [g, cv] : groups) {
      ASSERT_EQ(kGroupSize, cv.first)
          << what << ": group " << g.first << "/" << g.second << " is partly present";
    }
  }

  test::TempDir* dir() { return dir_.get(); }

  Options options_;
  std::unique_ptr<test::TempDir> dir_;
  std::string path_;
  std::unique_ptr<DB> db_;
};

// Joins the threads when it goes out of scope, also when an assertion returns early.
class ThreadGroup {
 public:
  ~ThreadGroup() { Join(); }
  template <typename F, typename... Args>
  void Start(F&& f, Args&&... args) {
    threads_.emplace_back(std::forward<F>(f), std::forward<Args>(args)...);
  }
  void Join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  std::vector<std::thread> threads_;
};

// Reads a whole pass of it (forward or backward) into *out.
void Pass(Iterator* it, bool forward, std::map<std::string, std::string>* out) {
  out->clear();
  if (forward) {
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out->emplace(std::string(it->key()), std::string(it->value()));
    }
  } else {
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      out->emplace(std::string(it->key()), std::string(it->value()));
    }
  }
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
}

TEST_P(ConcurrentDBTest, ConcurrentWritersReadersAndFlushes) {
  const uint64_t seed = test::RandomSeed();
  Progress progress;
  // What each writer last wrote to each of its keys (nullopt: deleted).
  std::vector<std::map<std::string, std::optional<std::string>>> expected(kWriters);
  std::atomic<uint64_t> pinned_checks{0}, pinned_across_flush{0}, group_views{0};

  auto writer = [&](int w) {
    Random rnd(seed * 31 + static_cast<uint64_t>(w));
    auto& mine = expected[w];
    for (int n = 1; n <= kWritesPerWriter; n++) {
      WriteOptions wo;
      wo.sync = rnd.OneIn(10);
      const std::string value = "w" + std::to_string(w) + ":" + std::to_string(n) + ":" +
                                test::RandomString(&rnd, rnd.Uniform(150));
      const uint64_t op = rnd.Uniform(100);
      Status s;
      if (op < 40) {
        const std::string k = SingleKey(w, static_cast<int>(rnd.Uniform(kSingleKeys)));
        s = db_->Put(wo, k, value);
        mine[k] = value;
      } else if (op < 50) {
        const std::string k = SingleKey(w, static_cast<int>(rnd.Uniform(kSingleKeys)));
        s = db_->Delete(wo, k);
        mine[k] = std::nullopt;
      } else {
        const int g = static_cast<int>(rnd.Uniform(kGroups));
        const bool del = op >= 90;
        WriteBatch b;
        for (int m = 0; m < kGroupSize; m++) {
          const std::string k = GroupKey(w, g, m);
          if (del) {
            b.Delete(k);
            mine[k] = std::nullopt;
          } else {
            b.Put(k, value);
            mine[k] = value;
          }
        }
        s = db_->Write(wo, &b);
      }
      EXPECT_TRUE(s.ok()) << s.ToString();
      progress.Add(&progress.writes);
    }
    progress.Add(&progress.writers_done);
  };

  auto flusher = [&] {
    const uint64_t total = uint64_t{kWriters} * kWritesPerWriter;
    for (int f = 1; f <= kFlushes; f++) {
      progress.WaitFor([&] { return progress.writes.load() >= total * f / (kFlushes + 1); });
      Status s = db_->Flush();
      EXPECT_TRUE(s.ok()) << s.ToString();
      progress.Add(&progress.flushes);
    }
    progress.flusher_done = true;
    progress.Notify();
  };

  auto reader = [&](int r) {
    Random rnd(seed * 97 + static_cast<uint64_t>(r));
    // The newest write number this reader saw under each key: reads never go back.
    std::map<std::string, uint64_t> newest;
    auto observe = [&](const std::string& k, const std::string& v) {
      auto p = ParseValue(v);
      ASSERT_TRUE(p.has_value()) << k << ": malformed value";
      ASSERT_EQ(k.substr(1, k.find('/') - 1), std::to_string(p->first)) << k;
      uint64_t& seen = newest[k];
      ASSERT_GE(p->second, seen) << k << " went back from write " << seen << " to " << p->second;
      seen = p->second;
    };
    // At least kReadsPerReader reads, and on until the writers are done.
    for (int i = 0; i < kReadsPerReader || progress.writers_done.load() < kWriters; i++) {
      const uint64_t op = rnd.Uniform(100);
      const int w = static_cast<int>(rnd.Uniform(kWriters));
      if (op < 35) {
        // A group under a snapshot, read by Get.
        const Snapshot* snap = db_->GetSnapshot();
        ReadOptions ro;
        ro.snapshot = snap;
        const int g = static_cast<int>(rnd.Uniform(kGroups));
        std::map<std::string, std::string> view;
        for (int m = 0; m < kGroupSize; m++) {
          std::string v;
          Status s = db_->Get(ro, GroupKey(w, g, m), &v);
          ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
          if (s.ok()) view[GroupKey(w, g, m)] = v;
        }
        db_->ReleaseSnapshot(snap);
        if (!view.empty()) {
          ASSERT_NO_FATAL_FAILURE(CheckGroups(view, "Get under a snapshot"));
        }
        for (const auto& [k, v] : view) ASSERT_NO_FATAL_FAILURE(observe(k, v));
        group_views++;
      } else if (op < 60) {
        // One pass of an iterator, either way.
        auto it = db_->NewIterator({});
        std::map<std::string, std::string> view;
        ASSERT_NO_FATAL_FAILURE(Pass(it.get(), rnd.OneIn(2), &view));
        ASSERT_NO_FATAL_FAILURE(CheckGroups(view, "iterator pass"));
        for (const auto& [k, v] : view) ASSERT_NO_FATAL_FAILURE(observe(k, v));
        group_views++;
      } else if (op < 70) {
        // An iterator kept across a flush returns exactly what it returned at first.
        const uint64_t flushes_before = progress.flushes.load();
        auto it = db_->NewIterator({});
        std::map<std::string, std::string> first, again;
        ASSERT_NO_FATAL_FAILURE(Pass(it.get(), true, &first));
        for (const auto& [k, v] : first) ASSERT_NO_FATAL_FAILURE(observe(k, v));
        progress.WaitFor([&] {
          return progress.flushes.load() > flushes_before || progress.flusher_done.load();
        });
        if (progress.flushes.load() > flushes_before) pinned_across_flush++;
        ASSERT_NO_FATAL_FAILURE(Pass(it.get(), false, &again));
        ASSERT_TRUE(first == again) << "an iterator changed its view across a flush";
        // A seek to a key, then a few steps: the sources a seek leaves unpositioned (the
        // memtable the writers keep filling among them) join on the first step.
        const std::string target = SingleKey(w, static_cast<int>(rnd.Uniform(kSingleKeys)));
        it->Seek(target);
        auto m = first.lower_bound(target);
        for (int step = 0; step < 4; step++, ++m) {
          ASSERT_EQ(m != first.end(), it->Valid()) << "step " << step;
          if (m == first.end()) break;
          ASSERT_EQ(m->first, it->key());
          ASSERT_EQ(m->second, it->value());
          it->Next();
        }
        pinned_checks++;
      } else {
        // Latest values by Get.
        for (int j = 0; j < 8; j++) {
          const std::string k = SingleKey(w, static_cast<int>(rnd.Uniform(kSingleKeys)));
          std::string v;
          Status s = db_->Get({}, k, &v);
          ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
          if (s.ok()) {
            ASSERT_NO_FATAL_FAILURE(observe(k, v));
          }
        }
      }
    }
  };

  ThreadGroup threads;
  for (int w = 0; w < kWriters; w++) threads.Start(writer, w);
  for (int r = 0; r < kReaders; r++) threads.Start(reader, r);
  threads.Start(flusher);
  threads.Join();

  // Group commit: never more WAL groups than writes (fewer when writers contend).
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("lsmdb.stats", &stats));
  unsigned long long writes = 0, groups = 0;
  const size_t at = stats.find("Writes: ");
  ASSERT_NE(std::string::npos, at) << stats;
  ASSERT_EQ(2,
            std::sscanf(stats.c_str() + at, "Writes: %llu writes in %llu groups", &writes, &groups))
      << stats;
  EXPECT_EQ(uint64_t{kWriters} * kWritesPerWriter, writes);
  EXPECT_GT(groups, 0u);
  EXPECT_LE(groups, writes);

  // Each writer's keys read back their last value, before and after a reopen.
  for (int round = 0; round < 2; round++) {
    if (round == 1) {
      db_.reset();
      Status s = DB::Open(options_, path_, &db_);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    for (int w = 0; w < kWriters; w++) {
      for (const auto& [k, v] : expected[w]) {
        std::string got;
        Status s = db_->Get({}, k, &got);
        if (v) {
          ASSERT_TRUE(s.ok()) << k << ": " << s.ToString();
          ASSERT_EQ(*v, got) << k;
        } else {
          ASSERT_TRUE(s.IsNotFound()) << k << ": " << s.ToString();
        }
      }
    }
  }
  std::fprintf(stderr,
               "[concurrent] %s: %llu writes in %llu WAL groups, %llu group views checked, "
               "%llu pinned iterators (%llu across a flush)\n",
               GetParam() ? "posix" : "mem", writes, groups,
               static_cast<unsigned long long>(group_views.load()),
               static_cast<unsigned long long>(pinned_checks.load()),
               static_cast<unsigned long long>(pinned_across_flush.load()));
}

// A known state, pinned by iterators and a snapshot, read again and again while writers
// overwrite and delete every key and flushes turn memtables into tables.
TEST_P(ConcurrentDBTest, ConcurrentFlushesLeavePinnedViewsUnchanged) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  constexpr int kKeys = 400;
  auto key = [](uint64_t i) { return "p/" + std::to_string(i); };
  std::map<std::string, std::string> model;
  for (int i = 0; i < kKeys; i++) {
    std::string v = test::RandomString(&rnd, 20 + rnd.Uniform(150));
    ASSERT_TRUE(db_->Put({}, key(i), v).ok());
    model[key(i)] = v;
    if (i == kKeys / 2) {
      ASSERT_TRUE(db_->Flush().ok());  // half in a table, half not
    }
  }
  const Snapshot* snap = db_->GetSnapshot();
  ReadOptions at_snap;
  at_snap.snapshot = snap;
  auto pinned = db_->NewIterator({});        // pinned by its creation
  auto by_snap = db_->NewIterator(at_snap);  // pinned by the snapshot

  Progress progress;
  constexpr int kOverwriters = 2, kOverwrites = 4000;
  auto overwriter = [&](int w) {
    Random r(seed * 13 + static_cast<uint64_t>(w));
    for (int n = 0; n < kOverwrites; n++) {
      WriteOptions wo;
      wo.sync = r.OneIn(20);
      Status s = r.OneIn(4) ? db_->Delete(wo, key(r.Uniform(kKeys)))
                            : db_->Put(wo, key(r.Uniform(kKeys)),
                                       test::RandomString(&r, 50 + r.Uniform(150)));
      EXPECT_TRUE(s.ok()) << s.ToString();
      progress.Add(&progress.writes);
    }
    progress.Add(&progress.writers_done);
  };
  auto flusher = [&] {
    const uint64_t total = uint64_t{kOverwriters} * kOverwrites;
    for (int f = 1; f <= kFlushes; f++) {
      progress.WaitFor([&] { return progress.writes.load() >= total * f / (kFlushes + 1); });
      Status s = db_->Flush();
      EXPECT_TRUE(s.ok()) << s.ToString();
      progress.Add(&progress.flushes);
    }
  };
  ThreadGroup threads;
  for (int w = 0; w < kOverwriters; w++) threads.Start(overwriter, w);
  threads.Start(flusher);

  int checks = 0;
  auto check = [&] {
    std::map<std::string, std::string> view;
    ASSERT_NO_FATAL_FAILURE(Pass(pinned.get(), checks % 2 == 0, &view));
    ASSERT_TRUE(view == model) << "an iterator's view changed (" << view.size() << " keys)";
    ASSERT_NO_FATAL_FAILURE(Pass(by_snap.get(), checks % 2 == 1, &view));
    ASSERT_TRUE(view == model) << "a snapshot iterator's view changed";
    for (int j = 0; j < 10; j++) {
      const std::string k = key(rnd.Uniform(kKeys + 10));
      std::string v;
      Status s = db_->Get(at_snap, k, &v);
      auto m = model.find(k);
      if (m == model.end()) {
        ASSERT_TRUE(s.IsNotFound()) << k << ": " << s.ToString();
      } else {
        ASSERT_TRUE(s.ok()) << k << ": " << s.ToString();
        ASSERT_EQ(m->second, v) << k;
      }
      pinned->Seek(k);
      auto lb = model.lower_bound(k);
      ASSERT_EQ(lb != model.end(), pinned->Valid()) << k;
      if (lb != model.end()) {
        ASSERT_EQ(lb->first, pinned->key());
      }
    }
    checks++;
  };
  while (progress.writers_done.load() < kOverwriters || checks < 10) {
    ASSERT_NO_FATAL_FAILURE(check());
  }
  threads.Join();
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_NO_FATAL_FAILURE(check());
  pinned.reset();
  by_snap.reset();
  db_->ReleaseSnapshot(snap);
  std::fprintf(stderr,
               "[concurrent] %s: %d checks of pinned views during %d overwrites and "
               "%d flushes\n",
               GetParam() ? "posix" : "mem", checks, kOverwriters * kOverwrites, kFlushes + 1);
}

INSTANTIATE_TEST_SUITE_P(FileSystems, ConcurrentDBTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "Posix" : "Mem"; });

}  // namespace
}  // namespace lsmdb
