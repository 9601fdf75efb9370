// YCSB's core workloads A-F (github.com/brianfrankcooper/YCSB, workloads/workload[a-f])
// over the records 0..key_count-1 written by a preceding fill. As in YCSB's CoreWorkload:
// zipfian keys come from a scrambled zipfian generator over the records plus twice the
// inserts expected, redrawn while they name a record not inserted yet; "latest" favours
// the newest records; inserts take the next unused key number; an update or insert writes
// a whole value; a scan reads a uniform 1..100 records from a random start; an operation is
// one YCSB operation (a read-modify-write counts once).
#include <memory>
#include <optional>
#include <string>

#include "workloads.h"

namespace lsmdb::bench {
namespace {

enum class Distribution { kZipfian, kLatest };

struct YcsbMix {
  double read = 0;
  double update = 0;
  double insert = 0;
  double scan = 0;
  double read_modify_write = 0;
  Distribution distribution = Distribution::kZipfian;
};

constexpr uint64_t kMaxScanLength = 100;

class YcsbClient {
 public:
  YcsbClient(SharedState* shared, ThreadState* thread, const YcsbMix& mix)
      : shared_(shared),
        thread_(thread),
        mix_(mix),
        value_size_(static_cast<size_t>(shared->flags->value_size)),
        zipf_(shared->key_count.load() + ExpectedInserts(*shared->flags, mix)) {
    if (mix.distribution == Distribution::kLatest) latest_.emplace(shared->key_count.load());
  }

  Status RunOne() {
    double r = thread_->rng.NextDouble();
    if ((r -= mix_.read) < 0) return Read();
    if ((r -= mix_.update) < 0) return Update();
    if ((r -= mix_.insert) < 0) return Insert();
    if ((r -= mix_.scan) < 0) return Scan();
    if (mix_.read_modify_write > 0) return ReadModifyWrite();
    // Rounding left r just past the last share: take the last kind that has one.
    if (mix_.scan > 0) return Scan();
    if (mix_.insert > 0) return Insert();
    if (mix_.update > 0) return Update();
    return Read();
  }

 private:
  static uint64_t ExpectedInserts(const Flags& f, const YcsbMix& mix) {
    return static_cast<uint64_t>(static_cast<double>(f.ReadCount()) * mix.insert * 2);
  }

  uint64_t NextKeyNumber() {
    uint64_t count = shared_->key_count.load(std::memory_order_relaxed);
    if (latest_) return latest_->Next(&thread_->rng, count);
    uint64_t k;
    do {
      k = zipf_.Next(&thread_->rng);
    } while (k >= count);
    return k;
  }

  Status Read() {
    std::string_view key = thread_->keys.Format(NextKeyNumber());
    Status s = shared_->engine->Get(key, &value_);
    if (!s.ok() && !s.IsNotFound()) return s;
    thread_->Lookup(s.ok());
    thread_->FinishedOps(1, s.ok() ? key.size() + value_.size() : 0);
    return Status::OK();
  }

  Status Update() {
    std::string_view key = thread_->keys.Format(NextKeyNumber());
    std::string_view value = thread_->values.Generate(value_size_);
    Status s = shared_->engine->Put(key, value, shared_->flags->sync);
    if (!s.ok()) return s;
    thread_->FinishedOps(1, key.size() + value.size());
    return Status::OK();
  }

  Status Insert() {
    uint64_t k = shared_->next_insert.fetch_add(1);
    std::string_view key = thread_->keys.Format(k);
    std::string_view value = thread_->values.Generate(value_size_);
    Status s = shared_->engine->Put(key, value, shared_->flags->sync);
    if (!s.ok()) return s;
    shared_->AckInsert(k);
    thread_->FinishedOps(1, key.size() + value.size());
    return Status::OK();
  }

  Status Scan() {
    std::string_view key = thread_->keys.Format(NextKeyNumber());
    uint64_t length = 1 + thread_->rng.Uniform(kMaxScanLength);
    std::unique_ptr<EngineIterator> it = shared_->engine->NewIterator();
    uint64_t bytes = 0;
    it->Seek(key);
    thread_->Lookup(it->Valid() && it->key() == key);
    for (uint64_t i = 0; i < length && it->Valid(); i++) {
      bytes += it->key().size() + it->value().size();
      it->Next();
    }
    if (!it->status().ok()) return it->status();
    thread_->FinishedOps(1, bytes);
    return Status::OK();
  }

  Status ReadModifyWrite() {
    std::string key(thread_->keys.Format(NextKeyNumber()));
    Status s = shared_->engine->Get(key, &value_);
    if (!s.ok() && !s.IsNotFound()) return s;
    thread_->Lookup(s.ok());
    std::string_view value = thread_->values.Generate(value_size_);
    Status w = shared_->engine->Put(key, value, shared_->flags->sync);
    if (!w.ok()) return w;
    thread_->FinishedOps(1, key.size() * 2 + value.size() + (s.ok() ? value_.size() : 0));
    return Status::OK();
  }

  SharedState* const shared_;
  ThreadState* const thread_;
  const YcsbMix mix_;
  const size_t value_size_;
  ScrambledZipfianGenerator zipf_;
  std::optional<LatestGenerator> latest_;
  std::string value_;
};

Status RunYcsb(SharedState* shared, ThreadState* thread, const YcsbMix& mix) {
  if (shared->key_count.load() == 0) {
    return Status::InvalidArgument("ycsb: no records (run a fill first)");
  }
  YcsbClient client(shared, thread, mix);
  thread->ResetTimer();  // the latest generator's setup is O(records)
  for (uint64_t i = 0; thread->More(i); i++) {
    Status s = client.RunOne();
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

Status RunYcsbA(SharedState* s, ThreadState* t) {
  return RunYcsb(s, t, YcsbMix{.read = 0.5, .update = 0.5});
}
Status RunYcsbB(SharedState* s, ThreadState* t) {
  return RunYcsb(s, t, YcsbMix{.read = 0.95, .update = 0.05});
}
Status RunYcsbC(SharedState* s, ThreadState* t) { return RunYcsb(s, t, YcsbMix{.read = 1}); }
Status RunYcsbD(SharedState* s, ThreadState* t) {
  return RunYcsb(s, t,
                 YcsbMix{.read = 0.95, .insert = 0.05, .distribution = Distribution::kLatest});
}
Status RunYcsbE(SharedState* s, ThreadState* t) {
  return RunYcsb(s, t, YcsbMix{.insert = 0.05, .scan = 0.95});
}
Status RunYcsbF(SharedState* s, ThreadState* t) {
  return RunYcsb(s, t, YcsbMix{.read = 0.5, .read_modify_write = 0.5});
}

}  // namespace lsmdb::bench
