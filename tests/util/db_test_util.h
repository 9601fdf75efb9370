// Options shared by the DB tests that run a small database on an in-memory file system.
#ifndef LSMDB_TESTS_UTIL_DB_TEST_UTIL_H_
#define LSMDB_TESTS_UTIL_DB_TEST_UTIL_H_

#include <memory>
#include <utility>

#include "lsmdb/file_system.h"
#include "lsmdb/options.h"

namespace lsmdb::test {

// A small database on fs: created if missing, 64 KiB memtables (a few hundred writes
// flush one), and no automatic Resume() after a background error (tests resume
// explicitly). With manual_compactions, L0 neither triggers compactions nor slows or
// stops writes, so tests start compactions themselves (CompactRange) and know the table
// set at every check.
inline Options SmallDBOptions(std::shared_ptr<FileSystem> fs, bool manual_compactions) {
  Options o;
  o.file_system = std::move(fs);
  o.create_if_missing = true;
  o.write_buffer_size = 64 << 10;
  o.max_bgerror_resume_count = 0;
  if (manual_compactions) {
    o.level0_file_num_compaction_trigger = 100;
    o.level0_slowdown_writes_trigger = 100;
    o.level0_stop_writes_trigger = 100;
  }
  return o;
}

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_DB_TEST_UTIL_H_
