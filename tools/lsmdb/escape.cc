#include "escape.h"

#include <cstdint>

namespace lsmdb::cli {

namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The length of the well-formed UTF-8 sequence at the start of in (2..4 bytes) and its
// code point, or 0 if in does not start with one.
size_t Utf8Sequence(std::string_view in, uint32_t* code_point) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(in[i]); };
  const unsigned char c = b(0);
  size_t n;
  uint32_t cp, min;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2, cp = c & 0x1f, min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3, cp = c & 0x0f, min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (in.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  *code_point = cp;
  return n;
}

bool Printable(uint32_t cp) {
  if (cp < 0xa0 || cp == 0xad) return false;       // C1 controls, soft hyphen
  if (cp >= 0x200b && cp <= 0x200f) return false;  // zero-width, LRM/RLM
  if (cp >= 0x2028 && cp <= 0x202e) return false;  // separators, embeddings
  if (cp >= 0x2060 && cp <= 0x206f) return false;  // invisible operators, isolates
  if (cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb)) return false;  // BOM, annotations
  if (cp >= 0xfdd0 && cp <= 0xfdef) return false;                    // noncharacters
  if ((cp & 0xfffe) == 0xfffe) return false;                         // U+xFFFE, U+xFFFF
  if (cp >= 0xe0000 && cp <= 0xe007f) return false;                  // tags
  return true;
}

}  // namespace

void AppendText(std::string_view bytes, std::string* out) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    uint32_t cp = 0;
    const size_t n =
        static_cast<unsigned char>(bytes[pos]) >= 0x80 ? Utf8Sequence(bytes.substr(pos), &cp) : 0;
    if (n > 0 && Printable(cp)) {
      out->append(bytes.substr(pos, n));
      pos += n;
    } else {
      AppendEscaped(bytes.substr(pos, 1), out);
      ++pos;
    }
  }
}

void AppendHex(std::string_view bytes, std::string* out) {
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 0xf]);
  }
}

bool DecodeHex(std::string_view in, std::string* out) {
  out->clear();
  if (in.size() % 2 != 0) return false;
  for (size_t i = 0; i < in.size(); i += 2) {
    const int hi = HexValue(in[i]), lo = HexValue(in[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

void AppendEscaped(std::string_view bytes, std::string* out) {
  out->reserve(out->size() + bytes.size());
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out->push_back(ch);
        } else {
          out->append("\\x");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        }
    }
  }
}

std::string Escape(std::string_view bytes) {
  std::string out;
  AppendEscaped(bytes, &out);
  return out;
}

bool DecodeEscape(std::string_view in, size_t* pos, std::string* out, std::string* error) {
  size_t i = *pos + 1;  // past the backslash
  if (i >= in.size()) {
    *error = "trailing backslash";
    return false;
  }
  const char c = in[i];
  switch (c) {
    case '\\':
    case '"':
    case '\'':
    case ' ':
    case '#':
    case '-':
      out->push_back(c);
      break;
    case 't':
      out->push_back('\t');
      break;
    case 'n':
      out->push_back('\n');
      break;
    case 'r':
      out->push_back('\r');
      break;
    case '0':
      out->push_back('\0');
      break;
    case 'x': {
      const int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        *error = "bad escape \\" + std::string(in.substr(i, 3)) + " (\\x needs two hex digits)";
        return false;
      }
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
      break;
    }
    default:
      *error = "unknown escape \\" + Escape(std::string_view(&in[i], 1));
      return false;
  }
  *pos = i + 1;
  return true;
}

bool Unescape(std::string_view in, std::string* out, std::string* error) {
  out->clear();
  out->reserve(in.size());
  size_t pos = 0;
  while (pos < in.size()) {
    if (in[pos] != '\\') {
      out->push_back(in[pos++]);
    } else if (!DecodeEscape(in, &pos, out, error)) {
      return false;
    }
  }
  return true;
}

}  // namespace lsmdb::cli
