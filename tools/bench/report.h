// Printing results: db_bench's line per benchmark, the --histogram percentiles, the --json
// record, and the side-by-side table of --engine=all.
//
// Thread-safety: called from the main thread only.
#ifndef LSMDB_TOOLS_BENCH_REPORT_H_
#define LSMDB_TOOLS_BENCH_REPORT_H_

#include <string>
#include <vector>

#include "runner.h"

namespace lsmdb::bench {

// "fillseq      :       1.234 micros/op 810372 ops/sec;   89.6 MB/s (...)", or the error
// or the reason it was skipped. No newline.
std::string FormatLine(const BenchResult& r);
// One JSON object on one line (no newline): engine, benchmark, ops, micros_per_op,
// ops_per_sec, mb_per_sec, found/lookups, percentiles (micros; null without --histogram),
// and "error" or "skipped" when set.
std::string FormatJson(const BenchResult& r);

// The table of ops/sec per workload and engine, with lsmdb's ratio to the best other
// engine; results are grouped by engine name, engines in the order given.
std::string FormatTable(const std::vector<std::string>& engines,
                        const std::vector<BenchResult>& results);

// "Date: ...", "CPU: ...", the run's key, value and option settings.
std::string FormatHeader(const Flags& flags, const std::vector<std::string>& engines);

}  // namespace lsmdb::bench

#endif  // LSMDB_TOOLS_BENCH_REPORT_H_
