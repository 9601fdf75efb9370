// Keyspace and expiry commands.
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <random>

#include "cmd_util.h"

namespace lsmdb::server {

namespace {

const std::string kMetaStart = "m";
const std::string kMetaLimit = "n";

void Del(Ctx& c) {
  int64_t n = 0;
  for (size_t i = 1; i < c.argc(); i++) {
    Meta m;
    bool found = false;
    if (!LoadMeta(c, c.argv[i], &m, &found)) return;
    if (found) {
      c.txn->DeleteKey(c.argv[i]);
      n++;
    }
  }
  c.w->Int(n);
}

void Exists(Ctx& c) {
  int64_t n = 0;
  for (size_t i = 1; i < c.argc(); i++) {
    Meta m;
    bool found = false;
    if (!LoadMeta(c, c.argv[i], &m, &found)) return;
    n += found ? 1 : 0;
  }
  c.w->Int(n);
}

void Type(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadMeta(c, c.argv[1], &m, &found)) return;
  c.w->Simple(!found ? "none" : m.type == 's' ? "string" : "hash");
}

// Copies the fields of hash src (meta m) to a new version under dst; updates m.
bool CopyHashFields(Ctx& c, std::string_view src, Meta* m, std::string_view dst) {
  uint64_t version = 0;
  Status s = c.server->store->NewVersion(&version);
  if (!s.ok()) return c.EngineError(s);
  std::string from = FieldPrefix(src, m->version);
  std::string limit = FieldPrefix(src, m->version + 1);
  std::string to = FieldPrefix(dst, version);
  std::vector<std::pair<std::string, std::string>> fields;
  s = c.txn->Scan(from, limit, [&](std::string_view k, std::string_view v) {
    fields.emplace_back(std::string(k.substr(from.size())), std::string(v));
    return true;
  });
  if (!s.ok()) return c.EngineError(s);
  for (auto& [f, v] : fields) c.txn->PutRaw(to + f, v);
  m->version = version;
  return true;
}

void RenameGeneric(Ctx& c, bool nx) {
  const std::string& src = c.argv[1];
  const std::string& dst = c.argv[2];
  Meta m;
  bool found = false;
  if (!LoadMeta(c, src, &m, &found)) return;
  if (!found) return c.Err("ERR no such key");
  if (src == dst) return nx ? c.w->Int(0) : c.w->Simple("OK");
  Meta d;
  bool dst_found = false;
  if (!LoadMeta(c, dst, &d, &dst_found)) return;
  if (nx && dst_found) return c.w->Int(0);
  if (m.type == 'h' && !CopyHashFields(c, src, &m, dst)) return;
  c.txn->DeleteKey(src);
  c.txn->PutMeta(dst, m);
  if (nx) return c.w->Int(1);
  c.w->Simple("OK");
}

void Rename(Ctx& c) { RenameGeneric(c, false); }
void RenameNx(Ctx& c) { RenameGeneric(c, true); }

// Visits the live keys from start on, in order, until fn returns false.
Status VisitKeys(Ctx& c, std::string_view start,
                 const std::function<bool(std::string_view, const Meta&)>& fn) {
  std::string from = MetaKey(start);
  Status bad;
  Status s = c.txn->Scan(from, kMetaLimit, [&](std::string_view k, std::string_view v) {
    Meta m;
    if (!DecodeMeta(v, &m)) {
      bad = Status::Corruption("lsmdb-server: bad metadata envelope");
      return false;
    }
    if (m.expire_ms != 0 && m.expire_ms <= c.now_ms) return true;
    return fn(k.substr(1), m);
  });
  return s.ok() ? bad : s;
}

void Keys(Ctx& c) {
  std::vector<std::string> keys;
  const std::string& pat = c.argv[1];
  Status s = VisitKeys(c, "", [&](std::string_view k, const Meta&) {
    if (pat == "*" || GlobMatch(pat, k)) keys.emplace_back(k);
    return true;
  });
  if (!s.ok()) return (void)c.EngineError(s);
  c.w->Array(keys.size());
  for (auto& k : keys) c.w->Bulk(k);
}

void Scan(Ctx& c) {
  uint64_t cursor = 0;
  {
    const std::string& a = c.argv[1];
    char* end = nullptr;
    errno = 0;
    cursor = std::strtoull(a.c_str(), &end, 10);
    if (a.empty() || end != a.c_str() + a.size() || errno == ERANGE || a[0] == '-') {
      return c.Err("ERR invalid cursor");
    }
  }
  std::string pattern;
  std::string type;
  int64_t count = 10;
  for (size_t i = 2; i < c.argc(); i += 2) {
    std::string o = AsciiLower(c.argv[i]);
    if (i + 1 >= c.argc()) return c.SyntaxError();
    if (o == "count") {
      if (!ArgInt(c, c.argv[i + 1], &count)) return;
      if (count < 1) return c.SyntaxError();
    } else if (o == "match") {
      pattern = c.argv[i + 1];
    } else if (o == "type") {
      type = AsciiLower(c.argv[i + 1]);
    } else {
      return c.SyntaxError();
    }
  }
  std::string start;
  if (cursor != 0 && !LoadCursor(c.server, cursor, &start)) start.clear();
  std::vector<std::string> keys;
  std::string resume;
  int64_t seen = 0;
  Status s = VisitKeys(c, start, [&](std::string_view k, const Meta& m) {
    if (seen == count) {
      resume.assign(k);
      return false;
    }
    seen++;
    bool ok = pattern.empty() || GlobMatch(pattern, k);
    if (!type.empty()) ok = ok && type == (m.type == 's' ? "string" : "hash");
    if (ok) keys.emplace_back(k);
    return true;
  });
  if (!s.ok()) return (void)c.EngineError(s);
  uint64_t next = 0;
  if (!resume.empty()) next = SaveCursor(c.server, resume);
  c.w->Array(2);
  c.w->Bulk(std::to_string(next));
  c.w->Array(keys.size());
  for (auto& k : keys) c.w->Bulk(k);
}

void RandomKey(Ctx& c) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  for (int attempt = 0; attempt < 2; attempt++) {
    std::string start;
    if (attempt == 0) {
      for (int i = 0; i < 8; i++) start.push_back(static_cast<char>(rng() & 0xff));
    }
    std::string key;
    bool got = false;
    Status s = VisitKeys(c, start, [&](std::string_view k, const Meta&) {
      key.assign(k);
      got = true;
      return false;
    });
    if (!s.ok()) return (void)c.EngineError(s);
    if (got) return c.w->Bulk(key);
  }
  c.w->Null();
}

