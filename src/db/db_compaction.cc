// Compactions: picked by the CompactionPicker, run by a CompactionJob without the DB
// mutex, installed as one VersionEdit. Manual compaction (CompactRange) runs the same
// way in the caller's thread.
#include <chrono>
#include <cinttypes>

#include "compaction/compaction_job.h"
#include "db/db_impl.h"
#include "version/filename.h"

namespace lsmdb {

TableOptions DBImpl::MakeTableOptions() const {
  TableOptions topts;
  topts.comparator = &icmp_;
  topts.block_size = options_.block_size;
  topts.block_restart_interval = options_.block_restart_interval;
  topts.bloom_bits_per_key = options_.bloom_bits_per_key;
  topts.compression = options_.compression;
  topts.zstd_level = options_.zstd_level;
  return topts;
}

bool DBImpl::MaybeRunCompaction() {
  if (!bg_error_.ok() || shutting_down_) return false;
  std::unique_ptr<Compaction> c =
      picker_->PickCompaction(versions_->current(), versions_->compact_pointer_);
  if (c == nullptr) return false;
  RunCompaction(std::move(c)).PermitUncheckedError();  // errors go to bg_error_
  return true;
}

Status DBImpl::RunCompaction(std::unique_ptr<Compaction> c) {
  const int level = c->level(), out_level = c->output_level();
  const std::string summary = c->Summary();
  VersionEdit edit;
  Status s;
  if (c->IsTrivialMove()) {
    c->AddTrivialMove(&edit);
    s = versions_->LogAndApply(&edit);
    picker_->ReleaseCompaction(c.get());
    c.reset();
    if (s.ok()) {
      level_stats_[out_level].trivial_moves++;
      info_log_->Log("compaction: moved %s", summary.c_str());
      InstallReadView();
    } else {
      s = RecordBackgroundError(s, "compaction (move) " + summary);
    }
    bg_cv_.SignalAll();
    return s;
  }

  std::vector<SequenceNumber> snapshots;
  for (const SnapshotImpl* snap : snapshots_.all()) snapshots.push_back(snap->sequence);
  std::vector<uint64_t> allocated;  // guarded by mu_ (taken by the allocator)
  auto new_file_number = [this, &allocated]() NO_THREAD_SAFETY_ANALYSIS {
    MutexLock l(&mu_);
    uint64_t n = versions_->NewFileNumber();
    pending_outputs_.insert(n);
    allocated.push_back(n);
    return n;
  };
  CompactionJob job(dbname_, fs_, MakeTableOptions(), &icmp_, table_cache_.get(), c.get(),
                    std::move(snapshots), versions_->LastSequence(), new_file_number,
                    level == 0 ? options_.max_subcompactions : 1);
  job.SetMergeOperator(options_.merge_operator.get());
  info_log_->Log("compaction: start %s", summary.c_str());
  mu_.Unlock();
  s = job.Run();
  if (s.ok() && options_.paranoid_checks) {
    // Read every output back before it is installed (its files stay on failure, for
    // Resume or Open to delete).
    for (const FileMetaData& f : job.outputs()) {
      s = VerifyNewTable(f);
      if (!s.ok()) break;
    }
  }
  mu_.Lock();
  if (s.ok()) {
    job.AddToEdit(&edit);
    if (!versions_->compact_pointer_[level].empty()) {
      edit.SetCompactPointer(level, versions_->compact_pointer_[level]);
    }
    s = versions_->LogAndApply(&edit);
  }
  for (uint64_t n : allocated) pending_outputs_.erase(n);
  picker_->ReleaseCompaction(c.get());
  c.reset();  // drops its input version, so the input tables can be deleted below
  const CompactionStats& st = job.stats();
  if (s.ok()) {
    LevelStats& ls = level_stats_[out_level];
    ls.compactions++;
    ls.bytes_read += st.bytes_read;
    ls.bytes_written += st.bytes_written;
    ls.micros += st.micros;
    info_log_->Log("compaction: done %s: %" PRIu64 " files, %" PRIu64 " bytes in, %" PRIu64
                   " files, %" PRIu64 " bytes out, %" PRIu64 " of %" PRIu64
                   " entries dropped, %" PRIu64 " subcompactions, %.3f s",
                   summary.c_str(), st.input_files, st.bytes_read, st.output_files,
                   st.bytes_written, st.dropped_entries, st.input_entries, st.subcompactions,
                   static_cast<double>(st.micros) / 1e6);
    InstallReadView();
    RemoveObsoleteFiles();
    for (const FileMetaData& f : job.outputs()) QueueWarm(f.number);
  } else {
    info_log_->Log("compaction: failed %s: %s", summary.c_str(), s.ToString().c_str());
    s = RecordBackgroundError(s, "compaction " + summary);
  }
  bg_cv_.SignalAll();
  return s;
}

Status DBImpl::CompactRange(const std::string_view* begin, const std::string_view* end) {
  if (read_only_) return CheckWritable("CompactRange");
  // Everything in the memtables goes to tables first.
  Status s = Flush();
  if (!s.ok()) return s;
  MutexLock l(&mu_);
  manual_compactions_++;
  // The deepest level holding anything in the range: compact each level above it down.
  int max_level = 0;
  {
    auto v = versions_->current();
    for (int level = 1; level < v->num_levels(); level++) {
      if (v->OverlapInLevel(level, begin, end)) max_level = level;
    }
  }
  for (int level = 0; s.ok() && level <= std::max(max_level - 1, 0); level++) {
    while (s.ok()) {
      if (!bg_error_.ok()) {
        s = bg_error_;
        break;
      }
      bool busy = false;
      std::unique_ptr<Compaction> c =
          picker_->CompactRange(versions_->current(), level, begin, end, &busy);
      if (c == nullptr) {
        if (!busy) break;
        bg_cv_.Wait();  // a background compaction holds part of the range
        continue;
      }
      const int out = c->output_level();
      s = RunCompaction(std::move(c));
      if (out == level) break;  // a level compacted into itself: once is enough
    }
  }
  manual_compactions_--;
  bg_cv_.SignalAll();
  return s;
}

}  // namespace lsmdb
