// BuildTable: writes the entries of an iterator (a memtable's) to a new table file.
#ifndef LSMDB_DB_BUILDER_H_
#define LSMDB_DB_BUILDER_H_

#include <string>

#include "lsmdb/file_system.h"
#include "sstable/table_builder.h"
#include "util/internal_iterator.h"
#include "util/range_tombstone.h"
#include "version/version_edit.h"

namespace lsmdb {

// Writes every entry of iter to the table file meta->number in dbname, syncs and closes
// it, and fills *meta (size, key and sequence ranges, counts). range_dels go to the
// table's range-deletion block; they count in the sequence range, and the key range is
// widened to [least begin, greatest end] (the end as its smallest internal key): the
// table is meant for L0, whose tables may overlap. An empty iterator without range_dels writes no
// file and leaves meta->file_size 0. On error the partial file is removed. The caller syncs the
// directory before recording the table in the MANIFEST.
Status BuildTable(const std::string& dbname, FileSystem* fs, const TableOptions& options,
                  InternalIterator* iter, FileMetaData* meta,
                  std::vector<RangeTombstone> range_dels = {});

}  // namespace lsmdb

#endif  // LSMDB_DB_BUILDER_H_
