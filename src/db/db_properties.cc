// GetProperty: the figures a user or operator reads (docs/PROPERTIES.md).
#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "db/db_impl.h"

namespace lsmdb {
namespace {

std::string HumanBytes(uint64_t n) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  char buf[32];
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 " B", n);
    return buf;
  }
  double v = static_cast<double>(n) / 1024;
  int unit = 0;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    unit++;
  }
  std::snprintf(buf, sizeof(buf), "%.2f %s", v, kUnits[unit]);
  return buf;
}

// The level table of lsmdb.stats: each column as wide as its widest cell (at least its
// usual width), so large figures never push the columns out of line.
constexpr int kColumns = 10;
using Row = std::array<std::string, kColumns>;

std::string FormatTable(const std::vector<Row>& rows) {
  static const int kMinWidth[kColumns] = {5, 5, 10, 10, 6, 10, 9, 6, 5, 5};
  size_t width[kColumns];
  for (int c = 0; c < kColumns; c++) {
    width[c] = static_cast<size_t>(kMinWidth[c]);
    for (const Row& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  std::string r;
  for (const Row& row : rows) {
    std::string line;
    for (int c = 0; c < kColumns; c++) {
      if (c > 0) line += ' ';
      const size_t pad = width[c] - row[c].size();
      if (c == 0) {
        line += row[c] + std::string(pad, ' ');
      } else {
        line += std::string(pad, ' ') + row[c];
      }
    }
    // A row with empty trailing cells (Sum) ends at its last cell.
    while (!line.empty() && line.back() == ' ') line.pop_back();
    r += line + "\n";
  }
  return r;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string DBImpl::StatsString() {
  std::string r;
  char line[256];
  auto v = versions_->current();
  const std::vector<double> scores = picker_->Scores(*v);
  std::vector<Row> rows;
  rows.push_back({"Level", "Files", "Size", "Target", "Score", "Read(GB)", "Write(GB)", "W-Amp",
                  "Comps", "Moves"});
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
    const double wamp = ls.bytes_read > 0 ? static_cast<double>(ls.bytes_written) /
                                                static_cast<double>(ls.bytes_read)
                                          : 0.0;
    rows.push_back({"L" + std::to_string(level), std::to_string(v->NumFiles(level)),
                    HumanBytes(bytes), target > 0 ? HumanBytes(target) : "-",
                    Fixed(level < static_cast<int>(scores.size()) ? scores[level] : 0.0, 2),
                    Fixed(static_cast<double>(ls.bytes_read) / 1e9, 3),
                    Fixed(static_cast<double>(ls.bytes_written) / 1e9, 3), Fixed(wamp, 2),
                    std::to_string(ls.compactions), std::to_string(ls.trivial_moves)});
  }
  rows.push_back({"Sum", std::to_string(total_files), HumanBytes(total_bytes)});
  r += FormatTable(rows);
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
