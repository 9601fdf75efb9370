// Crash tests on MemFileSystem for docs/DESIGN.md §1, promises 1 (durability) and 2 (prefix
// recovery). A random single-threaded workload of puts, deletes and batches (sync and not)
// and flushes runs on a tiny configuration (64 KiB memtables, 4 KiB MANIFEST), so that
// background flushes, WAL switches, MANIFEST rollovers and CURRENT replacements happen all
// the time. The workload is cut by one of:
//   (a) a power loss at a random moment between operations, background flushes in flight;
//   (b) the death of the process at its N-th file-system operation (every operation from
//       the N-th on fails), then a power loss;
//   (c) the same death with no power loss: a process crash.
// N is drawn over every operation of a round, the reopen included, so deaths fall inside
// recovery, flushes, WAL switches, MANIFEST writes and CURRENT replacement.
//
// After each cut the database must open and hold exactly the state after some prefix of
// the attempted writes (a batch whole or not at all). The prefix must hold every write
// acknowledged with sync and every write before a successful Flush(); after a process
// crash with no power loss since the last check, every acknowledged write. The workload
// then continues on the reopened database and is cut again.
//
// The base seed is printed; LSMDB_TEST_SEED replays it. LSMDB_CRASH_ITERATIONS sets the
// number of seeds (seed i is base + i).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/util/test_util.h"
#include "tests/util/write_history.h"

namespace lsmdb {
namespace {

using test::History;
using test::Model;
using test::WriteOp;

// Where a death at a file-system operation landed, by the kind of file.
std::string FileKind(const std::string& path) {
  auto ends = [&](std::string_view s) { return path.ends_with(s); };
  if (ends(".log")) return "wal";
  if (ends(".sst")) return "table";
  if (path.find("MANIFEST-") != std::string::npos) return "manifest";
  if (ends(".dbtmp") || ends("CURRENT")) return "current";
  if (ends("LOG") || ends("LOG.old")) return "info-log";
  return "directory";
}

struct Totals {
  uint64_t runs = 0;                // seeds, or replays of one workload
  uint64_t crashes[3] = {0, 0, 0};  // by style a, b, c
  uint64_t deaths_in_open = 0;
  uint64_t checks = 0;
  uint64_t attempted = 0, acknowledged = 0, sync_acknowledged = 0;
  uint64_t required_checked = 0;  // writes that a check required to be present, summed
  uint64_t flushes = 0;
  uint64_t opens = 0, manifests_created = 0;
  std::map<std::string, uint64_t> sites;  // death sites (b, c) by file kind

  void Print(const char* test) const {
    std::string where;
    for (const auto& [kind, n] : sites) where += " " + kind + "=" + std::to_string(n);
    std::fprintf(stderr,
                 "[%s] %llu runs, %llu crash points (power loss between ops %llu, death "
                 "then power loss %llu, process death %llu; %llu deaths during open), %llu "
                 "checks; writes attempted %llu, acknowledged %llu (sync %llu), required "
                 "and found %llu; %llu Flush calls; %llu MANIFESTs created in %llu opens; death "
                 "sites:%s\n",
                 test, U(runs), U(crashes[0] + crashes[1] + crashes[2]), U(crashes[0]),
                 U(crashes[1]), U(crashes[2]), U(deaths_in_open), U(checks), U(attempted),
                 U(acknowledged), U(sync_acknowledged), U(required_checked), U(flushes),
                 U(manifests_created), U(opens), where.c_str());
  }
  static unsigned long long U(uint64_t v) { return static_cast<unsigned long long>(v); }
};

// Kills the process at its N-th file-system operation, counting every operation or only
// those on one kind of file: from then on every operation fails. Pause() stops counting
// (and failing) while the test itself reads the database. Also counts MANIFEST creations.
class DeathHook {
 public:
  // kind: a FileKind(), or "" for every operation.
  void Arm(std::string kind, uint64_t n) {
    std::lock_guard<std::mutex> l(mu_);
    kind_ = std::move(kind);
    n_ = n;
    counts_.clear();
    armed_ = true;
    dead_ = false;
  }
  void Disarm() {
    std::lock_guard<std::mutex> l(mu_);
    armed_ = dead_ = false;
  }
  // While paused and not dead, operations are neither counted nor failed.
  void Pause(bool paused) {
    std::lock_guard<std::mutex> l(mu_);
    paused_ = paused;
  }
  bool dead() const {
    std::lock_guard<std::mutex> l(mu_);
    return dead_;
  }
  // Operations counted on files of kind ("" for all) since Arm.
  uint64_t count(const std::string& kind) const {
    std::lock_guard<std::mutex> l(mu_);
    auto it = counts_.find(kind);
    return it == counts_.end() ? 0 : it->second;
  }
  std::string site() const {
    std::lock_guard<std::mutex> l(mu_);
    return site_;
  }
  // MANIFESTs created (successfully or not) since the last call.
  uint64_t TakeManifestsCreated() {
    std::lock_guard<std::mutex> l(mu_);
    return std::exchange(manifests_created_, 0);
  }

