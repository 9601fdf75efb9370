// CompactionOutputs: the table files one pass of a compaction writes, one after another.
//
// Add opens a table when none is open (its number from new_file_number); FinishTable
// completes it: TableBuilder::Finish, Sync, Close, and its FileMetaData recorded. The
// caller decides where to cut. RemoveAll undoes everything after an error. Syncing the
// directory is left to the caller (once for all passes of a job).
//
// Thread-safety: one thread at a time; new_file_number may be called from it.
#ifndef LSMDB_COMPACTION_COMPACTION_OUTPUTS_H_
#define LSMDB_COMPACTION_COMPACTION_OUTPUTS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsmdb/file_system.h"
#include "sstable/table_builder.h"
#include "util/internal_key.h"
#include "util/range_tombstone.h"
#include "version/version_edit.h"

namespace lsmdb {

class CompactionOutputs {
 public:
  // fs, options.comparator outlive the object.
  CompactionOutputs(std::string dbname, FileSystem* fs, const TableOptions& options,
                    std::function<uint64_t()> new_file_number);
  // Abandons a table still open (its file stays; RemoveAll deletes it).
  ~CompactionOutputs();
  CompactionOutputs(const CompactionOutputs&) = delete;
  CompactionOutputs& operator=(const CompactionOutputs&) = delete;

  bool has_open_table() const { return builder_ != nullptr; }
  // Bytes written to the open table so far. REQUIRES: has_open_table().
  uint64_t OpenTableSize() const { return builder_->FileSize(); }

  // Appends an entry to the open table, first opening one if there is none.
  // REQUIRES: key parses as `parsed` and sorts after every key added before.
  Status Add(std::string_view key, const ParsedInternalKey& parsed, std::string_view value);

  // Puts tombstones in the range-deletion block of the open table, first opening one if
  // there is none: a table of range tombstones only, whose key range is anchor (an
  // internal key the caller chooses where no other table of the output level lies).
  // REQUIRES: !tombstones.empty(); called at most once per table.
  Status AddRangeTombstones(std::vector<RangeTombstone> tombstones, std::string_view anchor);

  // Completes the open table (finish, sync, close) and records it in files().
  // REQUIRES: has_open_table().
  Status FinishTable();

  // Abandons the open table and removes every file this object created.
  void RemoveAll();

  // The completed tables, in the order written.
  const std::vector<FileMetaData>& files() const { return files_; }
  uint64_t BytesWritten() const;

 private:
  void CloseAbandoned();
  Status OpenTable(std::string_view smallest, SequenceNumber seq);

  const std::string dbname_;
  FileSystem* const fs_;
  const TableOptions options_;
  const std::function<uint64_t()> new_file_number_;

  std::vector<uint64_t> created_;  // numbers of every file created, complete or not
  std::vector<FileMetaData> files_;
  // The table being written.
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<TableBuilder> builder_;
  FileMetaData meta_;
};

}  // namespace lsmdb

#endif  // LSMDB_COMPACTION_COMPACTION_OUTPUTS_H_
