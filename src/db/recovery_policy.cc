#include "db/recovery_policy.h"

namespace lsmdb {

namespace {

// A torn tail or damage that no good record follows, in the default mode.
RecoveryAction DecideTailInDefaultMode(const RecoveryCase& c, LinkCheck link) {
  if (c.position == LogPosition::kLast) {
    // What a crash in the middle of a write leaves (in a mapped log, a checksum mismatch
    // in the final record); paranoid_checks logs are written with write(), whose torn
    // writes the end of the file cuts off, so there damage is damage.
    return c.end == LogEnd::kTornTail || !c.paranoid ? RecoveryAction::kDropTail
                                                     : RecoveryAction::kFail;
  }
  if (c.paranoid) return RecoveryAction::kFail;
  switch (link) {
    case LinkCheck::kReached:
      return RecoveryAction::kDropTail;  // past every write of the log: a failed append
    case LinkCheck::kShort:
      return RecoveryAction::kStop;  // a power loss cut the log's unsynced tail
    default:
      return RecoveryAction::kFail;  // synced, or nothing to judge it by
  }
}

// A log that ended cleanly, judged by the next log's link.
RecoveryAction DecideCleanEnd(const RecoveryCase& c, LinkCheck link) {
  if (c.position == LogPosition::kLast) return RecoveryAction::kContinue;
  const bool pit = c.mode == WalRecoveryMode::kPointInTimeRecovery;
  switch (link) {
    case LinkCheck::kShort:
      // The strict modes sync every log as they switch away from it, so no power loss
      // leaves an older log short there.
      if (c.mode == WalRecoveryMode::kAbsoluteConsistency || c.paranoid) {
        return RecoveryAction::kFail;
      }
      return RecoveryAction::kStop;
    case LinkCheck::kShortSynced:
      return pit ? RecoveryAction::kStop : RecoveryAction::kFail;
    default:
      return RecoveryAction::kContinue;
  }
}

}  // namespace

RecoveryAction DecideRecovery(const RecoveryCase& c) {
  LinkCheck link = c.next_link;
  if (c.position == LogPosition::kLast) {
    link = LinkCheck::kNone;
  } else if (link == LinkCheck::kNone) {
    link = LinkCheck::kUnlinked;
  }
  if (link == LinkCheck::kManifestLost) return RecoveryAction::kFail;
  const bool pit = c.mode == WalRecoveryMode::kPointInTimeRecovery;
  switch (c.end) {
    case LogEnd::kClean:
      return DecideCleanEnd(c, link);
    case LogEnd::kDamageBeforeRecords:
      return pit ? RecoveryAction::kStop : RecoveryAction::kFail;
    case LogEnd::kTornTail:
    case LogEnd::kDamageAtEnd:
      if (c.mode == WalRecoveryMode::kAbsoluteConsistency) return RecoveryAction::kFail;
      if (pit) return RecoveryAction::kStop;
      return DecideTailInDefaultMode(c, link);
  }
  return RecoveryAction::kFail;
}

std::string_view ToString(LogEnd end) {
  switch (end) {
    case LogEnd::kClean:
      return "clean";
    case LogEnd::kTornTail:
      return "torn tail";
    case LogEnd::kDamageAtEnd:
      return "damage at end";
    case LogEnd::kDamageBeforeRecords:
      return "damage then records";
  }
  return "?";
}

std::string_view ToString(LinkCheck link) {
  switch (link) {
    case LinkCheck::kNone:
      return "none";
    case LinkCheck::kReached:
      return "reached";
    case LinkCheck::kShort:
      return "short";
    case LinkCheck::kShortSynced:
      return "short synced";
    case LinkCheck::kUnlinked:
      return "unlinked";
    case LinkCheck::kManifestLost:
      return "manifest lost";
  }
  return "?";
}

std::string_view ToString(RecoveryAction action) {
  switch (action) {
    case RecoveryAction::kContinue:
      return "continue";
    case RecoveryAction::kDropTail:
      return "drop tail";
    case RecoveryAction::kStop:
      return "stop";
    case RecoveryAction::kFail:
      return "fail";
  }
  return "?";
}

}  // namespace lsmdb
