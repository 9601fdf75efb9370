// String commands with Redis 7.0 semantics.
#include <cmath>

#include "cmd_util.h"

namespace lsmdb::server {

namespace {

int64_t MaxBulk(Ctx& c) {
  std::lock_guard<std::mutex> l(c.server->mu);
  return c.server->settings.proto_max_bulk_len;
}

void PutString(Ctx& c, std::string_view key, std::string value, int64_t expire_ms) {
  Meta m;
  m.type = 's';
  m.expire_ms = expire_ms;
  m.value = std::move(value);
  c.txn->PutMeta(key, m);
}

void Get(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadString(c, c.argv[1], &m, &found)) return;
  if (!found) return c.w->Null();
  c.w->Bulk(m.value);
}

enum SetFlags : unsigned {
  kNX = 1,
  kXX = 2,
  kGET = 4,
  kKEEPTTL = 8,
  kPERSIST = 16,
  kEX = 32,
  kPX = 64,
  kEXAT = 128,
  kPXAT = 256,
};
constexpr unsigned kAnyExpire = kEX | kPX | kEXAT | kPXAT;

// Parses SET / GETEX options from argv[first]. False after a syntax error reply.
bool ParseSetOptions(Ctx& c, size_t first, bool is_set, unsigned* flags, std::string* expire) {
  for (size_t j = first; j < c.argc(); j++) {
    std::string o = AsciiLower(c.argv[j]);
    bool next = j + 1 < c.argc();
    unsigned f = *flags;
    if (is_set && o == "nx" && !(f & kXX)) {
      *flags |= kNX;
    } else if (is_set && o == "xx" && !(f & kNX)) {
      *flags |= kXX;
    } else if (is_set && o == "get") {
      *flags |= kGET;
    } else if (is_set && o == "keepttl" && !(f & (kPERSIST | kAnyExpire))) {
      *flags |= kKEEPTTL;
    } else if (!is_set && o == "persist" && !(f & (kKEEPTTL | kAnyExpire))) {
      *flags |= kPERSIST;
    } else if ((o == "ex" || o == "px" || o == "exat" || o == "pxat") &&
               !(f & (kKEEPTTL | kPERSIST | kAnyExpire)) && next) {
      *flags |= o == "ex" ? kEX : o == "px" ? kPX : o == "exat" ? kEXAT : kPXAT;
      *expire = c.argv[++j];
    } else {
      c.SyntaxError();
      return false;
    }
  }
  return true;
}

bool ExpireFromFlags(Ctx& c, unsigned flags, const std::string& expire, int64_t* when) {
  *when = 0;
  if (!(flags & kAnyExpire)) return true;
  int64_t unit = (flags & (kEX | kEXAT)) ? 1000 : 1;
  bool absolute = (flags & (kEXAT | kPXAT)) != 0;
  return ParseExpireArg(c, expire, unit, absolute, when);
}

// The core of SET/SETNX/SETEX/PSETEX/GETSET. Replies per the flags.
void SetGeneric(Ctx& c, std::string_view key, std::string_view value, unsigned flags, int64_t when,
                bool reply_int) {
  Meta old;
  bool found = false;
  if (!LoadMeta(c, key, &old, &found)) return;
  if ((flags & kGET) && found && old.type != 's') return c.WrongType();
  bool ok = !((flags & kNX) && found) && !((flags & kXX) && !found);
  if (ok) {
    int64_t exp = when;
    if ((flags & kKEEPTTL) && found) exp = old.expire_ms;
    PutString(c, key, std::string(value), exp);
  }
  if (flags & kGET) {
    if (found) return c.w->Bulk(old.value);
    return c.w->Null();
  }
  if (reply_int) return c.w->Int(ok ? 1 : 0);
  if (ok) return c.w->Simple("OK");
  c.w->Null();
}

void Set(Ctx& c) {
  unsigned flags = 0;
  std::string expire;
  if (!ParseSetOptions(c, 3, true, &flags, &expire)) return;
  int64_t when = 0;
  if (!ExpireFromFlags(c, flags, expire, &when)) return;
  SetGeneric(c, c.argv[1], c.argv[2], flags, when, false);
}

void SetNx(Ctx& c) { SetGeneric(c, c.argv[1], c.argv[2], kNX, 0, true); }

void SetEx(Ctx& c) {
  int64_t when = 0;
  if (!ParseExpireArg(c, c.argv[2], 1000, false, &when)) return;
  SetGeneric(c, c.argv[1], c.argv[3], 0, when, false);
}

void PSetEx(Ctx& c) {
  int64_t when = 0;
  if (!ParseExpireArg(c, c.argv[2], 1, false, &when)) return;
  SetGeneric(c, c.argv[1], c.argv[3], 0, when, false);
}

void GetSet(Ctx& c) { SetGeneric(c, c.argv[1], c.argv[2], kGET, 0, false); }

void GetDel(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadString(c, c.argv[1], &m, &found)) return;
  if (!found) return c.w->Null();
  c.txn->DeleteKey(c.argv[1]);
  c.w->Bulk(m.value);
}

