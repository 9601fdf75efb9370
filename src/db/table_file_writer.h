// TableFileWriter: writes entries, already in internal-key order, into one new table file
// of a database and describes it as a FileMetaData (key range, sequence range, counts).
// RepairDB uses it for the tables it rebuilds; BuildTable (builder.h) is the same thing
// for a whole iterator.
//
// Thread-safety: one thread at a time.
#ifndef LSMDB_DB_TABLE_FILE_WRITER_H_
#define LSMDB_DB_TABLE_FILE_WRITER_H_

#include <memory>
#include <string>
#include <string_view>

#include "lsmdb/file_system.h"
#include "sstable/table_builder.h"
#include "version/version_edit.h"

namespace lsmdb {

class TableFileWriter {
 public:
  // Creates the table file `number` in dbname. options and fs must outlive the writer.
  // status() holds the error if the file cannot be created.
  TableFileWriter(const std::string& dbname, FileSystem* fs, const TableOptions& options,
                  uint64_t number);
  // Abandons and removes the file unless Finish() succeeded.
  ~TableFileWriter();
  TableFileWriter(const TableFileWriter&) = delete;
  TableFileWriter& operator=(const TableFileWriter&) = delete;

  // Adds an entry. REQUIRES: ikey parses as an internal key and is greater than every key
  // added before (the caller checks data read from disk).
  void Add(std::string_view ikey, std::string_view value);

  // Finishes, syncs and closes the file and fills *meta. An empty table is removed and
  // leaves meta->file_size 0. On error the file is removed.
  Status Finish(FileMetaData* meta);

  Status status() const;
  uint64_t num_entries() const { return meta_.num_entries; }
  // Bytes written so far (not counting the data block being filled).
  uint64_t FileSize() const { return builder_ ? builder_->FileSize() : 0; }
  const std::string& file_name() const { return file_name_; }

 private:
  FileSystem* const fs_;
  const std::string file_name_;
  Status open_status_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<TableBuilder> builder_;
  FileMetaData meta_;
  bool finished_ = false;
};

}  // namespace lsmdb

#endif  // LSMDB_DB_TABLE_FILE_WRITER_H_
