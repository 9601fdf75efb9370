// Server commands: INFO, CONFIG GET/SET/RESETSTAT, TIME, SHUTDOWN, and CLIENT LIST lines.
#include <unistd.h>

#include "cmd_util.h"

namespace lsmdb::server {

namespace {

const char* PolicyName(FsyncPolicy p) {
  return p == FsyncPolicy::kAlways ? "always" : p == FsyncPolicy::kEverysec ? "everysec" : "no";
}

// name -> current value of each CONFIG parameter. REQUIRES: server->mu held.
std::vector<std::pair<std::string, std::string>> ConfigValues(ServerState* s) {
  const Settings& st = s->settings;
  return {
      {"appendfsync", PolicyName(s->store->policy())},
      {"appendonly", "yes"},
      {"bind", st.bind},
      {"client-query-buffer-limit", std::to_string(st.client_query_buffer_limit)},
      {"databases", "1"},
      {"dir", st.dir},
      {"maxclients", std::to_string(st.maxclients)},
      {"port", std::to_string(st.port)},
      {"proto-max-bulk-len", std::to_string(st.proto_max_bulk_len)},
      {"requirepass", st.requirepass},
      {"save", ""},
      {"unixsocket", st.unixsocket},
  };
}

void ConfigGet(Ctx& c) {
  std::vector<std::pair<std::string, std::string>> hits;
  {
    std::lock_guard<std::mutex> l(c.server->mu);
    for (auto& [k, v] : ConfigValues(c.server)) {
      for (size_t i = 2; i < c.argc(); i++) {
        if (GlobMatch(AsciiLower(c.argv[i]), k, true)) {
          hits.emplace_back(k, v);
          break;
        }
      }
    }
  }
  c.w->Map(hits.size());
  for (auto& [k, v] : hits) {
    c.w->Bulk(k);
    c.w->Bulk(v);
  }
}

// Applies one CONFIG SET pair; returns an error text or "".
std::string ConfigSetOne(Ctx& c, const std::string& name, const std::string& value) {
  Settings& st = c.server->settings;
  int64_t n = 0;
  if (name == "requirepass") {
    st.requirepass = value;
  } else if (name == "appendfsync") {
    std::string v = AsciiLower(value);
    FsyncPolicy p = v == "always"     ? FsyncPolicy::kAlways
                    : v == "everysec" ? FsyncPolicy::kEverysec
                                      : FsyncPolicy::kNo;
    if (v != "always" && v != "everysec" && v != "no") return "argument(s) must be one of";
    if (p == FsyncPolicy::kAlways) (void)c.server->store->SyncLog();
    c.server->store->set_policy(p);
    st.appendfsync = p;
  } else if (name == "maxclients" || name == "proto-max-bulk-len" ||
             name == "client-query-buffer-limit") {
    if (!ParseStrictInt64(value, &n) || n < 1) return "argument couldn't be parsed into an integer";
    if (name == "maxclients") st.maxclients = n;
    if (name == "proto-max-bulk-len") st.proto_max_bulk_len = n;
    if (name == "client-query-buffer-limit") st.client_query_buffer_limit = n;
  } else if (name == "save" || name == "appendonly") {
    // Accepted for client compatibility: lsmdb always logs every write.
  } else {
    return "unknown";
  }
  return "";
}

void Config(Ctx& c) {
  std::string sub = AsciiLower(c.argv[1]);
  if (sub == "get") {
    if (c.argc() < 3) return c.Err("ERR wrong number of arguments for 'config|get' command");
    return ConfigGet(c);
  }
  if (sub == "set") {
    if (c.argc() < 4 || c.argc() % 2 != 0) {
      return c.Err("ERR wrong number of arguments for 'config|set' command");
    }
    std::lock_guard<std::mutex> l(c.server->mu);
    for (size_t i = 2; i + 1 < c.argc(); i += 2) {
      std::string name = AsciiLower(c.argv[i]);
      std::string err = ConfigSetOne(c, name, c.argv[i + 1]);
      if (err == "unknown") {
        return c.Err("ERR Unknown option or number of arguments for CONFIG SET - '" + c.argv[i] +
                     "'");
      }
      if (!err.empty()) {
        return c.Err("ERR CONFIG SET failed (possibly related to argument '" + c.argv[i] + "') - " +
                     err);
      }
    }
    return c.w->Simple("OK");
  }
  if (sub == "resetstat") {
    c.server->commands_processed.store(0);
    c.server->connections_received.store(0);
    return c.w->Simple("OK");
  }
  c.Err("ERR unknown subcommand '" + c.argv[1].substr(0, 128) + "'. Try CONFIG HELP.");
}

void Time(Ctx& c) {
  int64_t us = NowUs();
  c.w->Array(2);
  c.w->Bulk(std::to_string(us / 1000000));
  c.w->Bulk(std::to_string(us % 1000000));
}

void Shutdown(Ctx& c) {
  for (size_t i = 1; i < c.argc(); i++) {
    std::string o = AsciiLower(c.argv[i]);
    if (o != "nosave" && o != "save" && o != "now" && o != "force" && o != "abort") {
      return c.SyntaxError();
    }
    if (o == "abort") return c.Err("ERR No shutdown in progress.");
  }
  c.client->shutdown_requested = true;
  c.client->close_after_reply = true;
}

std::string Prop(Ctx& c, const char* name) {
  std::string v;
  if (!c.server->store->db()->GetProperty(name, &v)) return "";
  return v;
}

void Info(Ctx& c) {
  std::string section = c.argc() >= 2 ? AsciiLower(c.argv[1]) : "default";
  auto want = [&](const char* s) {
    return section == "default" || section == "all" || section == "everything" || section == s;
  };
  std::string t;
  auto line = [&](const std::string& k, const std::string& v) { t += k + ":" + v + "\r\n"; };
  int64_t now = c.now_ms;
  if (want("server")) {
    t += "# Server\r\n";
    line("redis_version", "7.0.15");
    line("lsmdb_server", "1");
    line("redis_mode", "standalone");
    line("process_id", std::to_string(getpid()));
    line("tcp_port", std::to_string(c.server->settings.port));
    line("uptime_in_seconds", std::to_string((now - c.server->start_ms) / 1000));
    t += "\r\n";
  }
  if (want("clients")) {
    t += "# Clients\r\n";
    line("connected_clients", std::to_string(c.server->connected_clients.load()));
    line("maxclients", std::to_string(c.server->settings.maxclients));
    t += "\r\n";
  }
  if (want("memory")) {
    t += "# Memory\r\n";
    line("used_memory", Prop(c, "lsmdb.approximate-memory-usage"));
    t += "\r\n";
  }
  if (want("persistence")) {
    t += "# Persistence\r\n";
    line("loading", "0");
    line("aof_enabled", "1");
    line("appendfsync", PolicyName(c.server->store->policy()));
    line("lsmdb_fsyncs", std::to_string(c.server->store->fsyncs.load()));
    t += "\r\n";
  }
  if (want("stats")) {
    t += "# Stats\r\n";
    line("total_connections_received", std::to_string(c.server->connections_received.load()));
    line("total_commands_processed", std::to_string(c.server->commands_processed.load()));
    line("rejected_connections", std::to_string(c.server->rejected_connections.load()));
    t += "\r\n";
  }
  if (want("lsmdb")) {
    t += "# Lsmdb\r\n";
    std::string stats = Prop(c, "lsmdb.stats");
    for (char& ch : stats) {
      if (ch == '\n') ch = ' ';
    }
    line("lsmdb_stats", stats);
    t += "\r\n";
  }
  if (want("keyspace")) {
    t += "# Keyspace\r\n";
  }
  c.w->Verbatim(t);
}

}  // namespace

std::string ClientInfoLine(const ClientState& c, int64_t now_ms) {
  return "id=" + std::to_string(c.id) + " addr=" + c.addr + " laddr=" + c.laddr +
         " name=" + c.name + " age=" + std::to_string((now_ms - c.created_ms) / 1000) +
         " db=0 multi=" + (c.in_multi ? std::to_string(c.queued.size()) : "-1") +
         " resp=" + std::to_string(c.proto) + " cmd=" + c.last_cmd;
}

void AddServerCommands(std::vector<CommandSpec>* t) {
  t->insert(t->end(), {
                          {"config", -2, 0, 0, 0, 0, Config},
                          {"time", 1, 0, 0, 0, 0, Time},
                          {"shutdown", -1, kNoQueue, 0, 0, 0, Shutdown},
                          {"info", -1, 0, 0, 0, 0, Info},
                      });
}

}  // namespace lsmdb::server
