// GetProperty: the figures a user or operator reads (docs/PROPERTIES.md).
#include <cinttypes>
#include <cstdio>

#include "db/db_impl.h"

namespace lsmdb {
namespace {

std::string HumanBytes(uint64_t n) {
  char buf[32];
  if (n >= (uint64_t{1} << 30)) {
    std::snprintf(buf, sizeof(buf), "%.2f GiB", static_cast<double>(n) / (1 << 30));
  } else if (n >= (1 << 20)) {
    std::snprintf(buf, sizeof(buf), "%.2f MiB", static_cast<double>(n) / (1 << 20));
  } else if (n >= (1 << 10)) {
    std::snprintf(buf, sizeof(buf), "%.2f KiB", static_cast<double>(n) / (1 << 10));
  } else {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 " B", n);
  }
  return buf;
}

}  // namespace

std::string DBImpl::StatsString() {
  std::string r;
  char line[256];
  auto v = versions_->current();
  const std::vector<double> scores = picker_->Scores(*v);
  r += "Level Files       Size     Target  Score   Read(GB) Write(GB)  W-Amp Comps Moves\n";
  uint64_t total_files = 0, total_bytes = 0, comp_read = 0, comp_written = 0;
  int last_nonempty = 0;
  for (int level = 0; level < v->num_levels(); level++) {
    const LevelStats& ls = level_stats_[level];
    const uint64_t bytes = v->LevelBytes(level);
    total_files += v->NumFiles(level);
    total_bytes += bytes;
    comp_read += ls.bytes_read;
    comp_written += ls.bytes_written;
    if (v->NumFiles(level) > 0) last_nonempty = level;
    const uint64_t target = picker_->LevelTarget(*v, level);
    // A level's write amplification: bytes compactions wrote into it per byte they read
    // from the level above.
    std::snprintf(line, sizeof(line),
                  "L%-4d %5d %10s %10s %6.2f %10.3f %9.3f %6.2f %5" PRIu64 " %5" PRIu64 "\n", level,
                  v->NumFiles(level), HumanBytes(bytes).c_str(),
                  target > 0 ? HumanBytes(target).c_str() : "-",
                  level < static_cast<int>(scores.size()) ? scores[level] : 0.0,
                  static_cast<double>(ls.bytes_read) / 1e9,
                  static_cast<double>(ls.bytes_written) / 1e9,
                  ls.bytes_read > 0
                      ? static_cast<double>(ls.bytes_written) / static_cast<double>(ls.bytes_read)
                      : 0.0,
                  ls.compactions, ls.trivial_moves);
    r += line;
  }
  std::snprintf(line, sizeof(line), "Sum   %5" PRIu64 " %10s\n", total_files,
                HumanBytes(total_bytes).c_str());
  r += line;
  const uint64_t last_bytes = v->LevelBytes(last_nonempty);
  std::snprintf(
      line, sizeof(line), "Space amplification (table bytes / bytes of the last level): %.3f\n",
      last_bytes > 0 ? static_cast<double>(total_bytes) / static_cast<double>(last_bytes) : 0.0);
  r += line;
  std::snprintf(line, sizeof(line),
                "Compaction: %s read, %s written; %" PRIu64 " picked by seek budget\n",
                HumanBytes(comp_read).c_str(), HumanBytes(comp_written).c_str(),
                picker_->SeekCompactionsPicked());
  r += line;
  size_t imm_bytes = 0;
  for (const auto& imm : imm_) imm_bytes += imm.mem->ApproximateMemoryUsage();
  std::snprintf(line, sizeof(line),
                "Memtables: active %s, %zu immutable (%s), write_buffer_size %s\n",
                HumanBytes(mem_->ApproximateMemoryUsage()).c_str(), imm_.size(),
                HumanBytes(imm_bytes).c_str(), HumanBytes(options_.write_buffer_size).c_str());
  r += line;
  const uint64_t user = counters_.user_bytes.load(), wal = counters_.wal_bytes.load();
  const uint64_t flushed = counters_.flush_bytes.load();
  std::snprintf(line, sizeof(line),
                "Writes: %" PRIu64 " writes in %" PRIu64 " groups, %" PRIu64
                " WAL syncs; user %s, WAL %s, flushed %s (%" PRIu64 " flushes)\n",
                counters_.writes.load(), counters_.write_groups.load(), counters_.wal_syncs.load(),
                HumanBytes(user).c_str(), HumanBytes(wal).c_str(), HumanBytes(flushed).c_str(),
                counters_.flushes.load());
  r += line;
  std::snprintf(
      line, sizeof(line),
      "Write amplification: %.2f (flush + compaction bytes / user bytes), %.2f "
      "with the WAL\n",
      user > 0 ? static_cast<double>(flushed + comp_written) / static_cast<double>(user) : 0.0,
      user > 0 ? static_cast<double>(wal + flushed + comp_written) / static_cast<double>(user)
               : 0.0);
  r += line;
  std::snprintf(line, sizeof(line),
                "Stalls: %.3f s (%" PRIu64 " slowdowns, %" PRIu64 " L0 stops, %" PRIu64
                " memtable-full waits)\n",
                static_cast<double>(counters_.stall_micros.load()) / 1e6,
                counters_.stalls_slowdown.load(), counters_.stalls_stop.load(),
                counters_.stalls_memtable.load());
  r += line;
  std::snprintf(line, sizeof(line),
                "Block cache: capacity %s, used %s, %" PRIu64 " hits, %" PRIu64 " misses; %" PRIu64
                " blocks read in place from mapped tables; %" PRIu64 " new tables warmed\n",
                HumanBytes(options_.block_cache_capacity).c_str(),
                HumanBytes(block_cache_ ? block_cache_->TotalCharge() : 0).c_str(),
                read_stats_.block_cache_hit.load(), read_stats_.block_cache_miss.load(),
                read_stats_.block_read_in_place.load(), tables_warmed_);
  r += line;
  std::snprintf(line, sizeof(line),
                "Bloom filter: %" PRIu64 " lookups avoided (useful), %" PRIu64
                " maybe-present, of which %" PRIu64 " false positives\n",
                read_stats_.bloom_useful.load(), read_stats_.bloom_positive.load(),
                read_stats_.bloom_false_positive.load());
  r += line;
  std::snprintf(line, sizeof(line), "Snapshots: %zu; last sequence %" PRIu64 "\n",
                snapshots_.size(), versions_->LastSequence());
  r += line;
  if (!bg_error_.ok()) r += "Background error: " + bg_error_.ToString() + "\n";
  return r;
}

