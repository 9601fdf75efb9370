#include "db/options_check.h"

#include <algorithm>
#include <string>

#include "lsmdb/comparator.h"
#include "lsmdb/file_system.h"
#include "version/version_edit.h"

namespace lsmdb {
namespace {

template <typename T>
Status CheckRange(const char* name, T value, T lo, T hi) {
  if (value >= lo && value <= hi) return Status::OK();
  return Status::InvalidArgument(std::string("Options::") + name + " = " + std::to_string(value) +
                                 " is out of range [" + std::to_string(lo) + ", " +
                                 std::to_string(hi) + "]");
}

}  // namespace

Status ValidateOptions(const Options& o) {
  constexpr uint64_t kKiB = 1024, kGiB = uint64_t{1} << 30;
  Status s;
  auto check = [&s](Status r) {
    if (s.ok() && !r.ok()) s = std::move(r);
  };
  check(CheckRange<uint64_t>("write_buffer_size", o.write_buffer_size, 64 * kKiB, 4 * kGiB));
  check(CheckRange("max_write_buffer_number", o.max_write_buffer_number, 2, 64));
  check(CheckRange<uint64_t>("block_size", o.block_size, 256, 64 << 20));
  check(CheckRange("block_restart_interval", o.block_restart_interval, 1, 65536));
  check(CheckRange("bloom_bits_per_key", o.bloom_bits_per_key, 0, 64));
  check(CheckRange("zstd_level", o.zstd_level, 1, 19));
  check(CheckRange("max_open_files", o.max_open_files, 16, 1000000));
  check(CheckRange("num_levels", o.num_levels, 2, kMaxLevels));
  if (o.target_file_size != 0) {
    check(CheckRange<uint64_t>("target_file_size", o.target_file_size, 64 * kKiB, 4 * kGiB));
  }
  check(CheckRange("level0_file_num_compaction_trigger", o.level0_file_num_compaction_trigger, 1,
                   1000));
  check(CheckRange("level0_slowdown_writes_trigger", o.level0_slowdown_writes_trigger,
                   o.level0_file_num_compaction_trigger, 100000));
  check(CheckRange("level0_stop_writes_trigger", o.level0_stop_writes_trigger,
                   o.level0_slowdown_writes_trigger, 100000));
  if (o.max_bytes_for_level_base != 0) {
    check(CheckRange<uint64_t>("max_bytes_for_level_base", o.max_bytes_for_level_base, 64 * kKiB,
                               uint64_t{1} << 50));
  }
  check(CheckRange("max_bytes_for_level_multiplier", o.max_bytes_for_level_multiplier, 2.0, 100.0));
  check(CheckRange("max_background_jobs", o.max_background_jobs, 1, 256));
  check(CheckRange("max_subcompactions", o.max_subcompactions, 1, 64));
  check(CheckRange<uint64_t>("max_manifest_file_size", o.max_manifest_file_size, 4 * kKiB,
                             uint64_t{1} << 50));
  check(CheckRange("max_bgerror_resume_count", o.max_bgerror_resume_count, 0, 2147483647));
  check(CheckRange<uint64_t>("bgerror_resume_retry_interval", o.bgerror_resume_retry_interval, 1,
                             60000000));
  if (s.ok() &&
      static_cast<uint8_t>(o.compression) > static_cast<uint8_t>(CompressionType::kZstd)) {
    s = Status::InvalidArgument("Options::compression has an unknown value " +
                                std::to_string(static_cast<int>(o.compression)));
  }
  if (s.ok() && static_cast<uint8_t>(o.wal_recovery_mode) >
                    static_cast<uint8_t>(WalRecoveryMode::kPointInTimeRecovery)) {
    s = Status::InvalidArgument("Options::wal_recovery_mode has an unknown value");
  }
  return s;
}

Options SanitizeOptions(const Options& options) {
  Options r = options;
  if (r.comparator == nullptr) r.comparator = BytewiseComparator();
  if (r.file_system == nullptr) r.file_system = FileSystem::Default();
  // Level shape derived from the memtable size (documented in options.h). Both stay
  // within their valid ranges because write_buffer_size and the trigger do.
  constexpr uint64_t kMinSize = 64 << 10;
  if (r.max_bytes_for_level_base == 0) {
    r.max_bytes_for_level_base = std::max<uint64_t>(
        kMinSize, static_cast<uint64_t>(r.write_buffer_size) *
                      static_cast<uint64_t>(std::max(1, r.level0_file_num_compaction_trigger)));
  }
  if (r.target_file_size == 0) {
    r.target_file_size =
        std::clamp<uint64_t>(r.max_bytes_for_level_base / 8, kMinSize, uint64_t{4} << 30);
  }
  return r;
}

}  // namespace lsmdb
