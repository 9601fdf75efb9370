// RepairDB with a report of what the repair could not keep.
//
// Repair keeps every record that can still be read (RepairDB in lsmdb/db.h). A record
// that cannot be read is lost, and where it had overwritten or deleted an older version
// of its key held elsewhere, that older version is what the repaired database returns.
// The report says so: how many records were lost where that can be counted, and, per
// damaged file, which keys may now show an older value (or none).
//
// Thread-safety: RepairReport is a plain value.
#ifndef LSMDB_REPAIR_H_
#define LSMDB_REPAIR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lsmdb/export.h"
#include "lsmdb/options.h"
#include "lsmdb/status.h"

namespace lsmdb {

struct RepairReport {
  uint64_t logs = 0;            // logs found and replayed
  uint64_t tables = 0;          // tables found
  uint64_t damaged_tables = 0;  // tables rewritten with what could be read of them
  uint64_t records_lost = 0;    // records known to be lost (table entries, log records)
  bool uncounted_loss = false;  // damage whose records cannot be counted was met
  uint64_t trailing_bytes = 0;  // bytes found after the end of tables, ignored
  // One line per damaged file: the file, what was lost, and which keys may now show an
  // older value or none (for example `000012.sst: 77 of 300 records lost; keys
  // "key000300" .. "key000377" may now show an older value or none`).
  std::vector<std::string> losses;

  // True if records may have been lost: the repaired database may answer some keys with
  // older values (or none) than the damaged one held.
  bool lost() const { return records_lost > 0 || uncounted_loss; }
};

// As RepairDB(path, options), and fills *report (REQUIRES: not null) with what was lost,
// also when the repair fails part way (then nothing was changed).
LSMDB_EXPORT Status RepairDB(const std::string& path, const Options& options, RepairReport* report);

}  // namespace lsmdb

#endif  // LSMDB_REPAIR_H_
