// The lines RepairDB writes (to its LOG and to RepairReport::losses) for what it could not
// keep: per damaged table or log, how many records were lost and which keys may now show
// an older value or none.
//
// Thread-safety: plain functions.
#ifndef LSMDB_DB_REPAIR_LOSSES_H_
#define LSMDB_DB_REPAIR_LOSSES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "db/table_salvage.h"
#include "lsmdb/repair.h"

namespace lsmdb {

// key in double quotes, printable ASCII as is, other bytes (and '"', '\') as \xHH; at
// most 64 bytes of it, then "...".
std::string QuoteKey(std::string_view key);

// Adds to *report what salvaging the table `name` (whose readable entries, report.entries,
// were kept) lost, if anything. Returns the line added, or "" if nothing was lost.
std::string NoteTableLoss(const std::string& name, const SalvageReport& salvage,
                          RepairReport* report);

// Adds to *report what replaying the log `name` lost: `skipped_records` records that
// checked out but did not decode as batches, and `damaged_bytes` bytes that could not be
// read as records (their records cannot be counted). Returns the line added, or "".
std::string NoteLogLoss(const std::string& name, uint64_t skipped_records, uint64_t damaged_bytes,
                        RepairReport* report);

// The one-line summary of *report: "nothing lost" or what was.
std::string LossSummary(const RepairReport& report);

}  // namespace lsmdb

#endif  // LSMDB_DB_REPAIR_LOSSES_H_
