// The database of the damage matrix (tests/damage_matrix_test.cc), built on a
// MemFileSystem in phases, with the model of every acknowledged write:
//   1. 1200 keys, flushed and compacted to L1 (several tables: the "deep" tables);
//      then a reopen, which starts a new MANIFEST (the old one is kept aside as the
//      "other valid MANIFEST");
//   2. two flushes of overwrites, deletes and new keys (in batches): two L0 tables;
//   3. flushes held: unsynced overwrites until the memtable switches (the older log),
//      then synced writes (which sync the older log too) and unsynced writes, puts,
//      deletes and batches, after them (the newest log); the held flush then fails and
//      the database is closed, so both logs stay live.
// Values have a fixed length and no compression is used, so the layout of every file
// is the same whatever the seed; the seed only chooses the value bytes.
//
// Thread-safety: plain values.
#ifndef LSMDB_TESTS_UTIL_DAMAGE_DB_H_
#define LSMDB_TESTS_UTIL_DAMAGE_DB_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "lsmdb/file_system.h"
#include "lsmdb/options.h"
#include "lsmdb/status.h"
#include "tests/util/ack_model.h"

namespace lsmdb::test {

inline constexpr char kDamageDbDir[] = "/db";

struct DamageDb {
  std::map<std::string, std::string> files;  // name in the directory -> contents
  AckModel model;
  std::string newest_log, older_log;   // file names
  std::string l0_table, l0_other;      // the newer and the older L0 table
  std::string deep_table, deep_other;  // two L1 tables
  std::string manifest, current;       // "MANIFEST-n", "CURRENT"
  std::string old_manifest;            // contents of the MANIFEST before the reopen
  std::string old_manifest_name;
  uint64_t newest_log_synced = 0;   // bytes of the newest log written when synced
  uint64_t newest_last_record = 0;  // offset of the newest log's last record
};

// The options every open of the matrix uses on fs (create_if_missing false).
Options DamageDbOptions(std::shared_ptr<FileSystem> fs, bool paranoid);

// Builds the database with values chosen by seed.
Status BuildDamageDb(uint64_t seed, DamageDb* out);

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_DAMAGE_DB_H_
