// Background errors under a random workload and under concurrency: faults injected at
// random operation counts (any file kind, EIO / ENOSPC / short writes), then Resume or
// a reopen; the database must hold exactly the acknowledged writes (after a reopen a
// failed write may also be there, whole). The concurrent test runs under TSan in CI.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/db_test_util.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

using Op = MemFileSystem::Op;
using Value = std::optional<std::string>;  // nullopt: deleted or never written

Fault RandomFault(Random* rnd) {
  static const Op kOps[] = {Op::kAppend, Op::kSync, Op::kCreate};
  static const uint32_t kFiles[] = {kLogFiles, kTableFiles, kManifestFiles, kCurrentFiles,
                                    kLogFiles | kTableFiles | kManifestFiles | kCurrentFiles};
  Fault f;
  f.op = kOps[rnd->Uniform(3)];
  f.files = kFiles[rnd->Uniform(5)];
  const int kind = static_cast<int>(rnd->Uniform(f.op == Op::kAppend ? 3 : 2));
  f.kind = kind == 0   ? FaultKind::kIOError
           : kind == 1 ? FaultKind::kNoSpace
                       : FaultKind::kShortWrite;
  f.after = rnd->Uniform(f.op == Op::kAppend ? 300 : 8);
  f.once = rnd->OneIn(2);
  return f;
}

TEST(BackgroundErrorRandomTest, FaultsAtRandomPointsLoseNoAcknowledgedWrite) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  const char* env = std::getenv("LSMDB_FAULT_ROUNDS");
  const int rounds = env != nullptr ? std::atoi(env) : 40;
  auto fs = std::make_shared<MemFileSystem>();
  Options o = test::SmallDBOptions(fs, /*manual_compactions=*/false);
  o.target_file_size = 64 << 10;
  o.max_bytes_for_level_base = 256 << 10;
  o.level0_file_num_compaction_trigger = 2;
  o.max_manifest_file_size = 4 << 10;  // MANIFEST rollovers, so CURRENT is written
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(o, "/db", &db).ok());

  std::map<std::string, Value> model;  // every acknowledged write
  uint64_t acknowledged = 0, failed_writes = 0, errors = 0, resumes = 0, reopens = 0;
  auto check = [&](const std::map<std::string, Value>* maybe) {
    // Get every key the model knows, then compare a full scan.
    auto may_be = [maybe](const std::string& k, const Value& v) {
      if (maybe == nullptr) return false;
      auto m = maybe->find(k);
      return m != maybe->end() && m->second == v;
    };
    std::map<std::string, std::string> seen;
    auto it = db->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) seen[std::string(it->key())] = it->value();
    ASSERT_TRUE(it->status().ok()) << "seed " << seed << ": " << it->status().ToString();
    for (auto& [k, want] : model) {
      std::string v;
      Status s = db->Get(ReadOptions(), k, &v);
      Value got = s.ok() ? Value(v) : std::nullopt;
      ASSERT_TRUE(s.ok() || s.IsNotFound()) << "seed " << seed << ": " << s.ToString();
      auto sc = seen.find(k);
      ASSERT_EQ(got, sc == seen.end() ? std::nullopt : Value(sc->second)) << "seed " << seed;
      if (got != want) {
        // Only a failed write may differ, and only after a reopen; it then becomes the
        // state the database holds.
        ASSERT_TRUE(may_be(k, got)) << "seed " << seed << " key " << k;
        want = got;
      }
      seen.erase(k);
    }
    for (const auto& [k, v] : seen) {
      ASSERT_TRUE(may_be(k, v)) << "seed " << seed << " unexpected key " << k;
      model[k] = v;
    }
  };

  for (int round = 0; round < rounds; round++) {
    ASSERT_TRUE(fs->InjectFault(RandomFault(&rnd)).ok());
    std::map<std::string, Value> maybe;  // the writes that failed (last one per key)
    bool stopped = false;
    for (int op = 0; op < 600 && !stopped; op++) {
      WriteBatch batch;
      std::map<std::string, Value> effect;
      const int n = rnd.OneIn(5) ? 1 + static_cast<int>(rnd.Uniform(4)) : 1;
      for (int i = 0; i < n; i++) {
        std::string k = "k" + std::to_string(rnd.Uniform(3000));
        if (rnd.OneIn(6)) {
          batch.Delete(k);
          effect[k] = std::nullopt;
        } else {
          std::string v = test::RandomString(&rnd, 10 + rnd.Uniform(200));
          batch.Put(k, v);
          effect[k] = v;
        }
      }
      WriteOptions wo;
      wo.sync = rnd.OneIn(8);
      Status s = db->Write(wo, &batch);
      if (s.ok()) {
        acknowledged++;
        for (auto& [k, v] : effect) model[k] = v;
        for (auto& [k, v] : effect) maybe.erase(k);
      } else {
        ASSERT_TRUE(s.IsIOError()) << "seed " << seed << ": " << s.ToString();
        failed_writes++;
        for (auto& [k, v] : effect) maybe[k] = v;
        stopped = true;
      }
    }
    // In the error state (if any) reads show exactly the acknowledged writes.
    check(nullptr);
    if (HasFatalFailure()) return;
    std::string bg;
    ASSERT_TRUE(db->GetProperty("lsmdb.background-error", &bg));
    if (bg != "OK") errors++;
    fs->ClearFaults();
    if (rnd.OneIn(2)) {
      Status s = db->Resume();
      ASSERT_TRUE(s.ok()) << "seed " << seed << ": " << s.ToString();
      resumes++;
      check(nullptr);  // a failed write never comes back without a reopen
    } else {
      db.reset();
      Options ro = o;
      ro.paranoid_checks = true;  // every live table exists with its recorded size
      Status s = DB::Open(ro, "/db", &db);
      ASSERT_TRUE(s.ok()) << "seed " << seed << ": " << s.ToString();
      reopens++;
      check(&maybe);
    }
    if (HasFatalFailure()) return;
  }
  db.reset();
  ASSERT_TRUE(DB::Open(o, "/db", &db).ok());
  check(nullptr);
  std::fprintf(stderr,
               "faults: %d rounds, %llu faults injected, %llu error states, %llu failed writes, "
               "%llu resumes, %llu reopens, %llu acknowledged writes, %zu keys checked\n",
               rounds, static_cast<unsigned long long>(fs->FaultsInjected()),
               static_cast<unsigned long long>(errors),
               static_cast<unsigned long long>(failed_writes),
               static_cast<unsigned long long>(resumes), static_cast<unsigned long long>(reopens),
               static_cast<unsigned long long>(acknowledged), model.size());
  EXPECT_GT(errors, 0u);
}

