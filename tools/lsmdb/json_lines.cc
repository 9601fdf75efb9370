#include "json_lines.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

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

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kBase64[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kBase64[n & 63] : '=');
  }
  return out;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Strict: padded to a multiple of 4, no other characters.
bool FromBase64(std::string_view in, std::string* out) {
  out->clear();
  if (in.size() % 4 != 0) return false;
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    const int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=' && in[i + 3] == '=') : 0;
    uint32_t n = 0;
    for (size_t j = 0; j < 4; ++j) {
      const int v = j >= 4 - static_cast<size_t>(pad) ? 0 : Base64Value(in[i + j]);
      if (v < 0) return false;
      n = (n << 6) | static_cast<uint32_t>(v);
    }
    out->push_back(static_cast<char>(n >> 16));
    if (pad < 2) out->push_back(static_cast<char>(n >> 8));
    if (pad < 1) out->push_back(static_cast<char>(n));
  }
  return true;
}

void AddField(nlohmann::ordered_json* record, const char* name, std::string_view bytes) {
  if (ValidUtf8(bytes)) {
    (*record)[name] = std::string(bytes);
  } else {
    (*record)[std::string(name) + "_base64"] = Base64(bytes);
  }
}

// The bytes of the field name (a string) or name_base64; exactly one must be present.
bool TakeField(const nlohmann::json& record, const std::string& name, std::string* out,
               std::string* error) {
  const auto text = record.find(name);
  const auto b64 = record.find(name + "_base64");
  if ((text == record.end()) == (b64 == record.end())) {
    *error = text == record.end() ? "missing \"" + name + "\" (or \"" + name + "_base64\")"
                                  : "both \"" + name + "\" and \"" + name + "_base64\"";
    return false;
  }
  const auto& field = text != record.end() ? *text : *b64;
  if (!field.is_string()) {
    *error = "\"" + (text != record.end() ? name : name + "_base64") + "\" is not a string";
    return false;
  }
  if (text != record.end()) {
    *out = field.get<std::string>();
  } else if (!FromBase64(field.get<std::string>(), out)) {
    *error = "\"" + name + "_base64\" is not valid base64";
    return false;
  }
  return true;
}

}  // namespace

bool ValidUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    size_t n;
    uint32_t cp, min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + n > bytes.size()) return false;
    for (size_t j = 1; j < n; ++j) {
      const auto b = static_cast<unsigned char>(bytes[i + j]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

void AppendJsonRecord(std::string_view key, std::string_view value, std::string* out) {
  nlohmann::ordered_json record = nlohmann::ordered_json::object();
  AddField(&record, "key", key);
  AddField(&record, "value", value);
  out->append(record.dump(-1, ' ', /*ensure_ascii=*/false));
  out->push_back('\n');
}

bool ParseJsonRecord(std::string_view line, std::string* key, std::string* value,
                     std::string* error) {
  // Duplicate members are refused (a JSON object keeps only one of them).
  std::vector<std::string> seen;
  std::string duplicate;
  const auto callback = [&](int depth, nlohmann::json::parse_event_t event,
                            nlohmann::json& parsed) {
    if (depth == 1 && event == nlohmann::json::parse_event_t::key) {
      const std::string& name = parsed.get_ref<const std::string&>();
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) duplicate = name;
      seen.push_back(name);
    }
    return true;
  };
  nlohmann::json record;
  try {
    record = nlohmann::json::parse(line.begin(), line.end(), callback);
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    const size_t bracket = what.find("] ");
    *error = bracket == std::string::npos ? what : what.substr(bracket + 2);
    return false;
  }
  if (!duplicate.empty()) {
    *error = "member \"" + duplicate + "\" given twice";
    return false;
  }
  if (!record.is_object()) {
    *error = "not a JSON object";
    return false;
  }
  return TakeField(record, "key", key, error) && TakeField(record, "value", value, error);
}

}  // namespace lsmdb::cli
