// RESP parsing and reply encoding (resp.h).
#include "resp.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "util_text.h"

namespace lsmdb::server {

namespace {

// Position of c in buf at or after from, or npos.
size_t Find(std::string_view buf, char c, size_t from) {
  return from >= buf.size() ? std::string_view::npos : buf.find(c, from);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

// Reads a "double quoted" token starting after the opening quote; *i ends past the
// closing quote. False if unbalanced or the quote is not followed by space/end.
bool ReadDoubleQuoted(std::string_view s, size_t* i, std::string* out) {
  size_t p = *i;
  while (true) {
    if (p >= s.size()) return false;
    char c = s[p];
    if (c == '\\' && p + 3 < s.size() && s[p + 1] == 'x' && HexValue(s[p + 2]) >= 0 &&
        HexValue(s[p + 3]) >= 0) {
      out->push_back(static_cast<char>(HexValue(s[p + 2]) * 16 + HexValue(s[p + 3])));
      p += 4;
    } else if (c == '\\' && p + 1 < s.size()) {
      char e = s[p + 1];
      switch (e) {
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'a':
          out->push_back('\a');
          break;
        default:
          out->push_back(e);
          break;
      }
      p += 2;
    } else if (c == '"') {
      if (p + 1 < s.size() && !IsSpace(s[p + 1])) return false;
      *i = p + 1;
      return true;
    } else {
      out->push_back(c);
      p++;
    }
  }
}

bool ReadSingleQuoted(std::string_view s, size_t* i, std::string* out) {
  size_t p = *i;
  while (true) {
    if (p >= s.size()) return false;
    char c = s[p];
    if (c == '\\' && p + 1 < s.size() && s[p + 1] == '\'') {
      out->push_back('\'');
      p += 2;
    } else if (c == '\'') {
      if (p + 1 < s.size() && !IsSpace(s[p + 1])) return false;
      *i = p + 1;
      return true;
    } else {
      out->push_back(c);
      p++;
    }
  }
}

}  // namespace

bool SplitInlineArgs(std::string_view s, std::vector<std::string>* args) {
  args->clear();
  // Redis splits a C string: a NUL byte ends the request line.
  s = s.substr(0, s.find('\0'));
  size_t i = 0;
  while (true) {
    while (i < s.size() && IsSpace(s[i])) i++;
    if (i >= s.size()) return true;
    std::string token;
    // A quote opens quoting anywhere in a token and ends the token when it closes.
    bool done = false;
    while (!done) {
      if (i >= s.size() || s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ||
          s[i] == '\0') {
        done = true;
      } else if (s[i] == '"') {
        i++;
        if (!ReadDoubleQuoted(s, &i, &token)) return false;
        done = true;
      } else if (s[i] == '\'') {
        i++;
        if (!ReadSingleQuoted(s, &i, &token)) return false;
        done = true;
      } else {
        token.push_back(s[i++]);
      }
    }
    args->push_back(std::move(token));
  }
}

RespParser::Result RespParser::Parse(std::string_view buf, size_t* consumed,
                                     std::vector<std::string>* args, std::string* error) {
  *consumed = 0;
  args->clear();
  if (remaining_ == 0) {
    if (buf.empty()) return Result::kNeedMore;
    if (buf[0] != '*') return ParseInline(buf, consumed, args, error);
  }
  return ParseMultibulk(buf, consumed, args, error);
}

RespParser::Result RespParser::ParseInline(std::string_view buf, size_t* consumed,
                                           std::vector<std::string>* args, std::string* error) {
  size_t nl = buf.find('\n');
  if (nl == std::string_view::npos) {
    if (buf.size() > limits_.max_inline) {
      *error = "ERR Protocol error: too big inline request";
      return Result::kError;
    }
    return Result::kNeedMore;
  }
  size_t line_len = nl;
  if (line_len > 0 && buf[line_len - 1] == '\r') line_len--;
  if (!SplitInlineArgs(buf.substr(0, line_len), args)) {
    *error = "ERR Protocol error: unbalanced quotes in request";
    return Result::kError;
  }
  *consumed = nl + 1;
  return args->empty() ? Result::kNeedMore : Result::kCommand;
}

RespParser::Result RespParser::ParseMultibulk(std::string_view buf, size_t* consumed,
                                              std::vector<std::string>* args, std::string* error) {
  size_t pos = 0;
  if (remaining_ == 0) {
    size_t cr = Find(buf, '\r', 0);
    if (cr == std::string_view::npos) {
      if (buf.size() > limits_.max_inline) {
        *error = "ERR Protocol error: too big mbulk count string";
        return Result::kError;
      }
      return Result::kNeedMore;
    }
    if (cr + 1 >= buf.size()) return Result::kNeedMore;  // the LF is not here yet
    int64_t n = 0;
    if (!ParseStrictInt64(buf.substr(1, cr - 1), &n) || n > INT32_MAX) {
      *error = "ERR Protocol error: invalid multibulk length";
      return Result::kError;
    }
    if (n > limits_.max_args) {
      *error = "ERR Protocol error: too many arguments in request (limit " +
               std::to_string(limits_.max_args) + ")";
      return Result::kError;
    }
    pos = cr + 2;
    if (n <= 0) {
      *consumed = pos;
      return Result::kNeedMore;
    }
    remaining_ = n;
    bulk_len_ = -1;
    partial_.clear();
    partial_.reserve(static_cast<size_t>(std::min<int64_t>(n, 1024)));
  }
  while (remaining_ > 0) {
    if (bulk_len_ < 0) {
      size_t cr = Find(buf, '\r', pos);
      if (cr == std::string_view::npos) {
        if (buf.size() - pos > limits_.max_inline) {
          *error = "ERR Protocol error: too big bulk count string";
          return Result::kError;
        }
        break;
      }
      if (cr + 1 >= buf.size()) break;
      if (buf[pos] != '$') {
        *error = std::string("ERR Protocol error: expected '$', got '") + buf[pos] + "'";
        return Result::kError;
      }
      int64_t len = 0;
      if (!ParseStrictInt64(buf.substr(pos + 1, cr - pos - 1), &len) || len < 0 ||
          len > limits_.max_bulk_len) {
        *error = "ERR Protocol error: invalid bulk length";
        return Result::kError;
      }
      pos = cr + 2;
      bulk_len_ = len;
    }
    if (buf.size() - pos < static_cast<size_t>(bulk_len_) + 2) break;
    partial_.emplace_back(buf.substr(pos, static_cast<size_t>(bulk_len_)));
    pos += static_cast<size_t>(bulk_len_) + 2;
    bulk_len_ = -1;
    remaining_--;
  }
  *consumed = pos;
  if (remaining_ > 0) return Result::kNeedMore;
  args->swap(partial_);
  partial_.clear();
  return Result::kCommand;
}

void ReplyWriter::Header(char c, int64_t n) {
  out_->push_back(c);
  out_->append(std::to_string(n));
  out_->append("\r\n");
}

void ReplyWriter::Simple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void ReplyWriter::Error(std::string_view text) {
  out_->push_back('-');
  for (char c : text) out_->push_back(c == '\r' || c == '\n' ? ' ' : c);
  out_->append("\r\n");
}

void ReplyWriter::Int(int64_t n) { Header(':', n); }

void ReplyWriter::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n");
}

void ReplyWriter::Null() { out_->append(proto_ >= 3 ? "_\r\n" : "$-1\r\n"); }
void ReplyWriter::NullArray() { out_->append(proto_ >= 3 ? "_\r\n" : "*-1\r\n"); }
void ReplyWriter::Array(size_t n) { Header('*', static_cast<int64_t>(n)); }
void ReplyWriter::Map(size_t pairs) {
  if (proto_ >= 3) {
    Header('%', static_cast<int64_t>(pairs));
  } else {
    Header('*', static_cast<int64_t>(pairs * 2));
  }
}
void ReplyWriter::Set(size_t n) { Header(proto_ >= 3 ? '~' : '*', static_cast<int64_t>(n)); }

void ReplyWriter::Double(double d) {
  std::string s = FormatDouble(d, false);
  if (proto_ >= 3) {
    out_->push_back(',');
    out_->append(s);
    out_->append("\r\n");
  } else {
    Bulk(s);
  }
}

void ReplyWriter::Verbatim(std::string_view s) {
  if (proto_ < 3) {
    Bulk(s);
    return;
  }
  Header('=', static_cast<int64_t>(s.size() + 4));
  out_->append("txt:");
  out_->append(s);
  out_->append("\r\n");
}

void ReplyWriter::Bool(bool b) {
  if (proto_ >= 3) {
    out_->append(b ? "#t\r\n" : "#f\r\n");
  } else {
    Int(b ? 1 : 0);
  }
}

std::string FormatDouble(long double d, bool human) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[5 * 1024];
  if (!human) {
    int n = std::snprintf(buf, sizeof(buf), "%.17g", static_cast<double>(d));
    return std::string(buf, static_cast<size_t>(n));
  }
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", d);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof(buf)) return "0";
  std::string s(buf, static_cast<size_t>(n));
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace lsmdb::server
