// The workloads of lsmdb_bench: db_bench's (workloads.cc) and YCSB's core workloads A-F
// (ycsb.cc), each a function run by every thread on its share of the operations.
#ifndef LSMDB_TOOLS_BENCH_WORKLOADS_H_
#define LSMDB_TOOLS_BENCH_WORKLOADS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "lsmdb/status.h"
#include "runner.h"

namespace lsmdb::bench {

// How many operations a workload performs in total (split among the threads).
enum class OpCount {
  kNum,         // --num
  kNumDiv1000,  // --num / 1000 (at least 1): fillsync, fill100K
  kReads,       // --reads (default --num)
  kOne,         // one operation on one thread: compact
};

struct Workload {
  std::string_view name;
  std::string_view description;
  // Runs thread's share (thread->share_count operations). Returns the first error.
  Status (*run)(SharedState* shared, ThreadState* thread);
  OpCount count;
  bool fresh_db;           // starts from an empty database (skipped with --use_existing_db)
  bool background_writer;  // one more thread writes until the others finish
};

// Every workload, db_bench's first, then YCSB's.
const std::vector<Workload>& AllWorkloads();
// Null if there is no workload of that name.
const Workload* FindWorkload(std::string_view name);

// YCSB core workloads (ycsb.cc).
Status RunYcsbA(SharedState* shared, ThreadState* thread);
Status RunYcsbB(SharedState* shared, ThreadState* thread);
Status RunYcsbC(SharedState* shared, ThreadState* thread);
Status RunYcsbD(SharedState* shared, ThreadState* thread);
Status RunYcsbE(SharedState* shared, ThreadState* thread);
Status RunYcsbF(SharedState* shared, ThreadState* thread);

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_WORKLOADS_H_
