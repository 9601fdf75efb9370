// The interactive shell: `lsmdb [PATH]`.
//
// Reads commands from standard input, one per line, and runs them in one Session. On a
// terminal it prompts, edits lines and keeps a history (libedit), times every command
// and may use colour. Otherwise (a script or a pipe) it prints only results, one per
// line, and stops at the first error with its exit status (2 for a usage error, 1 for an
// engine error) unless keep_going is set. An uncommitted batch at the end of a script is
// discarded and makes the exit status 1.
//
// On a terminal, Ctrl-C drops the line being typed, or stops a running scan or load,
// and the session goes on; leaving (Ctrl-D, exit) with an open batch asks first.
//
// Thread-safety: runs on the calling thread; uses stdin, stdout and stderr.
#ifndef LSMDB_TOOLS_LSMDB_SHELL_H_
#define LSMDB_TOOLS_LSMDB_SHELL_H_

#include <string>

#include "lsmdb/db.h"

namespace lsmdb::cli {

struct ShellOptions {
  // In a script, run every line even after errors; the exit status is then that of the
  // first error.
  bool keep_going = false;
  // On a terminal, print the time each database command took.
  bool timing = true;
  // The terminal shows UTF-8: keys and values print as text (ValueStyle::kText).
  bool utf8 = false;
  // The path of the open database: `verify` without a PATH checks it.
  std::string db_path;
};

// Runs the shell on db until the end of input or `exit`. Returns the exit status.
// REQUIRES: db is open and outlives the call.
int RunShell(DB* db, const ShellOptions& options);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_SHELL_H_
