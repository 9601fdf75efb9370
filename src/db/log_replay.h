// LogReplay: what recovery's reading of one log found (db_recovery.cc, db_readonly.cc).
#ifndef LSMDB_DB_LOG_REPLAY_H_
#define LSMDB_DB_LOG_REPLAY_H_

#include <cstdint>
#include <memory>
#include <string>

#include "db/recovery_policy.h"
#include "lsmdb/status.h"
#include "memtable/memtable.h"
#include "util/internal_key.h"

namespace lsmdb {

struct LogReplay {
  std::string fname;
  LogEnd end = LogEnd::kClean;
  Status report;  // the first report: Corruption naming the file and offset
  uint64_t report_offset = 0;
  size_t report_bytes = 0;
  uint64_t applied = 0;  // batches applied
  uint64_t left = 0;     // batches after the first report, not applied
  bool any_batch = false;
  SequenceNumber last = 0;        // the last sequence applied
  std::shared_ptr<MemTable> mem;  // read-only: the batches applied, kept in memory
};

}  // namespace lsmdb

#endif  // LSMDB_DB_LOG_REPLAY_H_
