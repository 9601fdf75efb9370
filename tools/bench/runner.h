// The machinery every workload runs in: per-thread state (random source, keys, values,
// counters, latency histogram), the state shared by the threads of one engine, and
// RunBenchmark, which starts the threads, waits for them and merges what they measured.
//
// Thread-safety: a ThreadState belongs to its thread; SharedState's atomics are shared,
// everything else in it is read-only while a benchmark runs.
#ifndef LSMDB_TOOLS_BENCH_RUNNER_H_
#define LSMDB_TOOLS_BENCH_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "engine.h"
#include "flags.h"
#include "generators.h"
#include "histogram.h"
#include "lsmdb/status.h"

namespace lsmdb::bench {

// Shared by the threads of every benchmark of one engine.
struct SharedState {
  Engine* engine = nullptr;
  const Flags* flags = nullptr;
  const ValueSource* values = nullptr;
  // YCSB: keys 0..key_count-1 have been inserted (loaded or acknowledged inserts), and
  // the next insert takes key number next_insert. Both start at --num.
  std::atomic<uint64_t> key_count{0};
  std::atomic<uint64_t> next_insert{0};
  // readwhilewriting: readers still running; the writer stops when it reaches 0.
  std::atomic<int> readers_running{0};

  // Records that key number k has been inserted.
  void AckInsert(uint64_t k);
};

// Nanoseconds of a monotonic clock.
uint64_t NowNanos();

class ThreadState {
 public:
  // duration_nanos > 0: the thread's share ends that long after the timer (re)starts,
  // or at share_count operations, whichever comes first.
  ThreadState(int index, uint64_t seed, const SharedState& shared, bool measure_latency,
              bool show_progress, std::string_view benchmark, uint64_t duration_nanos = 0);

  const int index;
  Rng rng;
  KeyFormatter keys;
  ValueGenerator values;
  // This thread's part of the benchmark's total: operations [share_begin, share_begin +
  // share_count) (fillseq writes exactly those key numbers).
  uint64_t share_begin = 0;
  uint64_t share_count = 0;
  // The background writer of readwhilewriting: its operations are not reported.
  bool background_writer = false;

  // Restarts the clock (after setup that should not be measured), and the duration.
  void ResetTimer();
  // Whether to run another operation of the share after done of them: done <
  // share_count and, with a duration, the deadline not passed (the clock is read every
  // 64 operations).
  bool More(uint64_t done) const {
    if (done >= share_count) return false;
    return deadline_ == 0 || (done & 63) != 0 || NowNanos() < deadline_;
  }
  // Counts ops operations that moved bytes of keys and values, ended by one engine call
  // whose latency (since the previous call, or the timer start) goes to the histogram.
  void FinishedOps(uint64_t ops, uint64_t bytes);
  // Counts a point lookup (a read, or a seek aimed at a key) and whether it found its key.
  void Lookup(bool found) {
    lookups_++;
    found_ += found ? 1 : 0;
  }
  void Finish();

  uint64_t ops() const { return ops_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t lookups() const { return lookups_; }
  uint64_t found() const { return found_; }
  uint64_t start_nanos() const { return start_; }
  uint64_t finish_nanos() const { return finish_; }
  const Histogram& histogram() const { return hist_; }

 private:
  bool measure_latency_;
  bool show_progress_;
  uint64_t duration_nanos_;
  uint64_t deadline_ = 0;
  std::string_view benchmark_;
  uint64_t ops_ = 0;
  uint64_t bytes_ = 0;
  uint64_t lookups_ = 0;
  uint64_t found_ = 0;
  uint64_t start_ = 0;
  uint64_t last_ = 0;
  uint64_t finish_ = 0;
  uint64_t next_report_ = 1000;
  Histogram hist_;
};

struct Workload;

// What one benchmark measured, merged over its threads.
struct BenchResult {
  std::string engine;
  std::string name;
  size_t position = 0;  // index in --benchmarks
  Status status;        // the first error, if any
  std::string skipped;  // non-empty: why the benchmark did not run
  uint64_t ops = 0;
  uint64_t bytes = 0;
  uint64_t lookups = 0;  // point lookups, of which found found their key
  uint64_t found = 0;
  double thread_seconds = 0;  // summed over threads
  double wall_seconds = 0;
  // Bytes the whole process (client and the store's background threads) sent towards
  // the disk during the benchmark: /proc/self/io write_bytes, 0 where unavailable.
  uint64_t disk_write_bytes = 0;
  // Bytes the process caused to be read from storage (/proc/self/io read_bytes: page
  // faults and read-ahead included, page cache hits not), 0 where unavailable.
  uint64_t disk_read_bytes = 0;
  bool has_histogram = false;
  Histogram histogram;

  double MicrosPerOp() const;
  double OpsPerSec() const;
  double MBPerSec() const;
};

// Runs workload on shared.engine with --threads threads (plus the background writer if
// the workload has one). benchmark_index feeds the seeds.
BenchResult RunBenchmark(SharedState* shared, const Workload& workload, uint64_t benchmark_index);

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_RUNNER_H_
