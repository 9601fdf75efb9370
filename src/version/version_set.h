// VersionSet: the current Version, the MANIFEST that records how it came to be, and the
// counters persisted with it (next file number, last sequence, log number).
//
// Every change of the table set is one VersionEdit: LogAndApply appends it to the
// MANIFEST, syncs, and only then installs the new Version. On open, Recover replays the
// MANIFEST named by CURRENT. A MANIFEST that grows past max_manifest_file_size is
// replaced by a new one holding a snapshot of the current state.
//
// Thread-safety: methods marked "REQUIRES: the DB mutex is held" are called with it held
// (the DB mutex is passed in as a pointer, which clang's analysis cannot follow);
// LastSequence() may be read without it.
#ifndef LSMDB_VERSION_VERSION_SET_H_
#define LSMDB_VERSION_VERSION_SET_H_

#include <atomic>
#include <list>
#include <memory>
#include <set>
#include <string>

#include "lsmdb/file_system.h"
#include "lsmdb/options.h"
#include "util/mutex.h"
#include "version/version.h"
#include "wal/log_writer.h"

namespace lsmdb {

class VersionSet {
 public:
  // options (already validated, with comparator and file_system set), icmp and
  // table_cache must outlive the VersionSet.
  // mu is the DB mutex.
  VersionSet(std::string dbname, const Options* options, const InternalKeyComparator* icmp,
             TableCache* table_cache, Mutex* mu);
  ~VersionSet();
  VersionSet(const VersionSet&) = delete;
  VersionSet& operator=(const VersionSet&) = delete;

  // Writes the MANIFEST and CURRENT of a new, empty database.
  Status CreateNew();
  // Reads CURRENT and the MANIFEST it names. InvalidArgument if the comparator differs;
  // Corruption (naming the file) if a record is damaged.
  Status Recover();

  // Applies edit to the current version, appends it to the MANIFEST (starting a new
  // MANIFEST when needed), syncs, and installs the result. Fills in the edit's log
  // number, next file number and last sequence. mu is released during file I/O; edits
  // are applied one at a time, in call order.
  Status LogAndApply(VersionEdit* edit);  // REQUIRES: the DB mutex is held

  // REQUIRES: the DB mutex is held.
  std::shared_ptr<const Version> current() const { return current_; }
  // current()->NumFiles(level), without copying the pointer (the write path asks per write).
  // REQUIRES: the DB mutex is held.
  int NumLevelFiles(int level) const { return current_->NumFiles(level); }

  uint64_t NewFileNumber() { return next_file_number_++; }
  void MarkFileNumberUsed(uint64_t number) {
    if (next_file_number_ <= number) next_file_number_ = number + 1;
  }
  uint64_t next_file_number() const { return next_file_number_; }
  uint64_t manifest_file_number() const { return manifest_file_number_; }
  uint64_t log_number() const { return log_number_; }
  // After Recover: the MANIFEST ended in a torn record (an edit whose append a crash cut
  // short), which Recover ignored. Recovery then checks that nothing shows a later edit
  // was synced (docs/format/manifest.md §2).
  bool manifest_torn_tail() const { return manifest_torn_tail_; }

  SequenceNumber LastSequence() const { return last_sequence_.load(std::memory_order_acquire); }
  void SetLastSequence(SequenceNumber s) { last_sequence_.store(s, std::memory_order_release); }

  // Adds the numbers of the tables of every live version (held by readers too).
  void AddLiveFiles(std::set<uint64_t>* live);  // REQUIRES: the DB mutex is held

  const InternalKeyComparator* icmp() const { return icmp_; }
  const Options* options() const { return options_; }

  // For the compaction picker: where the last compaction of each level stopped.
  std::string compact_pointer_[kMaxLevels];

 private:
  class Builder;

  // A record holding the whole current state (starts a new MANIFEST).
  std::string EncodeSnapshot() const;
  void Install(std::shared_ptr<Version> v);

  const std::string dbname_;
  const Options* const options_;
  FileSystem* const fs_;
  const InternalKeyComparator* const icmp_;
  TableCache* const table_cache_;

  uint64_t next_file_number_ = 2;
  uint64_t manifest_file_number_ = 0;
  uint64_t log_number_ = 0;
  bool manifest_torn_tail_ = false;
  std::atomic<SequenceNumber> last_sequence_{0};

  std::shared_ptr<Version> current_;
  std::list<std::weak_ptr<Version>> live_versions_;

  std::unique_ptr<WritableFile> manifest_file_;
  std::unique_ptr<log::Writer> manifest_log_;
  Mutex* const mu_;
  bool manifest_busy_ = false;  // a LogAndApply is writing; guarded by *mu_
  CondVar manifest_cv_;
};

}  // namespace lsmdb

#endif  // LSMDB_VERSION_VERSION_SET_H_
