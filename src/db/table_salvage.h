// SalvageTable: reads what can still be read of a damaged table file, for RepairDB.
//
// The table is walked block by block through its footer and index (docs/format/sstable.md):
// each data block is read and checksum-verified on its own, so one damaged block costs
// only its own entries. Within a readable block, entries are kept until the block's
// encoding goes wrong. An entry is passed on only if its key parses as an internal key
// and sorts after the previous entry passed on, so the output is always a valid,
// strictly increasing sequence. Nothing can be salvaged when the footer or the index
// block is damaged.
//
// Thread-safety: a plain function without shared state.
#ifndef LSMDB_DB_TABLE_SALVAGE_H_
#define LSMDB_DB_TABLE_SALVAGE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "lsmdb/file_system.h"
#include "lsmdb/status.h"
#include "util/internal_key.h"

namespace lsmdb {

struct SalvageReport {
  uint64_t blocks = 0;           // data blocks the index names
  uint64_t bad_blocks = 0;       // blocks skipped, wholly or in part, for damage
  uint64_t entries = 0;          // entries passed to the callback
  uint64_t dropped_entries = 0;  // entries read but dropped (bad key, out of order)
  Status first_error;            // the first damage met; OK if none
};

// Reads the table in file (file_size bytes, named file_name in messages) and calls
// add(ikey, value) for every entry that can be read, in increasing icmp order; the bytes
// are valid only during the call. Returns Corruption (or an IOError), having called add
// for nothing, if the footer or the index block cannot be read; otherwise OK, with the
// damage found in *report.
Status SalvageTable(const RandomAccessFile* file, const std::string& file_name, uint64_t file_size,
                    const InternalKeyComparator& icmp,
                    const std::function<void(std::string_view, std::string_view)>& add,
                    SalvageReport* report);

}  // namespace lsmdb

#endif  // LSMDB_DB_TABLE_SALVAGE_H_
