// Command dispatch: lookup, arity, authentication, MULTI queueing, key locks, commit.
#include <algorithm>
#include <unordered_map>

#include "cmd_util.h"

namespace lsmdb::server {

namespace {

struct Table {
  std::vector<CommandSpec> specs;
  std::unordered_map<std::string, size_t> by_name;
  Table() {
    AddConnectionCommands(&specs);
    AddStringCommands(&specs);
    AddKeyCommands(&specs);
    AddHashCommands(&specs);
    AddServerCommands(&specs);
    for (size_t i = 0; i < specs.size(); i++) by_name[specs[i].name] = i;
  }
};

const Table& GetTable() {
  static const Table* table = new Table();
  return *table;
}

void CollectKeys(const CommandSpec& spec, const std::vector<std::string>& argv,
                 std::vector<std::string_view>* keys) {
  if (spec.first_key == 0) return;
  int argc = static_cast<int>(argv.size());
  int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
  for (int i = spec.first_key; i <= last && i < argc; i += spec.step) keys->push_back(argv[i]);
}

std::string UnknownCommandText(const std::vector<std::string>& argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; i++) {
    size_t room = 128 - args.size();
    args += "'" + argv[i].substr(0, room) + "' ";
  }
  return "ERR unknown command '" + argv[0].substr(0, 128) + "', with args beginning with: " + args;
}

// Checks the command exists with a valid arity; replies the error otherwise.
const CommandSpec* Resolve(const std::vector<std::string>& argv, ReplyWriter* w) {
  const CommandSpec* spec = LookupCommand(AsciiLower(argv[0]));
  if (spec == nullptr) {
    w->Error(UnknownCommandText(argv));
    return nullptr;
  }
  int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
    w->Error("ERR wrong number of arguments for '" + std::string(spec->name) + "' command");
    return nullptr;
  }
  return spec;
}

void RunExec(ServerState* server, ClientState* client, ReplyWriter* w) {
  if (client->multi_error) {
    w->Error("EXECABORT Transaction discarded because of previous errors.");
  } else {
    std::vector<const CommandSpec*> specs;
    std::vector<std::string_view> keys;
    bool global = false;
    for (auto& argv : client->queued) {
      const CommandSpec* spec = LookupCommand(AsciiLower(argv[0]));
      specs.push_back(spec);
      CollectKeys(*spec, argv, &keys);
      if (spec->flags & kGlobal) global = true;
    }
    for (auto& [k, v] : client->watched) keys.push_back(k);
    Store* store = server->store;
    Store::KeyLocks locks(store, keys, global);
    bool dirty = false;
    for (auto& [k, v] : client->watched) dirty |= store->WatchVersion(k) != v;
    if (dirty) {
      w->NullArray();
    } else {
      Txn txn(store);
      std::string replies;
      ReplyWriter rw(&replies, w->proto());
      int64_t now = NowMs();
      for (size_t i = 0; i < specs.size(); i++) {
        Ctx ctx{server, client, &txn, &rw, client->queued[i], now, specs[i]->name};
        specs[i]->fn(ctx);
      }
      Status s = txn.Commit();
      if (s.ok()) {
        w->Array(specs.size());
        w->out()->append(replies);
      } else {
        w->Error("EXECABORT lsmdb: " + s.ToString());
      }
      server->commands_processed.fetch_add(static_cast<int64_t>(specs.size()));
    }
  }
  client->in_multi = false;
  client->multi_error = false;
  client->queued.clear();
  client->watched.clear();
}

}  // namespace

const CommandSpec* LookupCommand(std::string_view name) {
  const Table& t = GetTable();
  auto it = t.by_name.find(std::string(name));
  return it == t.by_name.end() ? nullptr : &t.specs[it->second];
}

size_t CommandCount() { return GetTable().specs.size(); }

