// LogLink: the first record of a WAL started by a memtable switch. It names the log
// before it and the last sequence number written to that log, so that recovery can tell
// a predecessor that lost its unsynced tail in a power loss from one that is whole.
//
// Why: a memtable switch does not sync the old log (that would put an fdatasync of up to
// a memtable's worth of log on the writer's path). After a power loss the kernel may have
// written back pages of the new log but not the old log's tail. Replaying the new log then
// would give a state that is not a prefix of the writes. With the link, recovery stops
// before the new log when the old one falls short (docs/format/wal.md §5). A synced write
// is never in such a new log: the write path syncs every older log still needed before
// its first synced write (DBImpl::SyncClosedLogs).
//
// Encoding: a batch header with no entries, then a tag and the log number:
//   fixed64 prev_last_sequence | fixed32 count = 0 | byte 'L' | varint64 prev_log_number
// A batch record never has count 0 (the write path drops empty batches), so the two
// cannot be confused.
//
// The sync mark: a second record of the same shape, written into a log by the first
// synced write in it that had to sync older logs, after they (and the directory) were
// synced and before the write's own record:
//   fixed64 0 | fixed32 count = 0 | byte 'S'
// It says every older log still needed was whole on disk when it was written, so that
// recovery can tell an older log that a power loss cut short (no sync mark after it) from
// one that was damaged (docs/format/wal.md §2, §5).
//
// Thread-safety: plain functions and values.
#ifndef LSMDB_DB_LOG_LINK_H_
#define LSMDB_DB_LOG_LINK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lsmdb/status.h"
#include "util/internal_key.h"

namespace lsmdb {

struct LogLink {
  enum class Kind : uint8_t { kLink, kSyncMark };
  uint64_t prev_log_number = 0;
  // The last sequence number of the last batch written to that log, or 0 if it holds
  // no batch (a memtable filled only by writes with disable_wal).
  SequenceNumber prev_last_sequence = 0;
  // kSyncMark: the record is a sync mark, and the fields above are unused (0).
  Kind kind = Kind::kLink;
};

std::string EncodeLogLink(const LogLink& link);
std::string EncodeLogSyncMark();

// Classifies a WAL record. A record whose header says count 0 must be a well-formed
// link or sync mark: *is_link = true and *link filled (link->kind tells which; a reader
// that only skips links skips sync marks too). Any other record of at least a batch header is
// a batch: *is_link = false. Corruption for a record shorter than a batch header, or a
// count-0 record that is not a link (naming what is wrong).
Status DecodeLogLink(std::string_view record, bool* is_link, LogLink* link);

}  // namespace lsmdb

#endif  // LSMDB_DB_LOG_LINK_H_
