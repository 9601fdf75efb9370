// Command dispatch of lsmdb-server: the command table, per-client state, and Execute,
// which runs one request (or queues it inside MULTI) and appends its reply.
//
// Thread-safety: Execute runs on a worker thread; a ClientState is used by one thread at a
// time (the server hands a connection to one worker at a time). ServerState is shared and
// synchronised.
#ifndef LSMDB_TOOLS_SERVER_COMMANDS_H_
#define LSMDB_TOOLS_SERVER_COMMANDS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "resp.h"
#include "store.h"

namespace lsmdb::server {

// Settings (flags, CONFIG GET/SET). Guarded by ServerState::mu.
struct Settings {
  std::string bind = "127.0.0.1";
  int port = 6379;
  std::string unixsocket;
  std::string dir;
  std::string requirepass;
  int64_t maxclients = 10000;
  int64_t proto_max_bulk_len = int64_t{512} << 20;
  int64_t client_query_buffer_limit = int64_t{1} << 30;
  int64_t client_output_buffer_limit = int64_t{256} << 20;
  int64_t max_args = 1024 * 1024;
  FsyncPolicy appendfsync = FsyncPolicy::kEverysec;
  int workers = 4;
};

struct ClientState {
  int64_t id = 0;
  int proto = 2;
  bool authed = false;
  std::string name;
  std::string addr;
  std::string laddr;
  int64_t created_ms = 0;
  std::string last_cmd;
  bool in_multi = false;
  bool multi_error = false;
  std::vector<std::vector<std::string>> queued;
  std::vector<std::pair<std::string, uint64_t>> watched;
  bool close_after_reply = false;
  bool shutdown_requested = false;
};

struct ServerState {
  Store* store = nullptr;
  std::mutex mu;
  Settings settings;
  std::map<int64_t, const ClientState*> clients;  // for CLIENT LIST / INFO, under mu
  int64_t start_ms = 0;
  std::atomic<int64_t> connections_received{0};
  std::atomic<int64_t> commands_processed{0};
  std::atomic<int64_t> rejected_connections{0};
  std::atomic<int64_t> connected_clients{0};
  std::atomic<int64_t> next_client_id{1};
  std::atomic<bool> shutdown{false};
  // SCAN cursors: id -> the key to resume at.
  std::mutex cursor_mu;
  std::map<uint64_t, std::string> cursors;
  uint64_t next_cursor = 1;
};

// Runs one request of the client and appends its reply(ies) to *out.
void Execute(ServerState* server, ClientState* client, std::vector<std::string>& argv,
             std::string* out);

// One line of CLIENT LIST for the client. REQUIRES: server->mu held.
std::string ClientInfoLine(const ClientState& c, int64_t now_ms);

}  // namespace lsmdb::server

#endif  // LSMDB_TOOLS_SERVER_COMMANDS_H_
