#include "runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "memory_limit.h"
#include "workloads.h"

namespace lsmdb::bench {

uint64_t NowNanos() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

void SharedState::AckInsert(uint64_t k) {
  uint64_t count = key_count.load(std::memory_order_relaxed);
  while (count < k + 1 &&
         !key_count.compare_exchange_weak(count, k + 1, std::memory_order_relaxed)) {
  }
}

ThreadState::ThreadState(int thread_index, uint64_t seed, const SharedState& shared,
                         bool measure_latency, bool show_progress, std::string_view benchmark,
                         uint64_t duration_nanos)
    : index(thread_index),
      rng(seed),
      keys(shared.flags->key_size),
      values(shared.values, Rng(seed ^ 0x5bd1e995).Next64()),
      measure_latency_(measure_latency),
      show_progress_(show_progress),
      duration_nanos_(duration_nanos),
      benchmark_(benchmark) {
  ResetTimer();
}

void ThreadState::ResetTimer() {
  start_ = last_ = NowNanos();
  deadline_ = duration_nanos_ == 0 ? 0 : start_ + duration_nanos_;
  ops_ = bytes_ = lookups_ = found_ = 0;
  hist_ = Histogram();
}

void ThreadState::FinishedOps(uint64_t ops, uint64_t bytes) {
  ops_ += ops;
  bytes_ += bytes;
  if (measure_latency_) {
    uint64_t now = NowNanos();
    hist_.Add(now - last_);
    last_ = now;
  }
  if (show_progress_ && ops_ >= next_report_) {
    std::fprintf(stderr, "... %.*s: %llu ops\r", static_cast<int>(benchmark_.size()),
                 benchmark_.data(), static_cast<unsigned long long>(ops_));
    std::fflush(stderr);
    next_report_ += std::max<uint64_t>(1000, next_report_ / 5);
  }
}

void ThreadState::Finish() {
  finish_ = NowNanos();
  if (show_progress_) std::fprintf(stderr, "%60s\r", "");
}

double BenchResult::MicrosPerOp() const {
  return ops == 0 ? 0 : thread_seconds * 1e6 / static_cast<double>(ops);
}
double BenchResult::OpsPerSec() const {
  return wall_seconds <= 0 ? 0 : static_cast<double>(ops) / wall_seconds;
}
double BenchResult::MBPerSec() const {
  return wall_seconds <= 0 ? 0 : static_cast<double>(bytes) / 1048576.0 / wall_seconds;
}

namespace {

uint64_t TotalOps(const Flags& flags, OpCount count) {
  switch (count) {
    case OpCount::kNum:
      return static_cast<uint64_t>(flags.num);
    case OpCount::kNumDiv1000:
      return std::max<uint64_t>(1, static_cast<uint64_t>(flags.num) / 1000);
    case OpCount::kReads:
      return static_cast<uint64_t>(flags.ReadCount());
    case OpCount::kOne:
      return 1;
  }
  return 0;
}

}  // namespace

BenchResult RunBenchmark(SharedState* shared, const Workload& workload, uint64_t benchmark_index) {
  const Flags& flags = *shared->flags;
  const int readers = workload.count == OpCount::kOne ? 1 : flags.threads;
  const int total_threads = readers + (workload.background_writer ? 1 : 0);
  // --duration replaces the op count of the --reads workloads: each thread runs until
  // its deadline, so a thread on a slower core does fewer operations instead of leaving
  // the other to wait for it.
  const bool timed = flags.duration > 0 && workload.count == OpCount::kReads;
  const uint64_t total = timed ? UINT64_MAX : TotalOps(flags, workload.count);
  const uint64_t duration_nanos = timed ? static_cast<uint64_t>(flags.duration) * 1000000000 : 0;
  const bool progress = isatty(2) != 0;

  std::vector<std::unique_ptr<ThreadState>> states;
  uint64_t begin = 0;
  for (int t = 0; t < total_threads; t++) {
    auto state = std::make_unique<ThreadState>(
        t, MixSeed(flags.seed, benchmark_index, static_cast<uint64_t>(t)), *shared, flags.histogram,
        progress && t == 0, workload.name, duration_nanos);
    if (t < readers) {
      if (timed) {
        state->share_count = UINT64_MAX;  // until the deadline; no key range of its own
      } else {
        const auto r = static_cast<uint64_t>(readers);
        const uint64_t n = total / r + (static_cast<uint64_t>(t) < total % r ? 1 : 0);
        state->share_begin = begin;
        state->share_count = n;
        begin += n;
      }
    } else {
      state->background_writer = true;
    }
    states.push_back(std::move(state));
  }

  shared->readers_running.store(readers);
  std::vector<Status> statuses(static_cast<size_t>(total_threads));
  std::latch start_line(1);  // holds the threads until all exist
  std::vector<std::thread> threads;
  for (int t = 0; t < total_threads; t++) {
    threads.emplace_back([&, t] {
      ThreadState* state = states[static_cast<size_t>(t)].get();
      start_line.wait();
      state->ResetTimer();
      statuses[static_cast<size_t>(t)] = workload.run(shared, state);
      state->Finish();
      if (!state->background_writer) shared->readers_running.fetch_sub(1);
    });
  }
  const uint64_t disk_before = ProcessIoBytes("write_bytes");
  const uint64_t read_before = ProcessIoBytes("read_bytes");
  start_line.count_down();
  for (std::thread& t : threads) t.join();
  const uint64_t disk_after = ProcessIoBytes("write_bytes");
  const uint64_t read_after = ProcessIoBytes("read_bytes");

  BenchResult r;
  r.engine = std::string(shared->engine->name());
  r.name = std::string(workload.name);
  r.has_histogram = flags.histogram;
  r.disk_write_bytes = disk_after > disk_before ? disk_after - disk_before : 0;
  r.disk_read_bytes = read_after > read_before ? read_after - read_before : 0;
  uint64_t start = UINT64_MAX;
  uint64_t finish = 0;
  for (int t = 0; t < total_threads; t++) {
    const Status& s = statuses[static_cast<size_t>(t)];
    if (!s.ok() && r.status.ok()) r.status = s;
    const ThreadState& st = *states[static_cast<size_t>(t)];
    if (st.background_writer) continue;
    r.ops += st.ops();
    r.bytes += st.bytes();
    r.lookups += st.lookups();
    r.found += st.found();
    r.thread_seconds += static_cast<double>(st.finish_nanos() - st.start_nanos()) * 1e-9;
    r.histogram.Merge(st.histogram());
    start = std::min(start, st.start_nanos());
    finish = std::max(finish, st.finish_nanos());
  }
  r.wall_seconds = finish > start ? static_cast<double>(finish - start) * 1e-9 : 0;
  return r;
}

}  // namespace lsmdb::bench
