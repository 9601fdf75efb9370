// CompactionJob: runs one Compaction: merges its input tables, drops the entries no
// reader can see, and writes the rest as new tables for the output level.
//
// What is dropped (see snapshot_stripes.h): of each user key, every entry hidden by a
// newer entry of the same snapshot stripe, and a tombstone of the oldest stripe when no
// level below the output level holds the key. Everything else is kept, so every snapshot
// and the present read the same data before and after the job.
//
// Output tables are cut at Compaction::max_output_file_size() and where
// Compaction::ShouldStopBefore says so, but never between two entries of one user key,
// so that the tables of a level >= 1 never share a user key. An L0 job may be split
// into key ranges (subcompactions) written by parallel threads.
//
// Thread-safety: Run is called once, from one thread, without the DB mutex; the other
// methods after Run returned.
#ifndef LSMDB_COMPACTION_COMPACTION_JOB_H_
#define LSMDB_COMPACTION_COMPACTION_JOB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "compaction/compaction.h"
#include "compaction/snapshot_stripes.h"
#include "lsmdb/file_system.h"
#include "lsmdb/merge_operator.h"
#include "sstable/table_builder.h"
#include "util/internal_key.h"
#include "util/mutex.h"
#include "util/range_tombstone.h"
#include "version/table_cache.h"
#include "version/version_edit.h"

namespace lsmdb {

class CompactionOutputs;

struct CompactionStats {
  uint64_t bytes_read = 0;     // sizes of the input tables
  uint64_t bytes_written = 0;  // sizes of the output tables
  uint64_t input_files = 0;
  uint64_t output_files = 0;
  uint64_t input_entries = 0;            // entries read
  uint64_t dropped_entries = 0;          // entries read and not written
  uint64_t dropped_range_deletions = 0;  // input range tombstones not written
  uint64_t micros = 0;                   // wall time of Run
  uint64_t subcompactions = 0;           // key ranges run in parallel (1: no split)
};

class CompactionJob {
 public:
  // snapshots: sequence numbers of the live snapshots, ascending. last_sequence: the
  // newest sequence number that exists. new_file_number allocates each output file's
  // number (the caller makes it take the DB mutex and record the number as a pending
  // output); the job calls it from one thread at a time. table_options: as for a flush.
  // All pointers must outlive the job.
  CompactionJob(std::string dbname, FileSystem* fs, const TableOptions& table_options,
                const InternalKeyComparator* icmp, TableCache* table_cache, Compaction* c,
                std::vector<SequenceNumber> snapshots, SequenceNumber last_sequence,
                std::function<uint64_t()> new_file_number, int max_subcompactions);
  ~CompactionJob();
  CompactionJob(const CompactionJob&) = delete;
  CompactionJob& operator=(const CompactionJob&) = delete;

  // Merges the inputs (read through the table cache without filling the block cache)
  // and writes the output tables, each synced and closed, then syncs the directory once.
  // An L0 job is split into up to max_subcompactions key ranges, run on separate
  // threads. On error (Corruption for an input entry that does not parse or keys out of
  // order; the error of a failed read or write otherwise) removes every output file and
  // returns the error; outputs() is then empty. REQUIRES: called once; the DB mutex is
  // not held.
  Status Run();

  // Sets the operator that combines merge operands (compaction_merge.h); without one a
  // compaction meeting an operand fails with NotSupported. op must outlive the job.
  // REQUIRES: called before Run.
  void SetMergeOperator(const MergeOperator* op) { merge_operator_ = op; }

  // Records in edit the deletion of every input and the addition of every output at the
  // output level. REQUIRES: Run() returned OK.
  void AddToEdit(VersionEdit* edit) const;

  // The output tables, sorted by key.
  const std::vector<FileMetaData>& outputs() const { return outputs_; }
  const CompactionStats& stats() const { return stats_; }

 private:
  struct Subcompaction;

  // User keys splitting the job into key ranges (empty: one range).
  std::vector<std::string> SubcompactionBoundaries() const;
  std::unique_ptr<InternalIterator> NewInputIterator() const;
  void RunSubcompaction(Subcompaction* sub);
  uint64_t NewFileNumber();
  // Range tombstones (compaction_range_dels.cc): LoadInputRangeTombstones reads those of
  // the inputs; CoveredByRangeTombstone says whether an input tombstone hides an entry
  // from every reader; AddInputRangeTombstones writes the ones still needed to out.
  Status LoadInputRangeTombstones();
  bool CoveredByRangeTombstone(std::string_view user_key, SequenceNumber seq) const;
  bool CanDropRangeTombstone(const RangeTombstone& t) const;
  Status AddInputRangeTombstones(CompactionOutputs* out);

  const std::string dbname_;
  FileSystem* const fs_;
  const TableOptions table_options_;
  const InternalKeyComparator* const icmp_;
  TableCache* const table_cache_;
  Compaction* const c_;
  const SnapshotStripes stripes_;
  const std::function<uint64_t()> new_file_number_;
  const int max_subcompactions_;

  const MergeOperator* merge_operator_ = nullptr;
  Mutex file_number_mu_;  // serializes new_file_number_ between subcompactions

  std::vector<FileMetaData> outputs_;
  CompactionStats stats_;
  std::vector<RangeTombstone> input_range_dels_;
  std::shared_ptr<const FragmentedRangeTombstones> input_range_del_fragments_;
};

}  // namespace lsmdb

#endif  // LSMDB_COMPACTION_COMPACTION_JOB_H_
