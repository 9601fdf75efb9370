// Ctrl-C in the interactive shell: SIGINT sets a flag instead of ending the process.
//
// The shell installs the handler on a terminal only (a script keeps the default: Ctrl-C
// ends it). Reading a line, the flag makes the reader drop the half-typed line; during a
// command, long loops (scan, count, load, export) poll Interrupted() and stop early.
//
// Thread-safety: the flag is a sig_atomic_t written by the handler and read and
// cleared by the shell's thread.
#ifndef LSMDB_TOOLS_LSMDB_INTERRUPT_H_
#define LSMDB_TOOLS_LSMDB_INTERRUPT_H_

namespace lsmdb::cli {

// Installs the SIGINT handler (without SA_RESTART, so that a blocked read returns
// EINTR).
void CatchInterrupts();
// True if SIGINT arrived since the last ClearInterrupt().
bool Interrupted();
void ClearInterrupt();

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_INTERRUPT_H_
