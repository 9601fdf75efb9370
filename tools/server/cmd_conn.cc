// Connection commands: PING ECHO QUIT SELECT AUTH HELLO RESET CLIENT COMMAND MULTI
// DISCARD WATCH UNWATCH EXEC (EXEC itself runs in commands.cc).
#include "cmd_util.h"

namespace lsmdb::server {

namespace {

void Ping(Ctx& c) {
  if (c.argc() > 2) return c.WrongArgs();
  if (c.argc() == 2) return c.w->Bulk(c.argv[1]);
  c.w->Simple("PONG");
}

void Echo(Ctx& c) { c.w->Bulk(c.argv[1]); }

void Quit(Ctx& c) {
  c.w->Simple("OK");
  c.client->close_after_reply = true;
}

void Select(Ctx& c) {
  int64_t db = 0;
  if (!ParseStrictInt64(c.argv[1], &db) || db < INT32_MIN || db > INT32_MAX) {
    return c.Err("ERR value is not an integer or out of range");
  }
  if (db != 0) return c.Err("ERR DB index is out of range");
  c.w->Simple("OK");
}

std::string RequirePass(Ctx& c) {
  std::lock_guard<std::mutex> l(c.server->mu);
  return c.server->settings.requirepass;
}

// Checks user/password; replies the error and returns false if wrong.
bool CheckAuth(Ctx& c, std::string_view user, std::string_view pass) {
  std::string want = RequirePass(c);
  if (user == "default" && (want.empty() || pass == want)) {
    c.client->authed = true;
    return true;
  }
  c.Err("WRONGPASS invalid username-password pair or user is disabled.");
  return false;
}

void Auth(Ctx& c) {
  if (c.argc() > 3) return c.SyntaxError();
  if (c.argc() == 2 && RequirePass(c).empty()) {
    return c.Err(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
  }
  std::string_view user = c.argc() == 3 ? std::string_view(c.argv[1]) : "default";
  if (CheckAuth(c, user, c.argv.back())) c.w->Simple("OK");
}

bool ValidClientName(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

void HelloReply(Ctx& c) {
  ReplyWriter* w = c.w;
  w->Map(7);
  w->Bulk("server");
  w->Bulk("redis");
  w->Bulk("version");
  w->Bulk("7.0.15");
  w->Bulk("proto");
  w->Int(c.client->proto);
  w->Bulk("id");
  w->Int(c.client->id);
  w->Bulk("mode");
  w->Bulk("standalone");
  w->Bulk("role");
  w->Bulk("master");
  w->Bulk("modules");
  w->Array(0);
}

void Hello(Ctx& c) {
  int64_t ver = 0;
  size_t i = 1;
  if (c.argc() >= 2) {
    if (!ParseStrictInt64(c.argv[1], &ver)) {
      return c.Err("ERR Protocol version is not an integer or out of range");
    }
    i = 2;
    if (ver < 2 || ver > 3) return c.Err("NOPROTO unsupported protocol version");
  }
  std::string setname;
  bool has_name = false;
  for (; i < c.argc(); i++) {
    bool more = i + 1 < c.argc();
    if (EqualsNoCase(c.argv[i], "auth") && i + 2 < c.argc()) {
      if (!CheckAuth(c, c.argv[i + 1], c.argv[i + 2])) return;
      i += 2;
    } else if (EqualsNoCase(c.argv[i], "setname") && more) {
      setname = c.argv[i + 1];
      has_name = true;
      if (!ValidClientName(setname)) {
        return c.Err("ERR Client names cannot contain spaces, newlines or special characters.");
      }
      i++;
    } else {
      return c.Err("ERR Syntax error in HELLO option '" + c.argv[i] + "'");
    }
  }
  if (!c.client->authed) {
    return c.Err(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time");
  }
  if (has_name) c.client->name = setname;
  if (ver != 0) {
    c.client->proto = static_cast<int>(ver);
    c.w->set_proto(static_cast<int>(ver));
  }
  HelloReply(c);
}

void Reset(Ctx& c) {
  ClientState* cl = c.client;
  cl->in_multi = false;
  cl->multi_error = false;
  cl->queued.clear();
  cl->watched.clear();
  cl->name.clear();
  cl->proto = 2;
  c.w->set_proto(2);
  cl->authed = RequirePass(c).empty();
  c.w->Simple("RESET");
}

void Client(Ctx& c) {
  std::string sub = AsciiLower(c.argv[1]);
  auto wrong = [&] { c.Err("ERR wrong number of arguments for 'client|" + sub + "' command"); };
  if (sub == "id") {
    if (c.argc() != 2) return wrong();
    return c.w->Int(c.client->id);
  }
  if (sub == "getname") {
    if (c.argc() != 2) return wrong();
    if (c.client->name.empty()) return c.w->Null();
    return c.w->Bulk(c.client->name);
  }
  if (sub == "setname") {
    if (c.argc() != 3) return wrong();
    if (!ValidClientName(c.argv[2])) {
      return c.Err("ERR Client names cannot contain spaces, newlines or special characters.");
    }
    c.client->name = c.argv[2];
    return c.w->Simple("OK");
  }
  if (sub == "info") {
    if (c.argc() != 2) return wrong();
    std::lock_guard<std::mutex> l(c.server->mu);
    return c.w->Verbatim(ClientInfoLine(*c.client, c.now_ms) + "\n");
  }
  if (sub == "list") {
    std::string text;
    std::lock_guard<std::mutex> l(c.server->mu);
    for (auto& [id, cl] : c.server->clients) text += ClientInfoLine(*cl, c.now_ms) + "\n";
    return c.w->Verbatim(text);
  }
  if (sub == "setinfo") return c.w->Simple("OK");
  c.Err("ERR unknown subcommand '" + c.argv[1].substr(0, 128) + "'. Try CLIENT HELP.");
}

void Command(Ctx& c) {
  if (c.argc() == 1) return c.w->Array(0);
  std::string sub = AsciiLower(c.argv[1]);
  if (sub == "count") return c.w->Int(static_cast<int64_t>(CommandCount()));
  if (sub == "docs") return c.w->Map(0);
  if (sub == "info") {
    c.w->Array(c.argc() - 2);
    for (size_t i = 2; i < c.argc(); i++) {
      const CommandSpec* s = LookupCommand(AsciiLower(c.argv[i]));
      if (s == nullptr) {
        c.w->NullArray();
        continue;
      }
      c.w->Array(6);
      c.w->Bulk(s->name);
      c.w->Int(s->arity);
      c.w->Set(0);
      c.w->Int(s->first_key);
      c.w->Int(s->last_key);
      c.w->Int(s->step);
    }
    return;
  }
  c.Err("ERR unknown subcommand '" + c.argv[1].substr(0, 128) + "'. Try COMMAND HELP.");
}

void Multi(Ctx& c) {
  if (c.client->in_multi) return c.Err("ERR MULTI calls can not be nested");
  c.client->in_multi = true;
  c.client->multi_error = false;
  c.client->queued.clear();
  c.w->Simple("OK");
}

void Discard(Ctx& c) {
  if (!c.client->in_multi) return c.Err("ERR DISCARD without MULTI");
  c.client->in_multi = false;
  c.client->multi_error = false;
  c.client->queued.clear();
  c.client->watched.clear();
  c.w->Simple("OK");
}

void Watch(Ctx& c) {
  if (c.client->in_multi) return c.Err("ERR WATCH inside MULTI is not allowed");
  for (size_t i = 1; i < c.argc(); i++) {
    bool have = false;
    for (auto& [k, v] : c.client->watched) have |= k == c.argv[i];
    if (!have) c.client->watched.emplace_back(c.argv[i], c.server->store->WatchVersion(c.argv[i]));
  }
  c.w->Simple("OK");
}

void Unwatch(Ctx& c) {
  c.client->watched.clear();
  c.w->Simple("OK");
}

void ExecPlaceholder(Ctx&) {}  // dispatched by commands.cc

}  // namespace

void AddConnectionCommands(std::vector<CommandSpec>* t) {
  t->insert(t->end(), {
                          {"ping", -1, 0, 0, 0, 0, Ping},
                          {"echo", 2, 0, 0, 0, 0, Echo},
                          {"quit", -1, kNoAuth | kNoQueue, 0, 0, 0, Quit},
                          {"select", 2, 0, 0, 0, 0, Select},
                          {"auth", -2, kNoAuth | kNoQueue, 0, 0, 0, Auth},
                          {"hello", -1, kNoAuth | kNoQueue, 0, 0, 0, Hello},
                          {"reset", 1, kNoAuth | kNoQueue, 0, 0, 0, Reset},
                          {"client", -2, 0, 0, 0, 0, Client},
                          {"command", -1, 0, 0, 0, 0, Command},
                          {"multi", 1, kNoQueue, 0, 0, 0, Multi},
                          {"discard", 1, kNoQueue, 0, 0, 0, Discard},
                          {"exec", 1, kNoQueue, 0, 0, 0, ExecPlaceholder},
                          {"watch", -2, kNoQueue, 1, -1, 1, Watch},
                          {"unwatch", 1, kNoQueue, 0, 0, 0, Unwatch},
                      });
}

}  // namespace lsmdb::server