// Writers and readers run while a WAL append fails and then a flush fails; each time
// the main thread waits until every writer has seen the error, clears the fault and
// resumes. Readers must see every acknowledged write throughout.
TEST(BackgroundErrorConcurrentTest, WritersAndReadersThroughFaultsAndResume) {
  constexpr int kWriters = 3, kReaders = 2;
  auto fs = std::make_shared<MemFileSystem>();
  Options o = test::SmallDBOptions(fs, /*manual_compactions=*/false);
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(o, "/db", &db).ok());
  auto key = [](int w, int i) { return "w" + std::to_string(w) + "-" + std::to_string(i); };
  auto value = [](const std::string& k) { return k + std::string(80, 'v') + k; };

  std::atomic<int> acked[kWriters];
  for (auto& a : acked) a.store(0);
  std::mutex mu;
  std::condition_variable cv;
  int epoch = 0, blocked = 0;  // guarded by mu
  std::atomic<bool> stop{false};
  std::atomic<int> read_errors{0};

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; w++) {
    threads.emplace_back([&, w] {
      for (int i = 0; !stop.load();) {
        const std::string k = key(w, i);
        Status s = db->Put(WriteOptions(), k, value(k));
        if (s.ok()) {
          acked[w].store(++i, std::memory_order_release);
          cv.notify_all();
          continue;
        }
        // Stopped by the error: wait for the main thread to resume, then retry the key.
        std::unique_lock<std::mutex> l(mu);
        const int seen = epoch;
        blocked++;
        cv.notify_all();
        cv.wait(l, [&] { return epoch != seen || stop.load(); });
        blocked--;
      }
    });
  }
  for (int r = 0; r < kReaders; r++) {
    threads.emplace_back([&, r] {
      Random rnd(r + 1);
      while (!stop.load()) {
        const int w = static_cast<int>(rnd.Uniform(kWriters));
        const int n = acked[w].load(std::memory_order_acquire);
        if (n == 0) continue;
        const std::string k = key(w, static_cast<int>(rnd.Uniform(n)));
        std::string v;
        Status s = db->Get(ReadOptions(), k, &v);
        if (!s.ok() || v != value(k)) read_errors++;
        if (rnd.OneIn(50)) {
          auto it = db->NewIterator(ReadOptions());
          for (it->Seek("w"); it->Valid(); it->Next()) {
            if (it->value() != value(std::string(it->key()))) read_errors++;
          }
          if (!it->status().ok()) read_errors++;
        }
      }
    });
  }
  auto total = [&] {
    int t = 0;
    for (auto& a : acked) t += a.load();
    return t;
  };
  auto wait_for = [&](auto pred) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, std::chrono::seconds(120), pred);
  };
  const Fault faults[] = {{.op = Op::kAppend, .files = kLogFiles},
                          {.op = Op::kSync, .files = kTableFiles}};
  for (const Fault& f : faults) {
    const int target = total() + 1500;
    ASSERT_TRUE(wait_for([&] { return total() >= target; }));
    ASSERT_TRUE(fs->InjectFault(f).ok());
    ASSERT_TRUE(wait_for([&] { return blocked == kWriters; })) << "writers never stopped";
    std::string bg;
    ASSERT_TRUE(db->GetProperty("lsmdb.background-error", &bg));
    EXPECT_NE("OK", bg);
    fs->ClearFaults();
    Status s = db->Resume();
    ASSERT_TRUE(s.ok()) << s.ToString();
    {
      std::lock_guard<std::mutex> l(mu);
      epoch++;
    }
    cv.notify_all();
  }
  const int target = total() + 1500;
  ASSERT_TRUE(wait_for([&] { return total() >= target; }));
  stop.store(true);
  cv.notify_all();
  for (auto& t : threads) t.join();
  EXPECT_EQ(0, read_errors.load());

  db.reset();
  ASSERT_TRUE(DB::Open(o, "/db", &db).ok());
  for (int w = 0; w < kWriters; w++) {
    for (int i = 0; i < acked[w].load(); i++) {
      std::string v;
      ASSERT_TRUE(db->Get(ReadOptions(), key(w, i), &v).ok()) << key(w, i);
      ASSERT_EQ(value(key(w, i)), v);
    }
  }
}

}  // namespace
}  // namespace lsmdb