void Execute(ServerState* server, ClientState* client, std::vector<std::string>& argv,
             std::string* out) {
  ReplyWriter w(out, client->proto);
  const CommandSpec* spec = Resolve(argv, &w);
  if (spec == nullptr) {
    if (client->in_multi) client->multi_error = true;
    return;
  }
  client->last_cmd = spec->name;
  if (!client->authed && !(spec->flags & kNoAuth)) {
    w.Error("NOAUTH Authentication required.");
    if (client->in_multi) client->multi_error = true;
    return;
  }
  std::string_view name = spec->name;
  if (client->in_multi && !(spec->flags & kNoQueue)) {
    client->queued.push_back(std::move(argv));
    w.Simple("QUEUED");
    return;
  }
  if (name == "exec") {
    if (!client->in_multi) {
      w.Error("ERR EXEC without MULTI");
      return;
    }
    RunExec(server, client, &w);
    return;
  }
  server->commands_processed.fetch_add(1, std::memory_order_relaxed);
  std::vector<std::string_view> keys;
  CollectKeys(*spec, argv, &keys);
  Store* store = server->store;
  Txn txn(store);
  std::string reply;
  ReplyWriter rw(&reply, client->proto);
  {
    std::optional<Store::KeyLocks> locks;
    if (spec->flags & (kWrite | kGlobal)) locks.emplace(store, keys, (spec->flags & kGlobal) != 0);
    Ctx ctx{server, client, &txn, &rw, argv, NowMs(), spec->name};
    spec->fn(ctx);
    Status s = txn.Commit();
    if (!s.ok()) {
      reply.clear();
      rw.Error("ERR lsmdb: " + s.ToString());
    }
  }
  client->proto = rw.proto();  // HELLO may change it
  out->append(reply);
}

bool LoadMeta(Ctx& c, std::string_view key, Meta* m, bool* found) {
  Status s = c.txn->GetMeta(key, c.now_ms, m, found);
  if (!s.ok()) return c.EngineError(s);
  return true;
}

bool LoadString(Ctx& c, std::string_view key, Meta* m, bool* found) {
  if (!LoadMeta(c, key, m, found)) return false;
  if (*found && m->type != 's') {
    c.WrongType();
    return false;
  }
  return true;
}

bool LoadHash(Ctx& c, std::string_view key, Meta* m, bool* found) {
  if (!LoadMeta(c, key, m, found)) return false;
  if (*found && m->type != 'h') {
    c.WrongType();
    return false;
  }
  return true;
}

void DeleteAnyKey(Ctx& c, std::string_view key) { c.txn->DeleteKey(key); }

bool ArgInt(Ctx& c, std::string_view s, int64_t* v) {
  if (ParseStrictInt64(s, v)) return true;
  c.NotInteger();
  return false;
}

bool ParseExpireArg(Ctx& c, std::string_view arg, int64_t unit_ms, bool absolute,
                    int64_t* when_ms) {
  int64_t v = 0;
  if (!ArgInt(c, arg, &v)) return false;
  if (v <= 0 || (unit_ms == 1000 && v > INT64_MAX / 1000)) {
    c.BadExpire();
    return false;
  }
  v *= unit_ms;
  if (!absolute) {
    if (v > INT64_MAX - c.now_ms) {
      c.BadExpire();
      return false;
    }
    v += c.now_ms;
  }
  *when_ms = v;
  return true;
}

uint64_t SaveCursor(ServerState* s, std::string resume_key) {
  std::lock_guard<std::mutex> l(s->cursor_mu);
  uint64_t id = s->next_cursor++;
  s->cursors[id] = std::move(resume_key);
  while (s->cursors.size() > 65536) s->cursors.erase(s->cursors.begin());
  return id;
}

bool LoadCursor(ServerState* s, uint64_t id, std::string* resume_key) {
  std::lock_guard<std::mutex> l(s->cursor_mu);
  auto it = s->cursors.find(id);
  if (it == s->cursors.end()) return false;
  *resume_key = it->second;
  return true;
}

}  // namespace lsmdb::server