void DbSize(Ctx& c) {
  int64_t n = 0;
  Status s = VisitKeys(c, "", [&](std::string_view, const Meta&) {
    n++;
    return true;
  });
  if (!s.ok()) return (void)c.EngineError(s);
  c.w->Int(n);
}

void FlushDb(Ctx& c) {
  if (c.argc() > 2) return c.SyntaxError();
  if (c.argc() == 2 && !EqualsNoCase(c.argv[1], "async") && !EqualsNoCase(c.argv[1], "sync")) {
    return c.SyntaxError();
  }
  // Everything but the internal entries (which start with 0x00).
  std::vector<std::string> keys;
  Status s = c.txn->Scan(std::string_view("\x01", 1), "\xff\xff\xff\xff",
                         [&](std::string_view k, std::string_view) {
                           keys.emplace_back(k);
                           return true;
                         });
  if (!s.ok()) return (void)c.EngineError(s);
  for (auto& k : keys) c.txn->DeleteRaw(k);
  c.server->store->BumpAllWatches();
  c.w->Simple("OK");
}

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT.
void ExpireGeneric(Ctx& c, int64_t unit, bool absolute) {
  unsigned nx = 0, xx = 0, gt = 0, lt = 0;
  for (size_t i = 3; i < c.argc(); i++) {
    std::string o = AsciiLower(c.argv[i]);
    if (o == "nx")
      nx = 1;
    else if (o == "xx")
      xx = 1;
    else if (o == "gt")
      gt = 1;
    else if (o == "lt")
      lt = 1;
    else
      return c.Err("ERR Unsupported option " + c.argv[i]);
  }
  if (nx && (xx || gt || lt)) {
    return c.Err("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (gt && lt) return c.Err("ERR GT and LT options at the same time are not compatible");
  int64_t when = 0;
  if (!ArgInt(c, c.argv[2], &when)) return;
  if (unit == 1000) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return c.BadExpire();
    when *= 1000;
  }
  int64_t base = absolute ? 0 : c.now_ms;
  if (when > INT64_MAX - base) return c.BadExpire();
  when += base;
  Meta m;
  bool found = false;
  if (!LoadMeta(c, c.argv[1], &m, &found)) return;
  if (!found) return c.w->Int(0);
  int64_t cur = m.expire_ms == 0 ? -1 : m.expire_ms;
  if (nx && cur != -1) return c.w->Int(0);
  if (xx && cur == -1) return c.w->Int(0);
  if (gt && (when <= cur || cur == -1)) return c.w->Int(0);
  if (lt && (when >= cur && cur != -1)) return c.w->Int(0);
  if (when <= c.now_ms) {
    c.txn->DeleteKey(c.argv[1]);
  } else {
    m.expire_ms = when;
    c.txn->PutMeta(c.argv[1], m);
  }
  c.w->Int(1);
}

void Expire(Ctx& c) { ExpireGeneric(c, 1000, false); }
void PExpire(Ctx& c) { ExpireGeneric(c, 1, false); }
void ExpireAt(Ctx& c) { ExpireGeneric(c, 1000, true); }
void PExpireAt(Ctx& c) { ExpireGeneric(c, 1, true); }

void TtlGeneric(Ctx& c, bool ms, bool absolute) {
  Meta m;
  bool found = false;
  if (!LoadMeta(c, c.argv[1], &m, &found)) return;
  if (!found) return c.w->Int(-2);
  if (m.expire_ms == 0) return c.w->Int(-1);
  int64_t t = absolute ? m.expire_ms : m.expire_ms - c.now_ms;
  if (t < 0) t = 0;
  c.w->Int(ms ? t : (t + 500) / 1000);
}

void Ttl(Ctx& c) { TtlGeneric(c, false, false); }
void PTtl(Ctx& c) { TtlGeneric(c, true, false); }
void ExpireTime(Ctx& c) { TtlGeneric(c, false, true); }
void PExpireTime(Ctx& c) { TtlGeneric(c, true, true); }

void Persist(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadMeta(c, c.argv[1], &m, &found)) return;
  if (!found || m.expire_ms == 0) return c.w->Int(0);
  m.expire_ms = 0;
  c.txn->PutMeta(c.argv[1], m);
  c.w->Int(1);
}

}  // namespace

