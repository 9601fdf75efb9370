#include "flags.h"

#include <charconv>
#include <string_view>

namespace lsmdb::bench {
namespace {

std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view part = s.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

bool ParseInt(std::string_view s, int64_t* out) {
  int64_t multiplier = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K':
      case 'k':
        multiplier = int64_t{1} << 10;
        break;
      case 'M':
      case 'm':
        multiplier = int64_t{1} << 20;
        break;
      case 'G':
      case 'g':
        multiplier = int64_t{1} << 30;
        break;
      default:
        break;
    }
    if (multiplier != 1) s.remove_suffix(1);
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return false;
  if (v > INT64_MAX / multiplier || v < INT64_MIN / multiplier) return false;
  *out = v * multiplier;
  return true;
}

bool ParseBool(std::string_view s, bool* out) {
  if (s == "1" || s == "true" || s == "yes") {
    *out = true;
  } else if (s == "0" || s == "false" || s == "no") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

bool ParseCompression(std::string_view s, Compression* out) {
  if (s == "none")
    *out = Compression::kNone;
  else if (s == "snappy")
    *out = Compression::kSnappy;
  else if (s == "lz4")
    *out = Compression::kLz4;
  else if (s == "zstd")
    *out = Compression::kZstd;
  else
    return false;
  return true;
}

// Parses an integer flag into *out, checking [lo, hi].
template <typename T>
bool IntFlag(std::string_view value, int64_t lo, int64_t hi, T* out) {
  int64_t v = 0;
  if (!ParseInt(value, &v) || v < lo || v > hi) return false;
  *out = static_cast<T>(v);
  return true;
}

bool SetFlag(std::string_view name, std::string_view value, bool has_value, Flags* f) {
  constexpr int64_t kMax = INT64_MAX;
  EngineOptions& e = f->engine_options;
  // A bare "--flag" sets a boolean.
  if (!has_value) value = "true";
  if (name == "benchmarks") {
    f->benchmarks = SplitCommas(value);
    return true;
  }
  if (name == "num") return IntFlag(value, 1, kMax / 4, &f->num);
  if (name == "reads") return IntFlag(value, -1, kMax / 4, &f->reads);
  if (name == "duration") return IntFlag(value, 0, 86400, &f->duration);
  if (name == "key_size") return IntFlag(value, 8, 1024, &f->key_size);
  if (name == "value_size") return IntFlag(value, 0, 64 << 20, &f->value_size);
  if (name == "threads") return IntFlag(value, 1, 1024, &f->threads);
  if (name == "batch_size") return IntFlag(value, 1, 1 << 20, &f->batch_size);
  if (name == "compression") return ParseCompression(value, &e.compression);
  if (name == "bloom_bits") return IntFlag(value, 0, 64, &e.bloom_bits);
  if (name == "write_buffer_size") return IntFlag(value, 64 << 10, kMax, &e.write_buffer_size);
  if (name == "block_size") return IntFlag(value, 256, 64 << 20, &e.block_size);
  if (name == "block_restart_interval") {
    return IntFlag(value, 0, 1 << 16, &e.block_restart_interval);
  }
  if (name == "cache_size") return IntFlag(value, 0, kMax, &e.cache_size);
  if (name == "disable_wal") return ParseBool(value, &e.disable_wal);
  if (name == "target_file_size") return IntFlag(value, 0, kMax, &e.target_file_size);
  if (name == "max_bytes_for_level_base") {
    return IntFlag(value, 0, kMax, &e.max_bytes_for_level_base);
  }
  if (name == "dynamic_level_bytes") return ParseBool(value, &e.dynamic_level_bytes);
  if (name == "sync") return ParseBool(value, &f->sync);
  if (name == "seed") return IntFlag(value, 0, kMax, &f->seed);
  if (name == "db") {
    f->db = std::string(value);
    return !f->db.empty();
  }
  if (name == "use_existing_db") return ParseBool(value, &f->use_existing_db);
  if (name == "histogram") return ParseBool(value, &f->histogram);
  if (name == "json") return ParseBool(value, &f->json);
  if (name == "stats") return ParseBool(value, &f->stats);
  if (name == "memory_limit") {
    // Below 16 MiB not even the stores' own buffers fit.
    if (!IntFlag(value, 0, kMax, &f->memory_limit)) return false;
    return f->memory_limit == 0 || f->memory_limit >= (uint64_t{16} << 20);
  }
  if (name == "drop_caches") return ParseBool(value, &f->drop_caches);
  if (name == "engine") {
    f->engine = std::string(value);
    return f->engine == "lsmdb" || f->engine == "leveldb" || f->engine == "rocksdb" ||
           f->engine == "all";
  }
  return false;
}

}  // namespace

FlagsAction ParseFlags(int argc, char** argv, Flags* flags, std::string* error) {
  flags->benchmarks = SplitCommas(kDefaultBenchmarks);
  for (int i = 1; i < argc; i++) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return FlagsAction::kHelp;
    if (arg == "--list_engines") return FlagsAction::kListEngines;
    if (arg == "--list_benchmarks") return FlagsAction::kListBenchmarks;
    if (arg.substr(0, 2) != "--") {
      *error = "unexpected argument '" + std::string(arg) + "'";
      return FlagsAction::kError;
    }
    arg.remove_prefix(2);
    size_t eq = arg.find('=');
    std::string_view name = arg.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : arg.substr(eq + 1);
    if (!SetFlag(name, value, eq != std::string_view::npos, flags)) {
      *error = "bad flag or value '" + std::string(argv[i]) + "' (see --help)";
      return FlagsAction::kError;
    }
  }
  // Every key number the run can produce (fills, YCSB inserts) must fit the key width,
  // or the zero-padded keys would stop sorting in numeric order.
  double limit = 1;
  for (int i = 0; i < flags->key_size && limit < 1e30; i++) limit *= 10;
  if (static_cast<double>(flags->num) * 2 + static_cast<double>(flags->ReadCount()) * 2 >= limit) {
    *error = "--key_size is too small for --num and --reads";
    return FlagsAction::kError;
  }
  return FlagsAction::kRun;
}

