// `lsmdb verify PATH`: checks every live file of a database without writing anything.
//
// The database is not opened (DB::Open would write: a new MANIFEST, a new log). Instead
// verify reads CURRENT, replays the MANIFEST it names (log::Reader + VersionEdit) to find
// the live tables and the log number, then checks every live table (Table::Open with
// paranoid checks, then VerifyChecksums: every block's checksum and structure) and every
// live log (number >= the log number: every record's checksum and batch encoding). A
// table the MANIFEST names but the directory lacks, or whose size differs, is damage. A
// torn last record in the newest log is what a crash leaves and is not damage. When
// CURRENT or the MANIFEST cannot be read, every table and log in the directory is checked.
//
// Thread-safety: a plain function; it uses its own files and writes to `out`.
#ifndef LSMDB_TOOLS_LSMDB_VERIFY_H_
#define LSMDB_TOOLS_LSMDB_VERIFY_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "lsmdb/status.h"

namespace lsmdb::cli {

struct VerifyResult {
  uint64_t files = 0;    // files checked (CURRENT and the MANIFEST included)
  uint64_t damaged = 0;  // files found damaged or missing
  uint64_t bytes = 0;    // bytes of the files found intact
};

// Checks the database at path and prints one line per file ("ok 000012.sst 4.1 MiB",
// "DAMAGED 000012.sst: Corruption: ...") and a summary line to out, and a progress line
// on stderr when it is a terminal. Returns OK when the checking ran (whatever it found;
// see *result), or the error that prevented it (no such directory).
Status VerifyDatabase(const std::string& path, FILE* out, VerifyResult* result);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_VERIFY_H_
