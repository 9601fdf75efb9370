#include "report.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <thread>

namespace lsmdb::bench {
namespace {

std::string Printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Printf(const char* format, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, format);
  std::vsnprintf(buf, sizeof(buf), format, ap);
  va_end(ap);
  return buf;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += Printf("\\u%04x", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Fixed-point with the given decimals: no exponent, so any JSON reader takes it.
std::string JsonNumber(double v, int decimals = 3) { return Printf("%.*f", decimals, v); }

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "?";
}

// Workloads whose bytes are all written values: their disk bytes over those bytes is
// the write amplification of the benchmark's window.
bool WritesOnly(std::string_view name) {
  return name == "fillseq" || name == "fillrandom" || name == "overwrite" || name == "fillsync" ||
         name == "fill100K";
}

}  // namespace

std::string FormatLine(const BenchResult& r) {
  std::string line = Printf("%-12s : ", r.name.c_str());
  if (!r.skipped.empty()) return line + "skipped (" + r.skipped + ")";
  if (!r.status.ok()) return line + "error: " + r.status.ToString();
  line += Printf("%11.3f micros/op %.0f ops/sec;", r.MicrosPerOp(), r.OpsPerSec());
  if (r.bytes > 0) line += Printf(" %6.1f MB/s", r.MBPerSec());
  if (r.lookups > 0) {
    line += Printf(" (%llu of %llu found)", static_cast<unsigned long long>(r.found),
                   static_cast<unsigned long long>(r.lookups));
  }
  if (r.disk_write_bytes > 0) {
    line += line.back() == ';' ? " " : "; ";
    line += Printf("disk writes %.1f MB", static_cast<double>(r.disk_write_bytes) / 1048576.0);
    if (WritesOnly(r.name) && r.bytes > 0) {
      line += Printf(" (%.2fx the bytes written)",
                     static_cast<double>(r.disk_write_bytes) / static_cast<double>(r.bytes));
    }
  }
  if (r.disk_read_bytes > 0) {
    line += line.back() == ';' ? " " : "; ";
    line += Printf("disk reads %.1f MB", static_cast<double>(r.disk_read_bytes) / 1048576.0);
    if (r.ops > 1) {
      line += Printf(" (%.1f KB/op)",
                     static_cast<double>(r.disk_read_bytes) / 1024.0 / static_cast<double>(r.ops));
    }
  }
  return line;
}

std::string FormatJson(const BenchResult& r) {
  std::string j = "{\"engine\":" + JsonString(r.engine) + ",\"benchmark\":" + JsonString(r.name);
  if (!r.skipped.empty()) return j + ",\"skipped\":" + JsonString(r.skipped) + "}";
  if (!r.status.ok()) return j + ",\"error\":" + JsonString(r.status.ToString()) + "}";
  j += ",\"ops\":" + std::to_string(r.ops);
  j += ",\"micros_per_op\":" + JsonNumber(r.MicrosPerOp());
  j += ",\"ops_per_sec\":" + JsonNumber(r.OpsPerSec(), 1);
  j += ",\"mb_per_sec\":" + JsonNumber(r.MBPerSec());
  j += ",\"lookups\":" + std::to_string(r.lookups) + ",\"found\":" + std::to_string(r.found);
  j += ",\"disk_write_bytes\":" + std::to_string(r.disk_write_bytes);
  j += ",\"disk_read_bytes\":" + std::to_string(r.disk_read_bytes);
  if (r.has_histogram) {
    const Histogram& h = r.histogram;
    j += ",\"percentiles\":{\"p50\":" + JsonNumber(h.PercentileNanos(0.5) / 1e3) +
         ",\"p99\":" + JsonNumber(h.PercentileNanos(0.99) / 1e3) +
         ",\"p99.9\":" + JsonNumber(h.PercentileNanos(0.999) / 1e3) +
         ",\"max\":" + JsonNumber(static_cast<double>(h.max_nanos()) / 1e3) + "}";
  } else {
    j += ",\"percentiles\":null";
  }
  return j + "}";
}

std::string FormatTable(const std::vector<std::string>& engines,
                        const std::vector<BenchResult>& results) {
  // position -> engine -> result
  std::map<size_t, std::map<std::string, const BenchResult*>> rows;
  for (const BenchResult& r : results) rows[r.position][r.engine] = &r;
  bool ratio =
      engines.size() > 1 && std::find(engines.begin(), engines.end(), "lsmdb") != engines.end();

  std::string out = Printf("| %-16s |", "workload");
  std::string rule = "|------------------|";
  for (const std::string& e : engines) {
    std::string title = e + " ops/s";
    out += Printf(" %13s |", title.c_str());
    rule += "--------------:|";
  }
  if (ratio) {
    out += " lsmdb/best-other |";
    rule += "-----------------:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& [position, by_engine] : rows) {
    out += Printf("| %-16s |", by_engine.begin()->second->name.c_str());
    double lsmdb = -1;
    double best_other = -1;
    for (const std::string& e : engines) {
      auto it = by_engine.find(e);
      const BenchResult* r = it == by_engine.end() ? nullptr : it->second;
      if (r == nullptr || !r->skipped.empty()) {
        out += Printf(" %13s |", "-");
      } else if (!r->status.ok()) {
        out += Printf(" %13s |", "error");
      } else {
        out += Printf(" %13.0f |", r->OpsPerSec());
        if (e == "lsmdb") {
          lsmdb = r->OpsPerSec();
        } else {
          best_other = std::max(best_other, r->OpsPerSec());
        }
      }
    }
    if (ratio) {
      if (lsmdb >= 0 && best_other > 0) {
        out += Printf(" %16.2f |", lsmdb / best_other);
      } else {
        out += Printf(" %16s |", "-");
      }
    }
    out += "\n";
  }
  return out;
}

std::string FormatHeader(const Flags& f, const std::vector<std::string>& engines) {
  std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %Z", std::localtime(&now));
  const EngineOptions& e = f.engine_options;
  std::string engine_list;
  for (const std::string& name : engines) engine_list += (engine_list.empty() ? "" : " ") + name;
  std::string out;
  out += Printf("Date:       %s\n", date);
  out += Printf("CPU:        %u x %s\n", std::thread::hardware_concurrency(), CpuModel().c_str());
  out += Printf("Engines:    %s\n", engine_list.c_str());
  out += Printf("Keys:       %d bytes each\n", f.key_size);
  out += Printf("Values:     %d bytes each (about %d bytes after compression)\n", f.value_size,
                f.value_size / 2);
  const std::string reads =
      f.duration > 0 ? std::to_string(f.duration) + " s per thread" : std::to_string(f.ReadCount());
  out += Printf("Entries:    %lld (reads: %s, threads: %d, batch: %d)\n",
                static_cast<long long>(f.num), reads.c_str(), f.threads, f.batch_size);
  out +=
      Printf("RawSize:    %.1f MB (estimated)\n", static_cast<double>(f.key_size + f.value_size) *
                                                      static_cast<double>(f.num) / 1048576.0);
  out += Printf(
      "Options:    write_buffer_size=%zu block_size=%zu block_restart_interval=%d "
      "cache_size=%zu bloom_bits=%d compression=%s sync=%d disable_wal=%d seed=%llu\n",
      e.write_buffer_size, e.block_size, e.block_restart_interval, e.cache_size, e.bloom_bits,
      CompressionName(e.compression), f.sync ? 1 : 0, e.disable_wal ? 1 : 0,
      static_cast<unsigned long long>(f.seed));
  return out;
}

}  // namespace lsmdb::bench
