// The WAL recovery policy: what Open does with what replaying the logs found
// (docs/format/wal.md §5, whose table this function implements and is tested against).
//
// Recovery reads the live logs in order. At the end of each log it knows what the reader
// saw there (LogEnd) and, for a log that is not the last, what the next log's link says
// about it (LinkCheck: the link names the last write logged before the next log began).
// The boundary before the first log is judged the same way, as an older "log" that ended
// cleanly: the tables, checked against the first log's link.
//
// Thread-safety: a pure function of its arguments.
#ifndef LSMDB_DB_RECOVERY_POLICY_H_
#define LSMDB_DB_RECOVERY_POLICY_H_

#include <cstdint>
#include <string_view>

#include "lsmdb/options.h"

namespace lsmdb {

enum class LogPosition : uint8_t {
  kLast,   // the last log that holds a record (empty logs after it, and an Open's log
           // that holds only its link and that the MANIFEST never recorded, do not count)
  kOlder,  // a later log holds a record
};

// What the reader saw from the first damage or torn write to the end of the log. Replay
// applies only the records before it.
enum class LogEnd : uint8_t {
  kClean,                // no report
  kTornTail,             // the file ends inside a record
  kDamageAtEnd,          // damage, and no record that checks out after it
  kDamageBeforeRecords,  // damage, then at least one record that checks out
};

// The next log's link, checked against the logs before it.
enum class LinkCheck : uint8_t {
  kNone,          // there is no next log (the last log)
  kReached,       // the logs before it hold every write it names
  kShort,         // they fall short, and no later log shows the older logs were synced
  kShortSynced,   // they fall short, but a later log holds a sync mark: the older logs
                  // were synced whole, so no power loss explains the shortfall
  kUnlinked,      // the next log has no link (written before links existed)
  kManifestLost,  // the link names a log the MANIFEST still needs that is missing, or an
                  // Open's log holds writes the MANIFEST does not cover: synced edits lost
};

enum class RecoveryAction : uint8_t {
  kContinue,  // nothing to say; go on with the next log
  kDropTail,  // drop the torn or damaged end (it holds no acknowledged write), note it
              // in LOG, go on
  kStop,      // stop replay here: keep what came before, apply nothing after (in this
              // log or a later one), note in LOG what was left
  kFail,      // Open fails with Corruption
};

struct RecoveryCase {
  WalRecoveryMode mode = WalRecoveryMode::kTolerateCorruptedTailRecords;
  bool paranoid = false;
  LogPosition position = LogPosition::kLast;
  LogEnd end = LogEnd::kClean;
  // kNone for the last log; one of the others for an older log.
  LinkCheck next_link = LinkCheck::kNone;
};

// The decision for one case. Total: a last log ignores next_link, an older log given
// kNone is judged as kUnlinked.
RecoveryAction DecideRecovery(const RecoveryCase& c);

// Names as docs/format/wal.md §5 writes them ("torn tail", "drop tail", ...).
std::string_view ToString(LogEnd end);
std::string_view ToString(LinkCheck link);
std::string_view ToString(RecoveryAction action);

}  // namespace lsmdb

#endif  // LSMDB_DB_RECOVERY_POLICY_H_
