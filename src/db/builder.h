// BuildTable: writes the entries of an iterator (a memtable's) to a new table file.
#ifndef LSMDB_DB_BUILDER_H_
#define LSMDB_DB_BUILDER_H_

#include <string>

#include "lsmdb/file_system.h"
#include "sstable/table_builder.h"
#include "util/internal_iterator.h"
#include "version/version_edit.h"

namespace lsmdb {

// Writes every entry of iter to the table file meta->number in dbname, syncs and closes
// it, and fills *meta (size, key and sequence ranges, counts). An empty iterator writes
// no file and leaves meta->file_size 0. On error the partial file is removed.
// The caller syncs the directory before recording the table in the MANIFEST.
Status BuildTable(const std::string& dbname, FileSystem* fs, const TableOptions& options,
                  InternalIterator* iter, FileMetaData* meta);

}  // namespace lsmdb

#endif  // LSMDB_DB_BUILDER_H_
