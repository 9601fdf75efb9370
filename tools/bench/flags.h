// Flags of lsmdb_bench: db_bench's names and meanings, parsed from "--name=value".
//
// Thread-safety: a Flags is a plain value, read-only once parsed.
#ifndef LSMDB_TOOLS_BENCH_FLAGS_H_
#define LSMDB_TOOLS_BENCH_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine.h"

namespace lsmdb::bench {

// The benchmarks run when --benchmarks is not given: every workload, ordered so that each
// finds the data it expects (the random-key fills first, then a sequential fill that
// leaves every key 0..num-1 present for the scans and YCSB).
inline constexpr const char* kDefaultBenchmarks =
    "fillsync,fillrandom,overwrite,readrandom,readmissing,readhot,seekrandom,"
    "readwhilewriting,deleterandom,fillseq,readseq,readreverse,"
    "ycsba,ycsbb,ycsbc,ycsbf,ycsbd,ycsbe,fill100K";

struct Flags {
  std::vector<std::string> benchmarks;  // --benchmarks, split at commas
  int64_t num = 1000000;                // --num: keys written by the fills
  int64_t reads = -1;                   // --reads: operations of the reads; < 0 means num
  int duration = 0;  // --duration: seconds each --reads workload runs instead; 0 = off
  int key_size = 16;
  int value_size = 100;
  int threads = 1;
  int batch_size = 1;  // entries per write of the fills; > 1 uses Write(batch)
  EngineOptions engine_options;
  bool sync = false;
  uint64_t seed = 301;
  std::string db = "/tmp/lsmdb_bench";
  bool use_existing_db = false;
  bool histogram = false;
  bool json = false;
  bool stats = true;
  std::string engine = "lsmdb";  // lsmdb, leveldb, rocksdb or all
  // --memory_limit: each engine runs in a memory cgroup of this many bytes; 0 = none.
  uint64_t memory_limit = 0;
  // --drop_caches: drop the page cache before each engine (root only).
  bool drop_caches = false;

  int64_t ReadCount() const { return reads < 0 ? num : reads; }
};

// What main should do after parsing.
enum class FlagsAction { kRun, kHelp, kListEngines, kListBenchmarks, kError };

// Parses argv into *flags; on kError, *error says which argument is bad. Integer values
// take an optional K, M or G suffix (powers of 1024).
FlagsAction ParseFlags(int argc, char** argv, Flags* flags, std::string* error);

// The --help text.
std::string Usage();

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_FLAGS_H_
