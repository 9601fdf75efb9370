// Compaction: one leveled compaction job as picked by the CompactionPicker: the input
// tables of `level` and of `output_level`, the "grandparent" tables one level deeper
// (which bound how much a single output table may overlap), and the Version they were
// picked from, which the Compaction keeps alive.
//
// The input lists are fixed at construction. IsBaseLevelForKey and ShouldStopBefore keep
// cursors that make a pass over ascending keys cost amortized O(1) per call, so each
// pass over the keys (each subcompaction thread) uses its own copy of the Compaction:
// Compaction is copyable, copies share the same FileMetaData objects.
//
// Thread-safety: const methods are safe to call concurrently; IsBaseLevelForKey and
// ShouldStopBefore mutate the cursors (one thread per copy). MarkBeingCompacted writes
// FileMetaData::being_compacted, which the DB mutex guards.
#ifndef LSMDB_COMPACTION_COMPACTION_H_
#define LSMDB_COMPACTION_COMPACTION_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/internal_key.h"
#include "version/version.h"
#include "version/version_edit.h"

namespace lsmdb {

// An output table may overlap at most this many times target_file_size bytes of the
// grandparent level, so that compacting it later into that level stays cheap.
inline constexpr uint64_t kMaxGrandparentOverlapFactor = 10;

class Compaction {
 public:
  // inputs0: the tables of level; inputs1: the tables of output_level they overlap;
  // grandparents: the tables of output_level + 1 overlapping all inputs. is_manual marks a
  // compaction asked for by CompactRange (never a trivial move: the caller wants the data
  // rewritten). REQUIRES: inputs0 is not empty; icmp outlives the Compaction;
  // level <= output_level < version->num_levels().
  Compaction(const InternalKeyComparator* icmp, std::shared_ptr<const Version> version, int level,
             int output_level, FileList inputs0, FileList inputs1, FileList grandparents,
             uint64_t max_output_file_size, double score, bool is_manual);

  int level() const { return level_; }
  int output_level() const { return output_level_; }
  // which: 0 for the tables of level(), 1 for those of output_level(). L0 inputs are
  // newest first; the others sorted by key.
  const FileList& inputs(int which) const { return inputs_[which]; }
  const FileList& grandparents() const { return grandparents_; }
  int num_input_files() const { return static_cast<int>(inputs_[0].size() + inputs_[1].size()); }
  uint64_t TotalInputBytes() const;

  // The Version the inputs were picked from.
  const std::shared_ptr<const Version>& input_version() const { return version_; }
  // Bytes at which an output table is cut.
  uint64_t max_output_file_size() const { return max_output_file_size_; }
  // The user-key range of all inputs. The bytes live as long as the Compaction.
  std::string_view smallest_user_key() const { return smallest_user_key_; }
  std::string_view largest_user_key() const { return largest_user_key_; }
  // The score of level() when the compaction was picked (1.0 and above means over its
  // target); 0 for a manual compaction.
  double score() const { return score_; }
  bool is_manual() const { return is_manual_; }

  // True if the job needs no rewrite: nothing to merge with in the output level, input
  // tables that share no user key with one another (so several disjoint L0 tables, as
  // sequential writes make, move together), and at most
  // kMaxGrandparentOverlapFactor * max_output_file_size bytes of grandparents under each.
  // Such tables are moved by AddTrivialMove. Never true for a manual compaction, nor for
  // a compaction of a level into itself.
  bool IsTrivialMove() const;
  // Records in edit the move of every input table from level() to output_level(), with
  // being_compacted cleared on the copies the new Version gets.
  // REQUIRES: IsTrivialMove().
  void AddTrivialMove(VersionEdit* edit) const;

  // Records in edit the deletion of every input table.
  void AddInputDeletions(VersionEdit* edit) const;

  // True if no level deeper than output_level() holds user_key in the input version, so
  // a tombstone for it shadows nothing and may be dropped. REQUIRES: successive calls on
  // one object pass ascending user keys.
  bool IsBaseLevelForKey(std::string_view user_key);

  // True if the output table being written (output_bytes so far) should be closed
  // before internal_key: because it already overlaps too many grandparent bytes, or
  // because internal_key lies past the end of a grandparent table and the output holds
  // at least half of max_output_file_size, so that output tables end where grandparent
  // tables end and a later compaction of one into the grandparent level pulls in no
  // grandparent that it barely touches. Resets the count when it says so.
  // REQUIRES: successive calls on one object pass ascending keys.
  bool ShouldStopBefore(std::string_view internal_key, uint64_t output_bytes);

  // Sets being_compacted on every input table. REQUIRES: the DB mutex is held.
  void MarkBeingCompacted(bool value) const;

  // One line for the LOG, e.g. "L0 [#12 #11] + L1 [#7] -> L1 (score 1.25)".
  std::string Summary() const;

  // Picked because reads spent a table's SeekBudget (not because of a level's size).
  bool seek_triggered() const { return seek_triggered_; }
  void set_seek_triggered() { seek_triggered_ = true; }

 private:
  const InternalKeyComparator* icmp_;
  std::shared_ptr<const Version> version_;
  int level_;
  int output_level_;
  FileList inputs_[2];
  FileList grandparents_;
  uint64_t max_output_file_size_;
  double score_;
  bool is_manual_;
  bool seek_triggered_ = false;
  std::string smallest_user_key_;
  std::string largest_user_key_;

  // ShouldStopBefore state.
  size_t grandparent_index_ = 0;
  bool seen_key_ = false;
  uint64_t overlapped_bytes_ = 0;
  // IsBaseLevelForKey state: per level deeper than output_level_, the index of the first
  // table that may still hold a key >= the last key asked about.
  std::array<size_t, kMaxLevels> level_ptrs_{};
};

}  // namespace lsmdb

#endif  // LSMDB_COMPACTION_COMPACTION_H_
