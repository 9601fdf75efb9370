#include "dump.h"
#include "escape.h"
#include "json_lines.h"
#include "util/internal_key.h"

namespace lsmdb::cli {

DumpLine::DumpLine(bool json, std::string_view type) : json_(json) {
  if (json_) {
    line_ = "{";
    Str("type", type);
  }
}

void DumpLine::Name(std::string_view name) {
  if (!first_) line_ += ", ";
  first_ = false;
  AppendJsonString(name, &line_);
  line_ += ": ";
}

DumpLine& DumpLine::Str(std::string_view name, std::string_view bytes) {
  if (json_) {
    Name(name);
    AppendJsonString(bytes, &line_);
  } else {
    AppendEscaped(bytes, &line_);
  }
  return *this;
}

DumpLine& DumpLine::Num(std::string_view name, uint64_t value) {
  if (json_) Name(name);
  line_ += std::to_string(value);
  return *this;
}

DumpLine& DumpLine::Bool(std::string_view name, bool value) {
  if (json_) {
    Name(name);
    line_ += value ? "true" : "false";
  }
  return *this;
}

DumpLine& DumpLine::Json(std::string_view name, std::string_view json) {
  if (json_) {
    Name(name);
    line_ += json;
  }
  return *this;
}

DumpLine& DumpLine::Text(std::string_view text) {
  if (!json_) line_ += text;
  return *this;
}

void DumpLine::Print(FILE* out) {
  if (json_) line_ += "}";
  line_ += '\n';
  std::fwrite(line_.data(), 1, line_.size(), out);
}

std::string InternalKeyText(std::string_view ikey) {
  ParsedInternalKey parsed;
  if (!ParseInternalKey(ikey, &parsed)) return "<bad internal key " + Escape(ikey) + ">";
  return Escape(parsed.user_key) + " @ " + std::to_string(parsed.sequence) +
         (parsed.type == ValueType::kValue ? " put" : " del");
}

std::string InternalKeyJson(std::string_view ikey) {
  std::string r = "{";
  ParsedInternalKey parsed;
  if (!ParseInternalKey(ikey, &parsed)) {
    r += "\"bad_key\": ";
    AppendJsonString(ikey, &r);
  } else {
    r += "\"user_key\": ";
    AppendJsonString(parsed.user_key, &r);
    r += ", \"seq\": " + std::to_string(parsed.sequence) + ", \"kind\": ";
    r += parsed.type == ValueType::kValue ? "\"put\"" : "\"del\"";
  }
  return r + "}";
}

std::string HumanSize(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), unit == 0 ? "%.0f %s" : "%.1f %s", v, kUnits[unit]);
  return buf;
}

}  // namespace lsmdb::cli
