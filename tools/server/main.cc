// lsmdb-server: a Redis-protocol server over an lsmdb database (docs/SERVER.md).
//
//   lsmdb-server --dir PATH [--port N] [--bind ADDR] [--unixsocket PATH]
//                [--requirepass PASS] [--maxclients N] [--appendfsync always|everysec|no]
//                [--workers N] [--proto-max-bulk-len N] [--client-query-buffer-limit N]
//                [--client-output-buffer-limit N] [--max-args N] [--write-buffer-size N]
//                [--block-cache-size N]
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.h"
#include "lsmdb/db.h"
#include "server.h"
#include "util_text.h"

namespace {

using lsmdb::server::FsyncPolicy;

void Usage() {
  std::fprintf(stderr,
               "usage: lsmdb-server --dir PATH [--port N (default 6379; 0: no TCP)]\n"
               "  [--bind ADDR (default 127.0.0.1)] [--unixsocket PATH] [--requirepass PASS]\n"
               "  [--maxclients N] [--appendfsync always|everysec|no (default everysec)]\n"
               "  [--workers N (default 4)] [--proto-max-bulk-len N]\n"
               "  [--client-query-buffer-limit N] [--client-output-buffer-limit N]\n"
               "  [--max-args N] [--write-buffer-size N] [--block-cache-size N]\n");
}

bool ParseNum(const char* s, int64_t lo, int64_t* out) {
  return lsmdb::server::ParseStrictInt64(s, out) && *out >= lo;
}

}  // namespace

int main(int argc, char** argv) {
  lsmdb::server::ServerState state;
  lsmdb::server::Settings& st = state.settings;
  lsmdb::Options options;
  options.create_if_missing = true;
  for (int i = 1; i < argc; i++) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      Usage();
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "lsmdb-server: %s needs a value\n", flag.c_str());
      Usage();
      return 2;
    }
    const char* v = argv[++i];
    int64_t n = 0;
    bool ok = true;
    if (flag == "--dir") {
      st.dir = v;
    } else if (flag == "--bind") {
      st.bind = v;
    } else if (flag == "--unixsocket") {
      st.unixsocket = v;
    } else if (flag == "--requirepass") {
      st.requirepass = v;
    } else if (flag == "--appendfsync") {
      std::string p = v;
      ok = p == "always" || p == "everysec" || p == "no";
      st.appendfsync = p == "always"     ? FsyncPolicy::kAlways
                       : p == "everysec" ? FsyncPolicy::kEverysec
                                         : FsyncPolicy::kNo;
    } else if ((ok = ParseNum(v, 0, &n))) {
      if (flag == "--port" && n <= 65535)
        st.port = static_cast<int>(n);
      else if (flag == "--maxclients" && n >= 1)
        st.maxclients = n;
      else if (flag == "--workers" && n >= 1 && n <= 256)
        st.workers = static_cast<int>(n);
      else if (flag == "--proto-max-bulk-len" && n >= 1)
        st.proto_max_bulk_len = n;
      else if (flag == "--client-query-buffer-limit" && n >= 1)
        st.client_query_buffer_limit = n;
      else if (flag == "--client-output-buffer-limit" && n >= 1)
        st.client_output_buffer_limit = n;
      else if (flag == "--max-args" && n >= 1)
        st.max_args = n;
      else if (flag == "--write-buffer-size")
        options.write_buffer_size = static_cast<size_t>(n);
      else if (flag == "--block-cache-size")
        options.block_cache_capacity = static_cast<size_t>(n);
      else
        ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "lsmdb-server: bad flag or value: %s %s\n", flag.c_str(), v);
      Usage();
      return 2;
    }
  }
  if (st.dir.empty()) {
    std::fprintf(stderr, "lsmdb-server: --dir is required\n");
    Usage();
    return 2;
  }
  if (st.port == 0 && st.unixsocket.empty()) {
    std::fprintf(stderr, "lsmdb-server: --port 0 needs --unixsocket\n");
    return 2;
  }
  lsmdb::server::BlockShutdownSignals();
  std::error_code ec;
  std::filesystem::create_directories(st.dir, ec);  // a failure shows in DB::Open
  std::unique_ptr<lsmdb::DB> db;
  lsmdb::Status s = lsmdb::DB::Open(options, st.dir, &db);
  if (!s.ok()) {
    std::fprintf(stderr, "lsmdb-server: cannot open %s: %s\n", st.dir.c_str(),
                 s.ToString().c_str());
    return 1;
  }
  auto store = std::make_unique<lsmdb::server::Store>(std::move(db), st.appendfsync);
  state.store = store.get();
  state.start_ms = lsmdb::server::NowMs();
  int rc = lsmdb::server::RunServer(&state);
  // Clean shutdown: the memtables go to tables, then the database is closed.
  s = store->db()->Flush();
  if (!s.ok()) {
    std::fprintf(stderr, "lsmdb-server: flush at shutdown: %s\n", s.ToString().c_str());
    rc = rc == 0 ? 1 : rc;
  }
  store.reset();
  std::fprintf(stderr, "lsmdb-server: database closed\n");
  return rc;
}