std::string Usage() {
  return std::string(
             "usage: lsmdb_bench [--flag=value ...]\n"
             "  --benchmarks=a,b,...     workloads to run in order (default: every one:\n"
             "                           ") +
         kDefaultBenchmarks +
         ")\n"
         "  --engine=NAME            lsmdb | leveldb | rocksdb | all (default lsmdb)\n"
         "  --num=N                  keys written by the fills (default 1000000)\n"
         "  --reads=N                operations of reads, scans and YCSB (default: num)\n"
         "  --duration=S             run reads, scans and YCSB for S seconds per thread\n"
         "                           instead of --reads operations (default 0: off)\n"
         "  --key_size=N             bytes per key, zero-padded decimal (default 16)\n"
         "  --value_size=N           bytes per value (default 100)\n"
         "  --threads=N              client threads; the op count is split among them (1)\n"
         "  --batch_size=N           entries per write batch in the fills (default 1)\n"
         "  --compression=C          none | snappy | lz4 | zstd (default none)\n"
         "  --bloom_bits=N           bloom filter bits per key, 0 = none (default 10)\n"
         "  --write_buffer_size=N    memtable bytes (default 4M)\n"
         "  --block_size=N           table block bytes (default 4K)\n"
         "  --block_restart_interval=N  keys per prefix-compression run (default: each\n"
         "                           store's own, 16 in all three)\n"
         "  --cache_size=N           block cache bytes, 0 = none (default 8M)\n"
         "  --target_file_size=N     table file bytes (default: each store's own)\n"
         "  --max_bytes_for_level_base=N  L1 byte target (default: each store's own;\n"
         "                           not supported by leveldb)\n"
         "  --dynamic_level_bytes    level targets derived from the last level\n"
         "                           (lsmdb, rocksdb)\n"
         "  --sync                   fsync every write\n"
         "  --disable_wal            skip the write-ahead log\n"
         "  --seed=N                 seed of keys and values (default 301)\n"
         "  --db=DIR                 parent directory; each engine uses DIR/<engine>\n"
         "                           (default /tmp/lsmdb_bench)\n"
         "  --use_existing_db        keep the database; skip the fills that start afresh\n"
         "  --histogram              latency percentiles per benchmark\n"
         "  --json                   a JSON line per benchmark (lines starting with '{')\n"
         "  --stats=0                do not print the engine's statistics at the end\n"
         "  --memory_limit=N         run each engine in a memory cgroup of N bytes (page\n"
         "                           cache included; cgroup v1 or v2; needs root). 0 = off\n"
         "  --drop_caches            drop the page cache before each engine (root)\n"
         "  --list_engines           print the engines built into this binary\n"
         "  --list_benchmarks        print every workload name\n";
}

}  // namespace lsmdb::bench