  Status Check(MemFileSystem::Op op, const std::string& path) {
    std::lock_guard<std::mutex> l(mu_);
    const std::string kind = FileKind(path);
    if (op == MemFileSystem::Op::kCreate && kind == "manifest" && !dead_) {
      manifests_created_++;
    }
    if (!armed_ || (paused_ && !dead_)) return Status::OK();
    if (!dead_) {
      counts_[kind]++;
      const uint64_t c = ++counts_[""];
      if ((kind_.empty() ? c : kind == kind_ ? counts_[kind] : 0) == n_) {
        dead_ = true;
        site_ = kind;
      }
    }
    return dead_ ? Status::IOError(path, "injected: the process died") : Status::OK();
  }

 private:
  mutable std::mutex mu_;
  std::string kind_;
  uint64_t n_ = 0;
  std::map<std::string, uint64_t> counts_;
  bool armed_ = false;
  bool paused_ = false;
  bool dead_ = false;
  std::string site_;
  uint64_t manifests_created_ = 0;
};

class PowerLossTest : public ::testing::Test {
 protected:
  enum Style { kPowerLoss = 0, kDeathThenPowerLoss = 1, kProcessDeath = 2 };

  static int Iterations(int fallback) {
    const char* env = std::getenv("LSMDB_CRASH_ITERATIONS");
    return env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : fallback;
  }

  void SetUpSeed(uint64_t seed) {
    db_.reset();
    rnd_ = std::make_unique<Random>(seed);
    fs_ = std::make_shared<MemFileSystem>();
    options_ = Options{};
    options_.file_system = fs_;
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
    options_.max_manifest_file_size = 4096;
    options_.max_write_buffer_number = 2 + static_cast<int>(rnd_->Uniform(2));
    options_.block_size = 1024;
    options_.target_file_size = 64 << 10;
    options_.compression = rnd_->OneIn(2) ? CompressionType::kNone : CompressionType::kSnappy;
    hook_.Disarm();
    fs_->SetFaultHook(
        [this](MemFileSystem::Op op, const std::string& path) { return hook_.Check(op, path); });
    history_.Reset({});
  }

  Status Issue(const WriteOp& op) {
    WriteOptions wo;
    wo.sync = op.sync;
    if (op.entries.size() == 1 && rnd_->OneIn(2)) {
      const auto& [k, v] = op.entries[0];
      return v ? db_->Put(wo, k, *v) : db_->Delete(wo, k);
    }
    WriteBatch b;
    for (const auto& [k, v] : op.entries) {
      if (v) {
        b.Put(k, *v);
      } else {
        b.Delete(k);
      }
    }
    return db_->Write(wo, &b);
  }