void GetEx(Ctx& c) {
  unsigned flags = 0;
  std::string expire;
  if (!ParseSetOptions(c, 2, false, &flags, &expire)) return;
  int64_t when = 0;
  if (!ExpireFromFlags(c, flags, expire, &when)) return;
  Meta m;
  bool found = false;
  if (!LoadString(c, c.argv[1], &m, &found)) return;
  if (!found) return c.w->Null();
  if (flags & kAnyExpire) {
    if (when <= c.now_ms) {
      c.txn->DeleteKey(c.argv[1]);
    } else {
      m.expire_ms = when;
      c.txn->PutMeta(c.argv[1], m);
    }
  } else if ((flags & kPERSIST) && m.expire_ms != 0) {
    m.expire_ms = 0;
    c.txn->PutMeta(c.argv[1], m);
  }
  c.w->Bulk(m.value);
}

void MGet(Ctx& c) {
  c.w->Array(c.argc() - 1);
  for (size_t i = 1; i < c.argc(); i++) {
    Meta m;
    bool found = false;
    Status s = c.txn->GetMeta(c.argv[i], c.now_ms, &m, &found);
    if (!s.ok()) {
      c.w->Error("ERR lsmdb: " + s.ToString());
    } else if (found && m.type == 's') {
      c.w->Bulk(m.value);
    } else {
      c.w->Null();
    }
  }
}

void MSet(Ctx& c) {
  if (c.argc() % 2 == 0) return c.WrongArgs();
  for (size_t i = 1; i + 1 < c.argc(); i += 2) PutString(c, c.argv[i], c.argv[i + 1], 0);
  c.w->Simple("OK");
}

void MSetNx(Ctx& c) {
  if (c.argc() % 2 == 0) return c.WrongArgs();
  for (size_t i = 1; i + 1 < c.argc(); i += 2) {
    Meta m;
    bool found = false;
    if (!LoadMeta(c, c.argv[i], &m, &found)) return;
    if (found) return c.w->Int(0);
  }
  for (size_t i = 1; i + 1 < c.argc(); i += 2) PutString(c, c.argv[i], c.argv[i + 1], 0);
  c.w->Int(1);
}

void Append(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadString(c, c.argv[1], &m, &found)) return;
  if (!found) {
    m = Meta{};
    m.type = 's';
  } else if (static_cast<int64_t>(m.value.size() + c.argv[2].size()) > MaxBulk(c)) {
    return c.Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  m.value.append(c.argv[2]);
  c.txn->PutMeta(c.argv[1], m);
  c.w->Int(static_cast<int64_t>(m.value.size()));
}

void StrLen(Ctx& c) {
  Meta m;
  bool found = false;
  if (!LoadString(c, c.argv[1], &m, &found)) return;
  c.w->Int(found ? static_cast<int64_t>(m.value.size()) : 0);
}

void GetRange(Ctx& c) {
  int64_t start = 0, end = 0;
  if (!ArgInt(c, c.argv[2], &start) || !ArgInt(c, c.argv[3], &end)) return;
  Meta m;
  bool found = false;
  if (!LoadString(c, c.argv[1], &m, &found)) return;
  if (!found) return c.w->Bulk("");
  int64_t len = static_cast<int64_t>(m.value.size());
  if (start < 0 && end < 0 && start > end) return c.w->Bulk("");
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return c.w->Bulk("");
  c.w->Bulk(std::string_view(m.value).substr(static_cast<size_t>(start),
                                             static_cast<size_t>(end - start + 1)));
}

