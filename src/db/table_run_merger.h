// Merging tables into one sorted run, for RepairDB.
//
// L0 is searched newest first, by each table's largest sequence number. That order finds
// the newest version of every key only if no two tables share both user keys and
// sequence numbers: TablesNeedMerge() tells. MergeTablesIntoRun() rewrites such a set as
// one run of tables whose user-key ranges are disjoint (every version of every key kept,
// exact duplicates dropped), which is correct at any level whatever its order.
//
// Thread-safety: plain functions; the tables must not change meanwhile.
#ifndef LSMDB_DB_TABLE_RUN_MERGER_H_
#define LSMDB_DB_TABLE_RUN_MERGER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lsmdb/file_system.h"
#include "sstable/table_builder.h"
#include "util/internal_key.h"
#include "version/version_edit.h"

namespace lsmdb {

// True if two of tables overlap both in user keys and in sequence numbers.
bool TablesNeedMerge(const InternalKeyComparator& icmp, const std::vector<FileMetaData>& tables);

// Reads every entry of the tables `inputs` in dbname and writes them, in order, to new
// tables numbered by new_file_number(), each cut once it reaches target_file_size at the
// next change of user key. Fills *outputs. The inputs are left in place. On error, the
// outputs written so far are left for the caller to remove (their numbers came from
// new_file_number).
// REQUIRES: options.comparator is icmp.
Status MergeTablesIntoRun(const std::string& dbname, FileSystem* fs, const TableOptions& options,
                          const InternalKeyComparator& icmp, uint64_t target_file_size,
                          const std::vector<FileMetaData>& inputs,
                          const std::function<uint64_t()>& new_file_number,
                          std::vector<FileMetaData>* outputs);

}  // namespace lsmdb

#endif  // LSMDB_DB_TABLE_RUN_MERGER_H_
