// Session: runs parsed commands against an open database.
//
// A Session holds what lasts between the commands of one shell: the batch being built
// (`batch` ... `commit`) and the snapshot reads use (`snapshot` ... `release`). Run from
// the command line, a Session executes one command and ends.
//
// Thread-safety: not synchronised; one thread uses a Session.
#ifndef LSMDB_TOOLS_LSMDB_SESSION_H_
#define LSMDB_TOOLS_LSMDB_SESSION_H_

#include <optional>
#include <string>

#include "commands.h"
#include "lsmdb/db.h"
#include "lsmdb/write_batch.h"
#include "output.h"

namespace lsmdb::cli {

// The result of a command, and the exit status it maps to.
enum class Outcome {
  kOk,          // done (a missing key is kOk too)
  kUsageError,  // the command was malformed; nothing was done. Exit status 2.
  kFailed,      // the engine or the file system reported an error. Exit status 1.
  kExit,        // `exit` or `quit`
};
int ExitStatus(Outcome outcome);

class Session {
 public:
  // in_shell: commands come from the shell (shell-only commands are allowed; `load` then
  // needs a FILE, since standard input holds the commands). interactive: a person reads
  // the output on a terminal (listings end with a count line).
  // REQUIRES: db and out outlive the Session; db may be null only for commands of
  // DbUse::kNone.
  Session(DB* db, Output* out, bool in_shell, bool interactive);
  ~Session();  // releases the snapshot; an open batch is dropped
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs one command and prints its result (to out's result stream) or its error.
  // REQUIRES: inv was filled by ParseInvocation.
  Outcome Execute(const Invocation& inv);

  // A short description of the state for the prompt: "", "batch 3", "snapshot",
  // "batch 3, snapshot".
  std::string State() const;
  bool in_batch() const { return batch_.has_value(); }
  // Drops an open batch, warning how many updates are lost. Returns true if there was one.
  bool DiscardBatch();

 private:
  Outcome Dispatch(const Invocation& inv);
  Outcome Help(const Invocation& inv);
  // The VALUE of put: its argument, standard input (-x) or --value-file. On failure
  // prints the reason and sets *error.
  bool ValueOf(const Invocation& inv, std::string* value, Outcome* error);
  Outcome Get(const Invocation& inv);
  Outcome PutOrDelete(const Invocation& inv, bool is_put);
  Outcome DeleteRange(const Invocation& inv);
  Outcome Scan(const Invocation& inv, bool count_only);
  Outcome Batch(const Invocation& inv);
  Outcome Snapshot(const Invocation& inv);
  Outcome FlushOrCompact(const Invocation& inv);
  Outcome Property(const Invocation& inv, const std::string& name);
  Outcome Load(const Invocation& inv);
  Outcome Export(const Invocation& inv);
  Outcome Checkpoint(const Invocation& inv);
  // Files and whole databases (dump.h, verify.h, RepairDB); no open database needed.
  Outcome Dump(const Invocation& inv);
  Outcome Verify(const Invocation& inv);
  Outcome Repair(const Invocation& inv);

  // Prints "NAME: status" and returns kFailed.
  Outcome Fail(const Invocation& inv, const Status& s);
  // Prints "NAME: message" and returns kUsageError.
  Outcome Usage(const Invocation& inv, const std::string& message);
  ReadOptions Reading() const;

  DB* const db_;
  Output* const out_;
  const bool in_shell_;
  const bool interactive_;
  std::optional<WriteBatch> batch_;
  const lsmdb::Snapshot* snapshot_ = nullptr;
};

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_SESSION_H_
