#include "escape.h"

namespace lsmdb::cli {

namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

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