void SetRange(Ctx& c) {
  int64_t offset = 0;
  if (!ArgInt(c, c.argv[2], &offset)) return;
  if (offset < 0) return c.Err("ERR offset is out of range");
  Meta m;
  bool found = false;
  if (!LoadString(c, c.argv[1], &m, &found)) return;
  const std::string& v = c.argv[3];
  if (v.empty()) return c.w->Int(found ? static_cast<int64_t>(m.value.size()) : 0);
  if (offset > MaxBulk(c) - static_cast<int64_t>(v.size())) {
    return c.Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  if (!found) {
    m = Meta{};
    m.type = 's';
  }
  size_t need = static_cast<size_t>(offset) + v.size();
  if (m.value.size() < need) m.value.resize(need, '\0');
  m.value.replace(static_cast<size_t>(offset), v.size(), v);
  c.txn->PutMeta(c.argv[1], m);
  c.w->Int(static_cast<int64_t>(m.value.size()));
}

void IncrBy(Ctx& c, std::string_view key, int64_t incr) {
  Meta m;
  bool found = false;
  if (!LoadString(c, key, &m, &found)) return;
  int64_t cur = 0;
  if (found && !ParseStrictInt64(m.value, &cur)) return c.NotInteger();
  if ((incr < 0 && cur < 0 && incr < INT64_MIN - cur) ||
      (incr > 0 && cur > 0 && incr > INT64_MAX - cur)) {
    return c.Err("ERR increment or decrement would overflow");
  }
  cur += incr;
  if (!found) {
    m = Meta{};
    m.type = 's';
  }
  m.value = std::to_string(cur);
  c.txn->PutMeta(key, m);
  c.w->Int(cur);
}

void Incr(Ctx& c) { IncrBy(c, c.argv[1], 1); }
void Decr(Ctx& c) { IncrBy(c, c.argv[1], -1); }
void IncrByCmd(Ctx& c) {
  int64_t n = 0;
  if (ArgInt(c, c.argv[2], &n)) IncrBy(c, c.argv[1], n);
}
void DecrByCmd(Ctx& c) {
  int64_t n = 0;
  if (!ArgInt(c, c.argv[2], &n)) return;
  if (n == INT64_MIN) return c.Err("ERR decrement would overflow");
  IncrBy(c, c.argv[1], -n);
}

void IncrByFloat(Ctx& c) {
  long double incr = 0;
  if (!ParseLongDouble(c.argv[2], &incr)) return c.NotFloat();
  Meta m;
  bool found = false;
  if (!LoadString(c, c.argv[1], &m, &found)) return;
  long double cur = 0;
  if (found && !ParseLongDouble(m.value, &cur)) return c.NotFloat();
  cur += incr;
  if (std::isnan(cur) || std::isinf(cur)) {
    return c.Err("ERR increment would produce NaN or Infinity");
  }
  if (!found) {
    m = Meta{};
    m.type = 's';
  }
  m.value = FormatDouble(cur, true);
  c.txn->PutMeta(c.argv[1], m);
  c.w->Bulk(m.value);
}

}  // namespace

void AddStringCommands(std::vector<CommandSpec>* t) {
  t->insert(t->end(), {
                          {"get", 2, 0, 1, 1, 1, Get},
                          {"set", -3, kWrite, 1, 1, 1, Set},
                          {"setnx", 3, kWrite, 1, 1, 1, SetNx},
                          {"setex", 4, kWrite, 1, 1, 1, SetEx},
                          {"psetex", 4, kWrite, 1, 1, 1, PSetEx},
                          {"getset", 3, kWrite, 1, 1, 1, GetSet},
                          {"getdel", 2, kWrite, 1, 1, 1, GetDel},
                          {"getex", -2, kWrite, 1, 1, 1, GetEx},
                          {"mget", -2, 0, 1, -1, 1, MGet},
                          {"mset", -3, kWrite, 1, -1, 2, MSet},
                          {"msetnx", -3, kWrite, 1, -1, 2, MSetNx},
                          {"append", 3, kWrite, 1, 1, 1, Append},
                          {"strlen", 2, 0, 1, 1, 1, StrLen},
                          {"getrange", 4, 0, 1, 1, 1, GetRange},
                          {"substr", 4, 0, 1, 1, 1, GetRange},
                          {"setrange", 4, kWrite, 1, 1, 1, SetRange},
                          {"incr", 2, kWrite, 1, 1, 1, Incr},
                          {"decr", 2, kWrite, 1, 1, 1, Decr},
                          {"incrby", 3, kWrite, 1, 1, 1, IncrByCmd},
                          {"decrby", 3, kWrite, 1, 1, 1, DecrByCmd},
                          {"incrbyfloat", 3, kWrite, 1, 1, 1, IncrByFloat},
                      });
}

}  // namespace lsmdb::server
