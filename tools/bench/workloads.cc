// db_bench's workloads, with its names and meanings, and the table of every workload.
#include "workloads.h"

#include <memory>
#include <string>

namespace lsmdb::bench {
namespace {

enum class Order { kSequential, kRandom };

size_t KeyBytes(const Flags& f) { return static_cast<size_t>(f.key_size); }

// Writes thread->share_count entries of value_size bytes, batch_size entries per engine
// call. Sequential order writes key numbers share_begin, share_begin+1, ...; random order
// draws key numbers uniformly from [0, --num) (with repeats, as db_bench).
Status DoWrite(SharedState* shared, ThreadState* thread, Order order, bool sync,
               size_t value_size) {
  const Flags& f = *shared->flags;
  Engine* engine = shared->engine;
  const auto num = static_cast<uint64_t>(f.num);
  const auto batch_size = static_cast<uint64_t>(f.batch_size);
  std::unique_ptr<EngineBatch> batch = batch_size > 1 ? engine->NewBatch() : nullptr;
  uint64_t i = 0;
  while (i < thread->share_count) {
    uint64_t n = std::min(batch_size, thread->share_count - i);
    uint64_t bytes = 0;
    Status s;
    for (uint64_t j = 0; j < n; j++) {
      uint64_t k =
          order == Order::kSequential ? thread->share_begin + i + j : thread->rng.Uniform(num);
      std::string_view key = thread->keys.Format(k);
      std::string_view value = thread->values.Generate(value_size);
      bytes += key.size() + value.size();
      if (batch) {
        batch->Put(key, value);
      } else {
        s = engine->Put(key, value, sync);
      }
    }
    if (batch) {
      s = engine->Write(batch.get(), sync);
      batch->Clear();
    }
    if (!s.ok()) return s;
    thread->FinishedOps(n, bytes);
    i += n;
  }
  return Status::OK();
}

Status FillSeq(SharedState* s, ThreadState* t) {
  return DoWrite(s, t, Order::kSequential, s->flags->sync,
                 static_cast<size_t>(s->flags->value_size));
}
Status FillRandom(SharedState* s, ThreadState* t) {
  return DoWrite(s, t, Order::kRandom, s->flags->sync, static_cast<size_t>(s->flags->value_size));
}
Status FillSync(SharedState* s, ThreadState* t) {
  return DoWrite(s, t, Order::kRandom, true, static_cast<size_t>(s->flags->value_size));
}
Status Fill100K(SharedState* s, ThreadState* t) {
  return DoWrite(s, t, Order::kRandom, s->flags->sync, 100000);
}

// Point reads of key numbers drawn uniformly from [0, range); missing appends '.' to
// every key so that none exists.
Status DoRead(SharedState* shared, ThreadState* thread, uint64_t range, bool missing) {
  std::string value;
  std::string missing_key;
  for (uint64_t i = 0; thread->More(i); i++) {
    std::string_view key = thread->keys.Format(thread->rng.Uniform(range));
    if (missing) {
      missing_key.assign(key);
      missing_key.push_back('.');
      key = missing_key;
    }
    Status s = shared->engine->Get(key, &value);
    uint64_t bytes = 0;
    thread->Lookup(s.ok());
    if (s.ok()) {
      bytes = key.size() + value.size();
    } else if (!s.IsNotFound()) {
      return s;
    }
    thread->FinishedOps(1, bytes);
  }
  return Status::OK();
}

Status ReadRandom(SharedState* s, ThreadState* t) {
  return DoRead(s, t, static_cast<uint64_t>(s->flags->num), false);
}
Status ReadMissing(SharedState* s, ThreadState* t) {
  return DoRead(s, t, static_cast<uint64_t>(s->flags->num), true);
}
// The hottest 1% of the key space.
Status ReadHot(SharedState* s, ThreadState* t) {
  return DoRead(s, t, (static_cast<uint64_t>(s->flags->num) + 99) / 100, false);
}

// Reads up to share_count entries with one iterator, forward or backward from an end.
Status DoScan(SharedState* shared, ThreadState* thread, bool reverse) {
  std::unique_ptr<EngineIterator> it = shared->engine->NewIterator();
  if (reverse) {
    it->SeekToLast();
  } else {
    it->SeekToFirst();
  }
  for (uint64_t i = 0; thread->More(i) && it->Valid(); i++) {
    thread->FinishedOps(1, it->key().size() + it->value().size());
    if (reverse) {
      it->Prev();
    } else {
      it->Next();
    }
  }
  return it->status();
}

Status ReadSeq(SharedState* s, ThreadState* t) { return DoScan(s, t, false); }
Status ReadReverse(SharedState* s, ThreadState* t) { return DoScan(s, t, true); }

// A new iterator per operation seeks to a random key (as LevelDB's db_bench).
Status SeekRandom(SharedState* shared, ThreadState* thread) {
  const auto num = static_cast<uint64_t>(shared->flags->num);
  for (uint64_t i = 0; thread->More(i); i++) {
    std::string_view key = thread->keys.Format(thread->rng.Uniform(num));
    std::unique_ptr<EngineIterator> it = shared->engine->NewIterator();
    it->Seek(key);
    uint64_t bytes = 0;
    thread->Lookup(it->Valid() && it->key() == key);
    if (it->Valid()) {
      bytes = it->key().size() + it->value().size();
    }
    if (!it->status().ok()) return it->status();
    thread->FinishedOps(1, bytes);
  }
  return Status::OK();
}

// Deletes random key numbers from [0, --num), batch_size per engine call.
Status DeleteRandom(SharedState* shared, ThreadState* thread) {
  const Flags& f = *shared->flags;
  Engine* engine = shared->engine;
  const auto num = static_cast<uint64_t>(f.num);
  const auto batch_size = static_cast<uint64_t>(f.batch_size);
  std::unique_ptr<EngineBatch> batch = batch_size > 1 ? engine->NewBatch() : nullptr;
  uint64_t i = 0;
  while (i < thread->share_count) {
    uint64_t n = std::min(batch_size, thread->share_count - i);
    Status s;
    for (uint64_t j = 0; j < n; j++) {
      std::string_view key = thread->keys.Format(thread->rng.Uniform(num));
      if (batch) {
        batch->Delete(key);
      } else {
        s = engine->Delete(key, f.sync);
      }
    }
    if (batch) {
      s = engine->Write(batch.get(), f.sync);
      batch->Clear();
    }
    if (!s.ok()) return s;
    thread->FinishedOps(n, n * KeyBytes(f));
    i += n;
  }
  return Status::OK();
}

// --threads readers do readrandom while one more thread overwrites random keys as fast as
// it can until they finish; only the readers are reported.
Status ReadWhileWriting(SharedState* shared, ThreadState* thread) {
  if (!thread->background_writer) return ReadRandom(shared, thread);
  const Flags& f = *shared->flags;
  const auto num = static_cast<uint64_t>(f.num);
  while (shared->readers_running.load(std::memory_order_relaxed) > 0) {
    std::string_view key = thread->keys.Format(thread->rng.Uniform(num));
    std::string_view value = thread->values.Generate(static_cast<size_t>(f.value_size));
    Status s = shared->engine->Put(key, value, f.sync);
    if (!s.ok()) return s;
    thread->FinishedOps(1, key.size() + value.size());
  }
  return Status::OK();
}

Status Compact(SharedState* shared, ThreadState* thread) {
  Status s = shared->engine->CompactAll();
  if (s.ok()) thread->FinishedOps(1, 0);
  return s;
}

// Waits for the store's background work to catch up, so that the disk bytes of the
// fill before it plus its own give the fill's whole write amplification.
Status WaitForCompaction(SharedState* shared, ThreadState* thread) {
  Status s = shared->engine->WaitForCompaction(/*timeout_seconds=*/3600);
  if (s.ok()) thread->FinishedOps(1, 0);
  return s;
}

}  // namespace

const std::vector<Workload>& AllWorkloads() {
  static const std::vector<Workload> kAll = {
      {"fillseq", "write --num values in key order (fresh database)", FillSeq, OpCount::kNum, true,
       false},
      {"fillrandom", "write --num values in random key order (fresh database)", FillRandom,
       OpCount::kNum, true, false},
      {"overwrite", "overwrite --num random keys of the existing database", FillRandom,
       OpCount::kNum, false, false},
      {"fillsync", "write --num/1000 random values, fsync each (fresh database)", FillSync,
       OpCount::kNumDiv1000, true, false},
      {"fill100K", "write --num/1000 random 100 KB values (fresh database)", Fill100K,
       OpCount::kNumDiv1000, true, false},
      {"readrandom", "--reads point reads of random keys", ReadRandom, OpCount::kReads, false,
       false},
      {"readmissing", "--reads point reads of keys that do not exist", ReadMissing, OpCount::kReads,
       false, false},
      {"readhot", "--reads point reads within the hottest 1% of the keys", ReadHot, OpCount::kReads,
       false, false},
      {"readseq", "read --reads entries in order with an iterator", ReadSeq, OpCount::kReads, false,
       false},
      {"readreverse", "read --reads entries in reverse order with an iterator", ReadReverse,
       OpCount::kReads, false, false},
      {"seekrandom", "--reads seeks of a new iterator to random keys", SeekRandom, OpCount::kReads,
       false, false},
      {"deleterandom", "delete --num random keys", DeleteRandom, OpCount::kNum, false, false},
      {"readwhilewriting", "readrandom while one more thread overwrites", ReadWhileWriting,
       OpCount::kReads, false, true},
      {"compact", "compact the whole key range", Compact, OpCount::kOne, false, false},
      {"waitforcompaction", "wait until background compactions have caught up", WaitForCompaction,
       OpCount::kOne, false, false},
      {"ycsba", "YCSB A: 50% read, 50% update, zipfian", RunYcsbA, OpCount::kReads, false, false},
      {"ycsbb", "YCSB B: 95% read, 5% update, zipfian", RunYcsbB, OpCount::kReads, false, false},
      {"ycsbc", "YCSB C: 100% read, zipfian", RunYcsbC, OpCount::kReads, false, false},
      {"ycsbd", "YCSB D: 95% read, 5% insert, latest", RunYcsbD, OpCount::kReads, false, false},
      {"ycsbe", "YCSB E: 95% scan (1..100 entries), 5% insert, zipfian", RunYcsbE, OpCount::kReads,
       false, false},
      {"ycsbf", "YCSB F: 50% read, 50% read-modify-write, zipfian", RunYcsbF, OpCount::kReads,
       false, false},
  };
  return kAll;
}

const Workload* FindWorkload(std::string_view name) {
  for (const Workload& w : AllWorkloads()) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

}  // namespace lsmdb::bench
