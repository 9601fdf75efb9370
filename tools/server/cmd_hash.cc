// Hash commands: a metadata key (version, field count) plus one lsmdb key per field.
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "cmd_util.h"

namespace lsmdb::server {

namespace {

// Loads the hash, or (create) starts a new one with a fresh version. False after a reply.
bool OpenHash(Ctx& c, std::string_view key, bool create, Meta* m, bool* found) {
  if (!LoadHash(c, key, m, found)) return false;
  if (!*found && create) {
    *m = Meta{};
    m->type = 'h';
    Status s = c.server->store->NewVersion(&m->version);
    if (!s.ok()) return c.EngineError(s);
  }
  return true;
}

std::string FieldKey(std::string_view key, const Meta& m, std::string_view field) {
  std::string k = FieldPrefix(key, m.version);
  k.append(field);
  return k;
}

// Reads a field; *has=false if absent. False after an engine error reply.
bool GetField(Ctx& c, std::string_view key, const Meta& m, std::string_view field, std::string* v,
              bool* has) {
  Status s = c.txn->GetRaw(FieldKey(key, m, field), v);
  *has = s.ok();
  if (s.ok() || s.IsNotFound()) return true;
  return c.EngineError(s);
}

void SaveMeta(Ctx& c, std::string_view key, const Meta& m) {
  if (m.count == 0) {
    c.txn->DeleteKey(key);
  } else {
    c.txn->PutMeta(key, m);
  }
}

// Visits every field of the hash in order.
bool ForEachField(Ctx& c, std::string_view key, const Meta& m,
                  const std::function<void(std::string_view, std::string_view)>& fn) {
  std::string from = FieldPrefix(key, m.version);
  std::string limit = FieldPrefix(key, m.version + 1);
  Status s = c.txn->Scan(from, limit, [&](std::string_view k, std::string_view v) {
    fn(k.substr(from.size()), v);
    return true;
  });
  if (!s.ok()) return c.EngineError(s);
  return true;
}

void HSetGeneric(Ctx& c, bool reply_ok) {
  if (c.argc() % 2 != 0) return c.WrongArgs();
  Meta m;
  bool found = false;
  if (!OpenHash(c, c.argv[1], true, &m, &found)) return;
  int64_t added = 0;
  for (size_t i = 2; i + 1 < c.argc(); i += 2) {
    std::string old;
    bool has = false;
    if (found && !GetField(c, c.argv[1], m, c.argv[i], &old, &has)) return;
    if (!has) {
      added++;
      m.count++;
    }
    c.txn->PutRaw(FieldKey(c.argv[1], m, c.argv[i]), c.argv[i + 1]);
    found = true;  // later duplicates of a field in this call see the pending write
  }
  SaveMeta(c, c.argv[1], m);
  if (reply_ok) return c.w->Simple("OK");
  c.w->Int(added);
}

void HSet(Ctx& c) { HSetGeneric(c, false); }
void HMSet(Ctx& c) { HSetGeneric(c, true); }

void HSetNx(Ctx& c) {
  Meta m;
  bool found = false;
  if (!OpenHash(c, c.argv[1], true, &m, &found)) return;
  std::string old;
  bool has = false;
  if (found && !GetField(c, c.argv[1], m, c.argv[2], &old, &has)) return;
  if (has) return c.w->Int(0);
  m.count++;
  c.txn->PutRaw(FieldKey(c.argv[1], m, c.argv[2]), c.argv[3]);
  SaveMeta(c, c.argv[1], m);
  c.w->Int(1);
}

void HGet(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadHash(c, c.argv[1], &m, &found)) return;
  if (!found) return c.w->Null();
  std::string v;
  bool has = false;
  if (!GetField(c, c.argv[1], m, c.argv[2], &v, &has)) return;
  if (!has) return c.w->Null();
  c.w->Bulk(v);
}

void HMGet(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadHash(c, c.argv[1], &m, &found)) return;
  std::string reply;
  ReplyWriter w(&reply, c.w->proto());
  w.Array(c.argc() - 2);
  for (size_t i = 2; i < c.argc(); i++) {
    std::string v;
    bool has = false;
    if (found && !GetField(c, c.argv[1], m, c.argv[i], &v, &has)) return;
    if (has) {
      w.Bulk(v);
    } else {
      w.Null();
    }
  }
  c.w->out()->append(reply);
}

void HDel(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadHash(c, c.argv[1], &m, &found)) return;
  if (!found) return c.w->Int(0);
  int64_t removed = 0;
  for (size_t i = 2; i < c.argc(); i++) {
    std::string v;
    bool has = false;
    if (!GetField(c, c.argv[1], m, c.argv[i], &v, &has)) return;
    if (has) {
      c.txn->DeleteRaw(FieldKey(c.argv[1], m, c.argv[i]));
      m.count--;
      removed++;
    }
  }
  if (removed > 0) SaveMeta(c, c.argv[1], m);
  c.w->Int(removed);
}