  // Runs up to n operations (writes and, now and then, Flush); stops at the first
  // failure or once the process is dead.
  void RunWorkload(int n, Totals* t) {
    for (int i = 0; i < n && !hook_.dead(); i++) {
      if (rnd_->OneIn(8)) {
        t->flushes++;
        if (!db_->Flush().ok()) return;
        history_.FlushSucceeded();
        continue;
      }
      size_t idx = history_.Attempt(test::RandomWrite(rnd_.get(), {.typical = 100, .large = 2000}));
      t->attempted++;
      if (!Issue(history_.op(idx)).ok()) return;
      history_.Acknowledge(idx);
      t->acknowledged++;
      if (history_.op(idx).sync) t->sync_acknowledged++;
    }
  }

  // Reads the whole database (forward, checked backward and by Get) into *out.
  void ReadAll(Model* out) {
    auto it = db_->NewIterator({});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      (*out)[std::string(it->key())] = std::string(it->value());
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    auto m = out->rbegin();
    for (it->SeekToLast(); it->Valid(); it->Prev(), ++m) {
      ASSERT_NE(m, out->rend()) << "backward pass has extra key " << it->key();
      ASSERT_EQ(m->first, it->key());
      ASSERT_EQ(m->second, it->value());
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    ASSERT_EQ(m, out->rend()) << "backward pass misses key " << m->first;
    for (int i = 0; i < 20; i++) {
      std::string k = test::RandomKey(rnd_.get()), v;
      Status s = db_->Get({}, k, &v);
      auto e = out->find(k);
      if (e == out->end()) {
        ASSERT_TRUE(s.IsNotFound()) << k << ": " << s.ToString();
      } else {
        ASSERT_TRUE(s.ok()) << k << ": " << s.ToString();
        ASSERT_EQ(e->second, v) << k;
      }
    }
  }

  // Checks the freshly opened database against the history, then makes what it holds
  // the base of the next round.
  void CheckRecovered(Totals* t) {
    Model recovered;
    ASSERT_NO_FATAL_FAILURE(ReadAll(&recovered));
    std::string why;
    std::optional<size_t> p = history_.MatchPrefix(recovered, &why);
    ASSERT_TRUE(p.has_value()) << why;
    t->checks++;
    t->required_checked += history_.Required();
    history_.Reset(std::move(recovered));
  }

  // Cuts the workload in the given style and leaves the file system thawed, the hook
  // disarmed and the handle closed.
  void Crash(Style style, Totals* t) {
    t->crashes[style]++;
    if (style != kPowerLoss) t->sites[hook_.site()]++;
    if (style != kProcessDeath) {
      // A file system also commits new names on its own (ext4 within seconds): then the
      // newest logs can outlive unsynced bytes of older ones.
      if (rnd_->OneIn(4)) fs_->SyncDir("/db").PermitUncheckedError();
      fs_->SimulatePowerLoss(rnd_->OneIn(2) ? rnd_.get() : nullptr);
      history_.PowerLost();
    }
    db_.reset();  // a dead process: every file-system operation fails
    hook_.Disarm();
    fs_->Thaw();
  }

  std::unique_ptr<Random> rnd_;
  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
  History history_;
  DeathHook hook_;
};

// Rounds of (open, check, random workload, crash) on one seed, every crash style mixed.
TEST_F(PowerLossTest, RandomCrashesRecoverAPrefixWithEveryDurableWrite) {
  const uint64_t base_seed = test::RandomSeed();
  const int seeds = Iterations(24);
  constexpr int kRounds = 8;
  Totals t;
  for (int i = 0; i < seeds; i++) {
    const uint64_t seed = base_seed + static_cast<uint64_t>(i);
    SCOPED_TRACE("seed " + std::to_string(seed) + " (LSMDB_TEST_SEED=" + std::to_string(seed) +
                 " LSMDB_CRASH_ITERATIONS=1 replays it)");
    SetUpSeed(seed);
    t.runs++;
    // The most operations a round performed, by kind of file (learned as rounds run).
    std::map<std::string, uint64_t> ops_per_round = {{"", 3000},     {"wal", 2000},
                                                     {"table", 500}, {"manifest", 40},
                                                     {"current", 6}, {"directory", 12}};
    const std::string kinds[] = {"", "", "", "wal", "table", "manifest", "current", "directory"};
    for (int round = 0; round <= kRounds; round++) {
      SCOPED_TRACE("round " + std::to_string(round));
      auto style = static_cast<Style>(rnd_->Uniform(3));
      if (round == kRounds) {
        hook_.Disarm();  // the last round only checks
      } else if (style == kPowerLoss) {
        hook_.Disarm();
      } else {
        // At any operation (3 times in 8), or at one on a chosen kind of file, so that the
        // rare MANIFEST and CURRENT operations are hit about as often as the WAL.
        const std::string& kind = kinds[rnd_->Uniform(std::size(kinds))];
        hook_.Arm(kind, 1 + rnd_->Uniform(ops_per_round[kind]));
      }
      Status s = DB::Open(options_, "/db", &db_);
      t.opens++;
      if (!s.ok()) {
        ASSERT_TRUE(hook_.dead()) << "open failed with no crash: " << s.ToString();
        t.deaths_in_open++;
        Crash(style, &t);
        continue;
      }
      hook_.Pause(true);
      if (hook_.dead()) {  // died in background work just after opening
        hook_.Pause(false);
        Crash(style, &t);
        continue;
      }
      ASSERT_NO_FATAL_FAILURE(CheckRecovered(&t));
      hook_.Pause(false);
      if (round == kRounds) break;
      const int ops = 500 + static_cast<int>(rnd_->Uniform(3000));
      RunWorkload(style == kPowerLoss ? static_cast<int>(rnd_->Uniform(ops)) : ops, &t);
      if (style != kPowerLoss && !hook_.dead()) {
        // The round ended before its N-th operation: cut it by a power loss instead.
        for (auto& [kind, n] : ops_per_round) n = std::max(n, hook_.count(kind));
        style = kPowerLoss;
      }
      Crash(style, &t);
    }
    db_.reset();
    t.manifests_created += hook_.TakeManifestsCreated();
  }
  t.Print("power-loss");
}

// One short workload (writes, flushes, a clean close and reopen, more writes) cut at every
// one of its file-system operations in turn, the three crash styles taking turns.
TEST_F(PowerLossTest, EveryOperationOfAShortWorkloadIsASafeCrashPoint) {
  const uint64_t seed = test::RandomSeed();
  Totals t;
  auto run = [&] {
    for (int part = 0; part < 2 && !hook_.dead(); part++) {
      t.opens++;
      if (!DB::Open(options_, "/db", &db_).ok()) {
        t.deaths_in_open++;
        return;
      }
      RunWorkload(30, &t);
      if (hook_.dead() || !db_->Flush().ok()) return;
      t.flushes++;
      history_.FlushSucceeded();
      RunWorkload(30, &t);
      if (part == 0) db_.reset();  // a clean close
    }
  };
  SetUpSeed(seed);
  hook_.Arm("", UINT64_MAX);
  run();
  db_.reset();
  const uint64_t total = hook_.count("");
  t = Totals{};
  (void)hook_.TakeManifestsCreated();
  ASSERT_GT(total, 100u);
  for (uint64_t n = 1; n <= total; n++) {
    SCOPED_TRACE("death at operation " + std::to_string(n) + " of " + std::to_string(total));
    SetUpSeed(seed);  // the same workload every time
    hook_.Arm("", n);
    run();
    auto style = static_cast<Style>(n % 3);
    if (!hook_.dead()) style = kPowerLoss;  // background work took another path
    Crash(style, &t);
    t.runs++;
    Status s = DB::Open(options_, "/db", &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_NO_FATAL_FAILURE(CheckRecovered(&t));
    db_.reset();
    t.manifests_created += hook_.TakeManifestsCreated();
  }
  t.Print("every-crash-point");
}

}  // namespace
}  // namespace lsmdb
