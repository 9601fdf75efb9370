// The network side of lsmdb-server: one epoll event loop (the I/O thread) serving TCP and
// Unix-socket clients, and a pool of worker threads that run the commands.
//
// A connection's parsed requests go to a worker as one job (at most one job per connection
// at a time, so a connection's replies stay in order and its ClientState has one user);
// the worker appends the replies and hands the job back through an eventfd. The I/O
// thread never touches the database. A client whose unsent replies pass a soft limit is
// not read until they drain (a slow reader holds back only itself); past the hard
// client-output-buffer limit it is disconnected.
//
// Thread-safety: Run is called once, from one thread; RequestShutdown from any thread or
// a signal handler is not needed (SIGTERM/SIGINT are read through a signalfd).
#ifndef LSMDB_TOOLS_SERVER_SERVER_H_
#define LSMDB_TOOLS_SERVER_SERVER_H_

#include <string>

#include "commands.h"

namespace lsmdb::server {

// Blocks SIGTERM and SIGINT (RunServer reads them from a signalfd) and ignores SIGPIPE.
// REQUIRES: called before any thread is started (DB::Open starts some), so all inherit it.
void BlockShutdownSignals();

// Binds the listeners of server->settings, serves until SHUTDOWN, SIGTERM or SIGINT, then
// stops the workers and closes every connection. Returns 0, or 1 if a listener could not
// be set up (the reason is printed to stderr).
int RunServer(ServerState* server);

}  // namespace lsmdb::server

#endif  // LSMDB_TOOLS_SERVER_SERVER_H_