bool DBImpl::GetProperty(std::string_view name, std::string* value) {
  if (value == nullptr) return false;
  value->clear();
  constexpr std::string_view kPrefix = "lsmdb.";
  if (!name.starts_with(kPrefix)) return false;
  std::string_view p = name.substr(kPrefix.size());
  MutexLock l(&mu_);
  if (p == "stats") {
    *value = StatsString();
    return true;
  }
  if (p.starts_with("num-files-at-level")) {
    std::string_view digits = p.substr(18);
    if (digits.empty() || digits.size() > 2) return false;
    int level = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      level = level * 10 + (c - '0');
    }
    auto v = versions_->current();
    if (level >= v->num_levels()) return false;
    *value = std::to_string(v->NumFiles(level));
    return true;
  }
  if (p == "sstables") {
    *value = versions_->current()->DebugString();
    return true;
  }
  if (p == "approximate-memory-usage") {
    size_t total = mem_->ApproximateMemoryUsage();
    for (const auto& imm : imm_) total += imm.mem->ApproximateMemoryUsage();
    if (block_cache_) total += block_cache_->TotalCharge();
    *value = std::to_string(total);
    return true;
  }
  if (p == "num-immutable-mem-table") {
    *value = std::to_string(imm_.size());
    return true;
  }
  if (p == "last-sequence") {
    *value = std::to_string(versions_->LastSequence());
    return true;
  }
  if (p == "compaction-pending") {
    // Background work is due or running: a flush, a level over its target, or a table
    // whose seek budget reads have spent.
    const bool pending = !imm_.empty() || flush_running_ || picker_->NumRunning() > 0 ||
                         picker_->NeedsCompaction(*versions_->current());
    *value = pending ? "1" : "0";
    return true;
  }
  if (p == "num-running-compactions") {
    *value = std::to_string(picker_->NumRunning());
    return true;
  }
  if (p == "background-error") {
    // During a Resume(), the error it is clearing: writes are not accepted yet.
    *value = (bg_error_.ok() ? resuming_from_ : bg_error_).ToString();
    return true;
  }
  return false;
}

}  // namespace lsmdb
