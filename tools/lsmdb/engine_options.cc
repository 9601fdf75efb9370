#include "engine_options.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace lsmdb::cli {

namespace {

enum class Kind { kFlag, kSize, kInt, kCompression };

struct EngineOption {
  const char* name;
  Kind kind;
  const char* help;
};

const std::vector<EngineOption>& Table() {
  static const std::vector<EngineOption> table = {
      {"create_if_missing", Kind::kFlag, "create the database if it is missing"},
      {"paranoid_checks", Kind::kFlag, "check more; fail rather than skip damage"},
      {"compression", Kind::kCompression, "none, snappy, lz4 or zstd (new tables)"},
      {"zstd_level", Kind::kInt, "zstd level, 1..19"},
      {"write_buffer_size", Kind::kSize, "memtable size, e.g. 8M"},
      {"block_size", Kind::kSize, "table block size, e.g. 16K"},
      {"block_cache_capacity", Kind::kSize, "block cache size, e.g. 256M"},
      {"bloom_bits_per_key", Kind::kInt, "bloom filter bits per key (0: none)"},
      {"max_open_files", Kind::kInt, "tables kept open"},
      {"max_background_jobs", Kind::kInt, "background flushes and compactions"},
  };
  return table;
}

std::string Normalized(std::string_view name) {
  std::string s(name);
  for (char& c : s) {
    if (c == '-') c = '_';
  }
  return s;
}

const EngineOption* Find(std::string_view name) {
  const std::string n = Normalized(name);
  for (const EngineOption& o : Table()) {
    if (n == o.name) return &o;
  }
  return nullptr;
}

// A number with an optional K/M/G suffix (sizes only).
bool ParseNumber(std::string_view text, bool size_suffix, uint64_t* n) {
  uint64_t scale = 1;
  if (size_suffix && !text.empty()) {
    const char last = text.back();
    if (last == 'K' || last == 'k') scale = uint64_t{1} << 10;
    if (last == 'M' || last == 'm') scale = uint64_t{1} << 20;
    if (last == 'G' || last == 'g') scale = uint64_t{1} << 30;
    if (scale != 1) text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 12) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *n = v * scale;
  return true;
}

}  // namespace

bool IsEngineOption(std::string_view name) { return Find(name) != nullptr; }

bool EngineOptionTakesValue(std::string_view name) {
  const EngineOption* o = Find(name);
  return o != nullptr && o->kind != Kind::kFlag;
}

bool SetEngineOption(std::string_view name, const std::string* value, Options* options,
                     std::string* error) {
  const EngineOption& o = *Find(name);
  const std::string n = o.name;
  const std::string bad = "--" + n + ": ";
  if (o.kind == Kind::kFlag) {
    bool on = true;
    if (value != nullptr && *value != "true" && *value != "false") {
      *error = bad + "give no value, =true or =false, not '" + *value + "'";
      return false;
    }
    if (value != nullptr) on = *value == "true";
    (n == "create_if_missing" ? options->create_if_missing : options->paranoid_checks) = on;
    return true;
  }
  if (value == nullptr) {
    *error = bad + "needs a value";
    return false;
  }
  if (o.kind == Kind::kCompression) {
    const std::string& v = *value;
    if (v == "none") {
      options->compression = CompressionType::kNone;
    } else if (v == "snappy") {
      options->compression = CompressionType::kSnappy;
    } else if (v == "lz4") {
      options->compression = CompressionType::kLz4;
    } else if (v == "zstd") {
      options->compression = CompressionType::kZstd;
    } else {
      *error = bad + "must be none, snappy, lz4 or zstd, not '" + v + "'";
      return false;
    }
    return true;
  }
  uint64_t v = 0;
  if (!ParseNumber(*value, o.kind == Kind::kSize, &v) ||
      (o.kind == Kind::kInt && v > static_cast<uint64_t>(std::numeric_limits<int>::max()))) {
    *error = bad + "must be a non-negative number" +
             (o.kind == Kind::kSize ? " (K, M or G suffix allowed)" : "") + ", not '" + *value +
             "'";
    return false;
  }
  if (n == "write_buffer_size") options->write_buffer_size = v;
  if (n == "block_size") options->block_size = v;
  if (n == "block_cache_capacity") options->block_cache_capacity = v;
  if (n == "zstd_level") options->zstd_level = static_cast<int>(v);
  if (n == "bloom_bits_per_key") options->bloom_bits_per_key = static_cast<int>(v);
  if (n == "max_open_files") options->max_open_files = static_cast<int>(v);
  if (n == "max_background_jobs") options->max_background_jobs = static_cast<int>(v);
  return true;
}

std::vector<std::string_view> EngineOptionNames() {
  std::vector<std::string_view> names;
  for (const EngineOption& o : Table()) names.push_back(o.name);
  return names;
}

std::string EngineOptionHelp() {
  std::string s = "engine options (before or after the command; include/lsmdb/options.h):\n";
  for (const EngineOption& o : Table()) {
    std::string left = std::string("  --") + o.name;
    if (o.kind != Kind::kFlag) left += o.kind == Kind::kCompression ? " NAME" : " N";
    left.resize(std::max<size_t>(left.size() + 2, 32), ' ');
    s += left + o.help + "\n";
  }
  return s;
}

}  // namespace lsmdb::cli