// HGETALL (keys and values), HKEYS, HVALS.
void HGetAllGeneric(Ctx& c, bool keys, bool vals) {
  Meta m;
  bool found = false;
  if (!LoadHash(c, c.argv[1], &m, &found)) return;
  std::vector<std::pair<std::string, std::string>> all;
  if (found && !ForEachField(c, c.argv[1], m, [&](std::string_view f, std::string_view v) {
        all.emplace_back(std::string(f), vals ? std::string(v) : std::string());
      })) {
    return;
  }
  if (keys && vals) {
    c.w->Map(all.size());
  } else {
    c.w->Array(all.size());
  }
  for (auto& [f, v] : all) {
    if (keys) c.w->Bulk(f);
    if (vals) c.w->Bulk(v);
  }
}

void HGetAll(Ctx& c) { HGetAllGeneric(c, true, true); }
void HKeys(Ctx& c) { HGetAllGeneric(c, true, false); }
void HVals(Ctx& c) { HGetAllGeneric(c, false, true); }

void HLen(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadHash(c, c.argv[1], &m, &found)) return;
  c.w->Int(found ? static_cast<int64_t>(m.count) : 0);
}

void HExistsOrStrlen(Ctx& c, bool strlen) {
  Meta m;
  bool found = false;
  if (!LoadHash(c, c.argv[1], &m, &found)) return;
  std::string v;
  bool has = false;
  if (found && !GetField(c, c.argv[1], m, c.argv[2], &v, &has)) return;
  if (strlen) return c.w->Int(has ? static_cast<int64_t>(v.size()) : 0);
  c.w->Int(has ? 1 : 0);
}

void HExists(Ctx& c) { HExistsOrStrlen(c, false); }
void HStrlen(Ctx& c) { HExistsOrStrlen(c, true); }

void HIncrBy(Ctx& c) {
  int64_t incr = 0;
  if (!ArgInt(c, c.argv[3], &incr)) return;
  Meta m;
  bool found = false;
  if (!OpenHash(c, c.argv[1], true, &m, &found)) return;
  std::string v;
  bool has = false;
  if (found && !GetField(c, c.argv[1], m, c.argv[2], &v, &has)) return;
  int64_t cur = 0;
  if (has && !ParseStrictInt64(v, &cur)) return c.Err("ERR hash value is not an integer");
  if ((incr < 0 && cur < 0 && incr < INT64_MIN - cur) ||
      (incr > 0 && cur > 0 && incr > INT64_MAX - cur)) {
    return c.Err("ERR increment or decrement would overflow");
  }
  cur += incr;
  if (!has) m.count++;
  c.txn->PutRaw(FieldKey(c.argv[1], m, c.argv[2]), std::to_string(cur));
  SaveMeta(c, c.argv[1], m);
  c.w->Int(cur);
}

void HIncrByFloat(Ctx& c) {
  long double incr = 0;
  if (!ParseLongDouble(c.argv[3], &incr)) return c.NotFloat();
  Meta m;
  bool found = false;
  if (!OpenHash(c, c.argv[1], true, &m, &found)) return;
  std::string v;
  bool has = false;
  if (found && !GetField(c, c.argv[1], m, c.argv[2], &v, &has)) return;
  long double cur = 0;
  if (has && !ParseLongDouble(v, &cur)) return c.Err("ERR hash value is not a float");
  cur += incr;
  if (std::isnan(cur) || std::isinf(cur)) {
    return c.Err("ERR increment would produce NaN or Infinity");
  }
  if (!has) m.count++;
  std::string out = FormatDouble(cur, true);
  c.txn->PutRaw(FieldKey(c.argv[1], m, c.argv[2]), out);
  SaveMeta(c, c.argv[1], m);
  c.w->Bulk(out);
}

