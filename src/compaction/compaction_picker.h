// CompactionPicker: decides which leveled compaction to run next, and builds the one a
// manual CompactRange asks for.
//
// Each level >= 1 has a byte target: static (max_bytes_for_level_base for L1, times
// max_bytes_for_level_multiplier per level below) or, with
// level_compaction_dynamic_level_bytes, derived down from the size of the largest level,
// as RocksDB does: L0 then compacts into the "base level", the first level with a target,
// and the levels above it stay empty. A level's score is its size over its target (L0:
// its table count over level0_file_num_compaction_trigger); a level scoring >= 1 needs
// compaction. The last level never compacts on its own (only CompactRange rewrites it).
//
// Several compactions may run at once. The picker keeps the set of running ones (picked
// and not yet released) and never picks a table already being compacted, nor a job whose
// output would land in a key range that a running job writes in the same level.
//
// Thread-safety: every method except the constructor and LevelTarget/BaseLevel requires
// the DB mutex (they read FileMetaData::being_compacted, the set of running jobs and the
// seek candidates).
#ifndef LSMDB_COMPACTION_COMPACTION_PICKER_H_
#define LSMDB_COMPACTION_COMPACTION_PICKER_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compaction/compaction.h"
#include "compaction/level_targets.h"
#include "lsmdb/options.h"
#include "util/internal_key.h"
#include "version/version.h"

namespace lsmdb {

class CompactionPicker {
 public:
  // options and icmp must outlive the picker.
  CompactionPicker(const Options* options, const InternalKeyComparator* icmp);
  // REQUIRES: every picked compaction was released.
  ~CompactionPicker();
  CompactionPicker(const CompactionPicker&) = delete;
  CompactionPicker& operator=(const CompactionPicker&) = delete;

  // The level L0 compacts into: 1, or with dynamic level bytes the first level that has
  // a target (the last level when the tree below L0 is empty).
  int BaseLevel(const Version& v) const;

  // The byte target of level in v; 0 when the level has none (L0, and the levels above
  // the base level with dynamic level bytes). Does not read being_compacted.
  uint64_t LevelTarget(const Version& v, int level) const;

  // Per level (v.num_levels() entries): L0 = tables not being compacted / trigger; a level
  // >= 1 with a target = bytes not being compacted / LevelTarget; 0 for the last level
  // and for levels without a target. Tables being compacted do not count, so that a
  // level already being brought under its target does not start more jobs.
  std::vector<double> Scores(const Version& v) const;

  // True if some level scores >= 1 or a seek candidate of v waits (a pick may still
  // find nothing runnable).
  bool NeedsCompaction(const Version& v) const;

  // Seek compaction: the table number of level spent its SeekBudget. When no level scores
  // >= 1, PickCompaction compacts it (L0: as a level-0 pick; a level >= 1: the table
  // into the next level). Candidates no longer in the version picked from are dropped.
  void AddSeekCandidate(int level, uint64_t number);
  // Seek compactions picked so far.
  uint64_t SeekCompactionsPicked() const { return seek_compactions_picked_; }

  // Picks the highest-scoring level with score >= 1 that has a runnable job, and returns
  // that job; failing that, a runnable seek compaction; or null if there is none. A level >= 1
  // gives the table (not being compacted) with the smallest ratio of overlapping bytes in the next
  // level to its own size (ties: the first after compact_pointers[level], round robin), expanded
  // with the overlapping tables of the next level. L0 gives its tables not being compacted that
  // overlap one another transitively (groups touching a table being compacted are left
  // out), expanded with the overlapping tables of the base level.
  //
  // compact_pointers: an array of v->num_levels() internal keys, the VersionSet's
  // compact_pointer_; the entry of the picked level is set to the largest key of the
  // level's inputs.
  //
  // The returned job is registered as running and its inputs are marked being_compacted.
  // REQUIRES: the DB mutex is held. The caller calls ReleaseCompaction with it (under the
  // mutex) when it is finished, whatever the outcome, before destroying it.
  std::unique_ptr<Compaction> PickCompaction(std::shared_ptr<const Version> v,
                                             std::string* compact_pointers);

  // A manual compaction: every table of level overlapping the user-key range
  // [begin, end] (null = unbounded) into the next level (L0: into the base level; the
  // last level: into itself, to drop what is obsolete). Null if no table overlaps, or if
  // the job would conflict with a running one: then *busy (when given) is set to true
  // and the caller retries once a running compaction is released. Registration and
  // REQUIRES as for PickCompaction.
  std::unique_ptr<Compaction> CompactRange(std::shared_ptr<const Version> v, int level,
                                           const std::string_view* begin,
                                           const std::string_view* end, bool* busy = nullptr);

  // Unregisters c and clears being_compacted on its inputs. Call it after the result of
  // c was installed (or after it failed). REQUIRES: the DB mutex is held; c was returned
  // by this picker and not yet released.
  void ReleaseCompaction(Compaction* c);

  // The number of compactions picked and not yet released.
  int NumRunning() const { return static_cast<int>(running_.size()); }

 private:
  std::unique_ptr<Compaction> PickLevel0(const std::shared_ptr<const Version>& v, int base_level,
                                         double score);
  std::unique_ptr<Compaction> PickLevel(const std::shared_ptr<const Version>& v, int level,
                                        double score, std::string* compact_pointer);
  // A job for the first runnable seek candidate; drops candidates v no longer holds (or
  // holds in its last level).
  std::unique_ptr<Compaction> PickSeekCompaction(const std::shared_ptr<const Version>& v);
  // The table number of level in v, or null.
  const FileMetaData* FindSeekCandidate(const Version& v, int level, uint64_t number) const;
  // Builds the job with inputs0 from level into output_level: adds the overlapping tables
  // of output_level (and, for a level >= 1, more tables of level when that adds nothing
  // to the output level). Null if a table needed is being compacted or the output range
  // is reserved by a running job.
  std::unique_ptr<Compaction> SetupInputs(const std::shared_ptr<const Version>& v, int level,
                                          int output_level, FileList inputs0, double score,
                                          bool is_manual);
  // True if a running job writes output_level in a range overlapping [lo, hi].
  bool OutputRangeBusy(int output_level, std::string_view lo, std::string_view hi) const;
  void Register(Compaction* c);

  const Options* const options_;
  const InternalKeyComparator* const icmp_;
  const Comparator* const ucmp_;
  std::vector<const Compaction*> running_;  // guarded by the DB mutex
  // (level, table number) whose SeekBudget was spent, oldest first; guarded by the DB mutex.
  std::vector<std::pair<int, uint64_t>> seek_candidates_;
  uint64_t seek_compactions_picked_ = 0;  // guarded by the DB mutex
};

}  // namespace lsmdb

#endif  // LSMDB_COMPACTION_COMPACTION_PICKER_H_
