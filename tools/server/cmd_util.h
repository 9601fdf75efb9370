// Internal to the command files: the handler context, the command table entry, and
// helpers shared by the command families (cmd_*.cc).
#ifndef LSMDB_TOOLS_SERVER_CMD_UTIL_H_
#define LSMDB_TOOLS_SERVER_CMD_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "util_text.h"

namespace lsmdb::server {

struct Ctx {
  ServerState* server;
  ClientState* client;
  Txn* txn;
  ReplyWriter* w;
  const std::vector<std::string>& argv;
  int64_t now_ms;
  std::string_view fullname;  // lower-case command name, as Redis's error texts use

  size_t argc() const { return argv.size(); }
  void Err(std::string_view text) { w->Error(text); }
  // Replies an engine error; returns false so handlers can `return Fail(s)`.
  bool EngineError(const Status& s) {
    w->Error("ERR lsmdb: " + s.ToString());
    return false;
  }
  void WrongArgs() {
    w->Error("ERR wrong number of arguments for '" + std::string(fullname) + "' command");
  }
  void SyntaxError() { w->Error("ERR syntax error"); }
  void NotInteger() { w->Error("ERR value is not an integer or out of range"); }
  void NotFloat() { w->Error("ERR value is not a valid float"); }
  void WrongType() {
    w->Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  }
  void BadExpire() {
    w->Error("ERR invalid expire time in '" + std::string(fullname) + "' command");
  }
};

using Handler = void (*)(Ctx&);

enum CommandFlag : unsigned {
  kWrite = 1,
  kNoAuth = 2,   // allowed before AUTH
  kNoQueue = 4,  // runs at once even inside MULTI (EXEC, DISCARD, MULTI, WATCH, ...)
  kGlobal = 8,   // takes the database-wide exclusive lock (FLUSHDB, ...)
};

struct CommandSpec {
  const char* name;
  int arity;  // as Redis: N exact, -N at least N
  unsigned flags;
  int first_key, last_key, step;  // last_key -1: the last argument; first_key 0: no keys
  Handler fn;
};

// The command families register their entries here.
void AddConnectionCommands(std::vector<CommandSpec>* t);
void AddStringCommands(std::vector<CommandSpec>* t);
void AddKeyCommands(std::vector<CommandSpec>* t);
void AddHashCommands(std::vector<CommandSpec>* t);
void AddServerCommands(std::vector<CommandSpec>* t);

const CommandSpec* LookupCommand(std::string_view name);
size_t CommandCount();

// Loads the live metadata of key. False after replying an engine error.
bool LoadMeta(Ctx& c, std::string_view key, Meta* m, bool* found);
// Loads a string key: false after replying an error (engine, or WRONGTYPE for a hash).
bool LoadString(Ctx& c, std::string_view key, Meta* m, bool* found);
// Loads a hash key: false after replying an error (engine, or WRONGTYPE).
bool LoadHash(Ctx& c, std::string_view key, Meta* m, bool* found);
// Deletes a key of any type; for a hash its fields are left as garbage.
void DeleteAnyKey(Ctx& c, std::string_view key);

// Parses an integer argument; false after replying "value is not an integer...".
bool ArgInt(Ctx& c, std::string_view s, int64_t* v);

// Parses the expiry time argument of SET/GETEX/EXPIRE-style commands into absolute ms.
// unit_ms: 1000 for seconds, 1 for ms; absolute: EXAT/PXAT (no now added).
// False after replying an error.
bool ParseExpireArg(Ctx& c, std::string_view arg, int64_t unit_ms, bool absolute, int64_t* when_ms);

// SCAN-style cursor bookkeeping (server-side cursors, docs/SERVER.md).
uint64_t SaveCursor(ServerState* s, std::string resume_key);
bool LoadCursor(ServerState* s, uint64_t id, std::string* resume_key);

}  // namespace lsmdb::server

#endif  // LSMDB_TOOLS_SERVER_CMD_UTIL_H_
