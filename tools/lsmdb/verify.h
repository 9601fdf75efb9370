// `lsmdb verify PATH`: checks every live file of a database without writing anything.
//
// The database is not opened for writing (DB::Open would write: a new MANIFEST, a new
// log). Verify reads CURRENT, replays the MANIFEST it names to find the live tables and
// the log number, then checks every live table (its size, its identity -- first and last
// key, entry count -- against its MANIFEST record, then every block's checksum and
// structure) and every live log (number >= the log number: every record's checksum and
// batch encoding). Last it opens the database read-only (DB::OpenForReadOnly), which
// runs Open's own checks of the whole: the links between the logs (an older log cut
// short or missing while a newer one holds writes synced after it), a MANIFEST whose
// torn end lost synced edits. A table the MANIFEST names but the directory lacks, or
// whose size or identity differs, is damage. A torn last record in the newest log is
// what a crash leaves and is not damage. When CURRENT or the MANIFEST cannot be read,
// every table and log in the directory is checked.
//
// A live database: a file that cannot be read, or reads damaged, is judged again against
// the state CURRENT and the MANIFEST show then. A file that is no longer live there was
// deleted (or made obsolete) by the engine while verify ran: it is not damage, and it is
// reported only with `verbose` ("gone NAME: ..."). The newest log, which a writer may be
// appending to, is read again while its damage moves.
//
// Thread-safety: a plain function; it uses its own files and writes to `out`.
#ifndef LSMDB_TOOLS_LSMDB_VERIFY_H_
#define LSMDB_TOOLS_LSMDB_VERIFY_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "lsmdb/file_system.h"
#include "lsmdb/status.h"

namespace lsmdb::cli {

struct VerifyOptions {
  // The file system holding the database; null: FileSystem::Default().
  std::shared_ptr<FileSystem> file_system;
  // Also print a line for each file deleted by the engine while verify ran.
  bool verbose = false;
};

struct VerifyResult {
  uint64_t files = 0;    // files checked (CURRENT and the MANIFEST included)
  uint64_t damaged = 0;  // files found damaged or missing
  uint64_t bytes = 0;    // bytes of the files found intact
  uint64_t gone = 0;     // files deleted by the engine while verify ran (not damage)
};

// Checks the database at path and prints one line per file ("ok 000012.sst 4.1 MiB",
// "DAMAGED 000012.sst: Corruption: ...") and a summary line to out, and a progress line
// on stderr when it is a terminal. Returns OK when the checking ran (whatever it found;
// see *result), or the error that prevented it (no such directory).
Status VerifyDatabase(const std::string& path, const VerifyOptions& options, FILE* out,
                      VerifyResult* result);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_VERIFY_H_
