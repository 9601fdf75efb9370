// lsmdb_bench: db_bench's and YCSB's workloads on lsmdb, LevelDB and RocksDB through one
// interface (engine.h), with the same keys, values and options for each. See
// docs/PERFORMANCE.md for the method and --help for the flags.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "engine.h"
#include "flags.h"
#include "generators.h"
#include "memory_limit.h"
#include "report.h"
#include "runner.h"
#include "workloads.h"

namespace lsmdb::bench {
namespace {

// Closes, removes and reopens the engine's database (a fill that starts afresh).
Status Reopen(Engine* engine, const Flags& flags, const std::string& dir, bool destroy) {
  engine->Close();
  if (destroy) {
    Status s = engine->Destroy(dir);
    if (!s.ok()) return s;
  }
  return engine->Open(flags.engine_options, dir);
}

// Drops the page cache and enters a memory cgroup as flags ask, saying so. Returns false
// (after printing why) if the limit was asked for and cannot be had: figures without it
// would be mistaken for figures with it.
bool EnterLimits(const std::string& name, const Flags& flags, MemoryCgroup* cgroup) {
  std::string error;
  if (flags.drop_caches) {
    if (DropPageCache(&error)) {
      std::printf("page cache: dropped\n");
    } else {
      std::printf("page cache: not dropped (%s)\n", error.c_str());
    }
  }
  if (flags.memory_limit == 0) return true;
  const std::string group = "lsmdb_bench_" + std::to_string(::getpid()) + "_" + name;
  if (!cgroup->Enter(group, flags.memory_limit, &error)) {
    std::printf("%s: cannot run under --memory_limit: %s\n", name.c_str(), error.c_str());
    return false;
  }
  std::printf("memory cgroup: %s limit %.1f MiB\n", cgroup->v2() ? "v2" : "v1",
              static_cast<double>(flags.memory_limit) / 1048576.0);
  return true;
}

// Runs every benchmark of flags on the engine called name, printing as it goes and
// appending the results. Returns false if anything failed.
bool RunEngine(const std::string& name, const Flags& flags, const ValueSource& values,
               std::vector<BenchResult>* results) {
  std::unique_ptr<Engine> engine = NewEngine(name);
  std::printf("------------------------------------------------\n");
  std::printf("engine: %s\n", name.c_str());
  std::printf("build: %s\n", engine->Build().c_str());
  std::string notes = engine->Notes();
  if (!notes.empty()) std::printf("%s\n", notes.c_str());
  // The limit and the cold cache come before Open, so that the store's start-up reads
  // and memory are under them too.
  MemoryCgroup cgroup;
  if (!EnterLimits(name, flags, &cgroup)) return false;
  std::fflush(stdout);

  const std::string dir = (std::filesystem::path(flags.db) / name).string();
  std::error_code ec;
  std::filesystem::create_directories(flags.db, ec);
  Status s = Reopen(engine.get(), flags, dir, !flags.use_existing_db);
  if (!s.ok()) {
    std::printf("%s: cannot open %s: %s\n", name.c_str(), dir.c_str(), s.ToString().c_str());
    return false;
  }

  SharedState shared;
  shared.engine = engine.get();
  shared.flags = &flags;
  shared.values = &values;
  shared.key_count = static_cast<uint64_t>(flags.num);
  shared.next_insert = static_cast<uint64_t>(flags.num);

  bool ok = true;
  for (size_t i = 0; i < flags.benchmarks.size(); i++) {
    const Workload& w = *FindWorkload(flags.benchmarks[i]);
    BenchResult r;
    if (w.fresh_db && flags.use_existing_db) {
      r.engine = name;
      r.name = std::string(w.name);
      r.skipped = "--use_existing_db";
    } else {
      if (w.fresh_db) {
        s = Reopen(engine.get(), flags, dir, true);
        shared.key_count = static_cast<uint64_t>(flags.num);
        shared.next_insert = static_cast<uint64_t>(flags.num);
      }
      if (s.ok()) {
        r = RunBenchmark(&shared, w, i);
      } else {
        r.engine = name;
        r.name = std::string(w.name);
        r.status = s;
      }
    }
    r.position = i;
    std::printf("%s\n", FormatLine(r).c_str());
    if (flags.histogram && r.skipped.empty() && r.status.ok()) {
      std::printf("%s\n", r.histogram.Summary().c_str());
    }
    if (flags.json) std::printf("%s\n", FormatJson(r).c_str());
    std::fflush(stdout);
    results->push_back(std::move(r));
    if (!results->back().status.ok()) {
      ok = false;
      break;  // the database may be in any state: stop this engine
    }
  }
  if (flags.stats) {
    std::printf("--- %s statistics ---\n%s\n", name.c_str(), engine->Stats().c_str());
  }
  engine->Close();
  if (flags.memory_limit > 0) {
    std::printf("memory cgroup: peak %.1f MiB of the %.1f MiB limit\n",
                static_cast<double>(cgroup.PeakBytes()) / 1048576.0,
                static_cast<double>(flags.memory_limit) / 1048576.0);
  }
  return ok;
}

int Main(int argc, char** argv) {
  Flags flags;
  std::string error;
  switch (ParseFlags(argc, argv, &flags, &error)) {
    case FlagsAction::kHelp:
      std::printf("%s", Usage().c_str());
      return 0;
    case FlagsAction::kListEngines:
      for (const std::string& e : BuiltEngines()) std::printf("%s\n", e.c_str());
      return 0;
    case FlagsAction::kListBenchmarks:
      for (const Workload& w : AllWorkloads()) {
        std::printf("%-16s %s\n", std::string(w.name).c_str(), std::string(w.description).c_str());
      }
      return 0;
    case FlagsAction::kError:
      std::fprintf(stderr, "lsmdb_bench: %s\n", error.c_str());
      return 2;
    case FlagsAction::kRun:
      break;
  }
  for (const std::string& b : flags.benchmarks) {
    if (FindWorkload(b) == nullptr) {
      std::fprintf(stderr, "lsmdb_bench: unknown benchmark '%s' (see --list_benchmarks)\n",
                   b.c_str());
      return 2;
    }
  }
  std::vector<std::string> engines;
  if (flags.engine == "all") {
    engines = BuiltEngines();
  } else if (NewEngine(flags.engine) != nullptr) {
    engines.push_back(flags.engine);
  } else {
    std::fprintf(stderr, "lsmdb_bench: engine '%s' is not built into this binary\n",
                 flags.engine.c_str());
    return 2;
  }

  std::printf("%s", FormatHeader(flags, engines).c_str());
  const ValueSource values(flags.seed, std::max<size_t>(100000, flags.value_size));
  std::vector<BenchResult> results;
  bool ok = true;
  for (const std::string& e : engines) ok = RunEngine(e, flags, values, &results) && ok;
  if (engines.size() > 1) {
    std::printf("------------------------------------------------\n");
    std::printf("%s", FormatTable(engines, results).c_str());
    std::printf("\nbuilds:\n");
    for (const std::string& e : engines) {
      std::printf("- %s\n", NewEngine(e)->Build().c_str());
    }
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace lsmdb::bench

int main(int argc, char** argv) { return lsmdb::bench::Main(argc, argv); }
