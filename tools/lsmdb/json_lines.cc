#include "json_lines.h"

#include <cstdint>

namespace lsmdb::cli {

namespace {

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

void AppendJsonString(std::string_view bytes, std::string* out) {
  out->push_back('"');
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c >= 0x20 && c < 0x7f) {
      out->push_back(ch);
    } else {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xf]);
    }
  }
  out->push_back('"');
}

namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
  }
  out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
}

// A cursor over one line of JSON. Every method returns false, with a reason in error_,
// on bad input.
class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  const std::string& error() const { return error_; }

  void SkipSpace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\r' || in_[pos_] == '\n')) {
      ++pos_;
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= in_.size();
  }
  // Consumes c after optional spaces.
  bool Expect(char c) {
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == c) {
      ++pos_;
      return true;
    }
    return Fail(std::string("expected '") + c + "'");
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < in_.size() && in_[pos_] == c;
  }

  bool String(std::string* out) {
    out->clear();
    if (!Expect('"')) return false;
    while (true) {
      if (pos_ >= in_.size()) return Fail("unterminated string");
      const auto c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Fail("raw control character in string");
      if (c != '\\') {
        out->push_back(in_[pos_++]);
        continue;
      }
      if (++pos_ >= in_.size()) return Fail("unterminated string");
      const char e = in_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00) {  // high surrogate: a low one must follow
            uint32_t low = 0;
            if (in_.substr(pos_, 2) != "\\u") return Fail("lone surrogate \\u escape");
            pos_ += 2;
            if (!Hex4(&low)) return false;
            if (low < 0xdc00 || low >= 0xe000) return Fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return Fail("lone surrogate \\u escape");
          }
          if (cp <= 0xff) {
            out->push_back(static_cast<char>(cp));
          } else {
            AppendUtf8(cp, out);
          }
          break;
        }
        default:
          return Fail(std::string("bad escape \\") + e);
      }
    }
  }

  // Skips a number, true, false or null.
  bool SkipScalar() {
    SkipSpace();
    const size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] != ',' && in_[pos_] != '}' && in_[pos_] != ' ' &&
           in_[pos_] != '\t') {
      ++pos_;
    }
    const std::string_view word = in_.substr(start, pos_ - start);
    if (word == "true" || word == "false" || word == "null") return true;
    if (!word.empty() && (word[0] == '-' || (word[0] >= '0' && word[0] <= '9')) &&
        word.find_first_not_of("0123456789+-.eE") == std::string_view::npos) {
      return true;
    }
    return Fail("unsupported value (only strings, numbers, true, false, null)");
  }

  bool Fail(std::string reason) {
    error_ = reason + " at column " + std::to_string(pos_ + 1);
    return false;
  }

 private:
  bool Hex4(uint32_t* cp) {
    if (pos_ + 4 > in_.size()) return Fail("truncated \\u escape");
    *cp = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = in_[pos_++];
      uint32_t d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return Fail("bad hex digit in \\u escape");
      *cp = *cp * 16 + d;
    }
    return true;
  }

  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

void AppendJsonRecord(std::string_view key, std::string_view value, std::string* out) {
  out->append("{\"key\": ");
  AppendJsonString(key, out);
  out->append(", \"value\": ");
  AppendJsonString(value, out);
  out->append("}\n");
}

bool ParseJsonRecord(std::string_view line, std::string* key, std::string* value,
                     std::string* error) {
  Parser p(line);
  bool have_key = false, have_value = false;
  std::string name, text;
  bool ok = p.Expect('{');
  if (ok && p.Peek('}')) {
    ok = p.Expect('}');
  } else {
    while (ok) {
      ok = p.String(&name) && p.Expect(':');
      if (!ok) break;
      if (name == "key" || name == "value") {
        bool& seen = name == "key" ? have_key : have_value;
        if (seen) {
          ok = p.Fail("duplicate member \"" + name + "\"");
          break;
        }
        seen = true;
        ok = p.String(name == "key" ? key : value);
      } else {
        ok = p.Peek('"') ? p.String(&text) : p.SkipScalar();
      }
      if (!ok) break;
      if (p.Peek(',')) {
        ok = p.Expect(',');
        continue;
      }
      ok = p.Expect('}');
      break;
    }
  }
  if (ok && !p.AtEnd()) ok = p.Fail("text after the object");
  if (!ok) {
    *error = p.error();
    return false;
  }
  if (!have_key || !have_value) {
    *error = have_key ? "missing \"value\"" : "missing \"key\"";
    return false;
  }
  return true;
}

}  // namespace lsmdb::cli