void AddKeyCommands(std::vector<CommandSpec>* t) {
  t->insert(t->end(), {
                          {"del", -2, kWrite, 1, -1, 1, Del},
                          {"unlink", -2, kWrite, 1, -1, 1, Del},
                          {"exists", -2, 0, 1, -1, 1, Exists},
                          {"type", 2, 0, 1, 1, 1, Type},
                          {"rename", 3, kWrite, 1, 2, 1, Rename},
                          {"renamenx", 3, kWrite, 1, 2, 1, RenameNx},
                          {"keys", 2, 0, 0, 0, 0, Keys},
                          {"scan", -2, 0, 0, 0, 0, Scan},
                          {"randomkey", 1, 0, 0, 0, 0, RandomKey},
                          {"dbsize", 1, 0, 0, 0, 0, DbSize},
                          {"flushdb", -1, kGlobal, 0, 0, 0, FlushDb},
                          {"flushall", -1, kGlobal, 0, 0, 0, FlushDb},
                          {"expire", -3, kWrite, 1, 1, 1, Expire},
                          {"pexpire", -3, kWrite, 1, 1, 1, PExpire},
                          {"expireat", -3, kWrite, 1, 1, 1, ExpireAt},
                          {"pexpireat", -3, kWrite, 1, 1, 1, PExpireAt},
                          {"ttl", 2, 0, 1, 1, 1, Ttl},
                          {"pttl", 2, 0, 1, 1, 1, PTtl},
                          {"expiretime", 2, 0, 1, 1, 1, ExpireTime},
                          {"pexpiretime", 2, 0, 1, 1, 1, PExpireTime},
                          {"persist", 2, kWrite, 1, 1, 1, Persist},
                      });
}

}  // namespace lsmdb::server