void HScan(Ctx& c) {
  uint64_t cursor = 0;
  {
    const std::string& a = c.argv[2];
    char* end = nullptr;
    errno = 0;
    cursor = std::strtoull(a.c_str(), &end, 10);
    if (a.empty() || end != a.c_str() + a.size() || errno == ERANGE || a[0] == '-') {
      return c.Err("ERR invalid cursor");
    }
  }
  std::string pattern;
  int64_t count = 10;
  for (size_t i = 3; i < c.argc(); i += 2) {
    std::string o = AsciiLower(c.argv[i]);
    if (i + 1 >= c.argc()) return c.SyntaxError();
    if (o == "count") {
      if (!ArgInt(c, c.argv[i + 1], &count)) return;
      if (count < 1) return c.SyntaxError();
    } else if (o == "match") {
      pattern = c.argv[i + 1];
    } else {
      return c.SyntaxError();
    }
  }
  Meta m;
  bool found = false;
  if (!LoadHash(c, c.argv[1], &m, &found)) return;
  std::vector<std::pair<std::string, std::string>> out;
  std::string resume;
  if (found) {
    std::string start;
    if (cursor != 0) LoadCursor(c.server, cursor, &start);
    std::string prefix = FieldPrefix(c.argv[1], m.version);
    std::string limit = FieldPrefix(c.argv[1], m.version + 1);
    int64_t seen = 0;
    Status s = c.txn->Scan(prefix + start, limit, [&](std::string_view k, std::string_view v) {
      std::string_view f = k.substr(prefix.size());
      if (seen == count) {
        resume.assign(f);
        return false;
      }
      seen++;
      if (pattern.empty() || GlobMatch(pattern, f)) out.emplace_back(f, v);
      return true;
    });
    if (!s.ok()) return (void)c.EngineError(s);
  }
  uint64_t next = resume.empty() ? 0 : SaveCursor(c.server, resume);
  c.w->Array(2);
  c.w->Bulk(std::to_string(next));
  c.w->Array(out.size() * 2);
  for (auto& [f, v] : out) {
    c.w->Bulk(f);
    c.w->Bulk(v);
  }
}

void HRandField(Ctx& c) {
  int64_t count = 1;
  bool with_count = c.argc() >= 3;
  bool withvalues = false;
  if (with_count && !ArgInt(c, c.argv[2], &count)) return;
  if (c.argc() == 4) {
    if (!EqualsNoCase(c.argv[3], "withvalues")) return c.SyntaxError();
    withvalues = true;
  } else if (c.argc() > 4) {
    return c.SyntaxError();
  }
  Meta m;
  bool found = false;
  if (!LoadHash(c, c.argv[1], &m, &found)) return;
  if (!found) return with_count ? c.w->Array(0) : c.w->Null();
  std::vector<std::pair<std::string, std::string>> all;
  if (!ForEachField(c, c.argv[1], m, [&](std::string_view f, std::string_view v) {
        all.emplace_back(std::string(f), std::string(v));
      })) {
    return;
  }
  thread_local std::mt19937_64 rng(std::random_device{}());
  if (!with_count) return c.w->Bulk(all[rng() % all.size()].first);
  std::vector<size_t> pick;
  if (count >= 0) {
    std::vector<size_t> idx(all.size());
    for (size_t i = 0; i < idx.size(); i++) idx[i] = i;
    // The whole hash, in its order, when it asks for at least every field (as Redis).
    if (static_cast<size_t>(count) < idx.size()) std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(std::min(idx.size(), static_cast<size_t>(count)));
    pick = idx;
  } else {
    if (count < -(int64_t{1} << 32)) return c.Err("ERR value is out of range");
    for (int64_t i = 0; i < -count; i++) pick.push_back(rng() % all.size());
  }
  if (withvalues && c.w->proto() >= 3) {
    c.w->Array(pick.size());
    for (size_t i : pick) {
      c.w->Array(2);
      c.w->Bulk(all[i].first);
      c.w->Bulk(all[i].second);
    }
    return;
  }
  c.w->Array(pick.size() * (withvalues ? 2 : 1));
  for (size_t i : pick) {
    c.w->Bulk(all[i].first);
    if (withvalues) c.w->Bulk(all[i].second);
  }
}

}  // namespace

void AddHashCommands(std::vector<CommandSpec>* t) {
  t->insert(t->end(), {
                          {"hset", -4, kWrite, 1, 1, 1, HSet},
                          {"hmset", -4, kWrite, 1, 1, 1, HMSet},
                          {"hsetnx", 4, kWrite, 1, 1, 1, HSetNx},
                          {"hget", 3, 0, 1, 1, 1, HGet},
                          {"hmget", -3, 0, 1, 1, 1, HMGet},
                          {"hdel", -3, kWrite, 1, 1, 1, HDel},
                          {"hgetall", 2, 0, 1, 1, 1, HGetAll},
                          {"hkeys", 2, 0, 1, 1, 1, HKeys},
                          {"hvals", 2, 0, 1, 1, 1, HVals},
                          {"hlen", 2, 0, 1, 1, 1, HLen},
                          {"hexists", 3, 0, 1, 1, 1, HExists},
                          {"hstrlen", 3, 0, 1, 1, 1, HStrlen},
                          {"hincrby", 4, kWrite, 1, 1, 1, HIncrBy},
                          {"hincrbyfloat", 4, kWrite, 1, 1, 1, HIncrByFloat},
                          {"hscan", -3, 0, 1, 1, 1, HScan},
                          {"hrandfield", -2, 0, 1, 1, 1, HRandField},
                      });
}

}  // namespace lsmdb::server
