// What CURRENT and the MANIFEST it names say is live, for `lsmdb verify` (verify.h).
//
// Thread-safety: a plain function of the files it reads.
#ifndef LSMDB_TOOLS_LSMDB_VERIFY_STATE_H_
#define LSMDB_TOOLS_LSMDB_VERIFY_STATE_H_

#include <cstdint>
#include <map>
#include <string>

#include "lsmdb/file_system.h"
#include "version/version_edit.h"

namespace lsmdb::cli {

struct LiveState {
  // CURRENT: its size and the MANIFEST it names; current_damage is non-empty (the
  // reason) when it is missing or names no MANIFEST (then nothing below is known).
  std::string current_damage;
  uint64_t current_size = 0;
  std::string manifest;  // "MANIFEST-000006"
  // The MANIFEST: manifest_damage is non-empty (the reason) when it is missing
  // (manifest_missing) or cannot be replayed (then the fields below are what came before
  // the damage).
  std::string manifest_damage;
  bool manifest_missing = false;
  bool manifest_torn = false;  // its last edit is torn (what a crash during an append leaves)
  uint64_t manifest_size = 0;
  std::map<uint64_t, FileMetaData> tables;  // by number
  uint64_t log_number = 0;

  bool ok() const { return current_damage.empty() && manifest_damage.empty(); }
  // Whether a file of that kind and number is live in this state. When the state could
  // not be read, everything is taken for live.
  bool IsLiveTable(uint64_t number) const { return !ok() || tables.count(number) > 0; }
  bool IsLiveLog(uint64_t number) const { return !ok() || number >= log_number; }
};

// Reads CURRENT, then the MANIFEST it names. A writer may replace the MANIFEST (and
// delete the old one) between the two reads: when the MANIFEST is missing and CURRENT
// names another one by then, the reading starts again (a bounded number of times).
LiveState ReadLiveState(FileSystem* fs, const std::string& dbname);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_VERIFY_STATE_H_
