// The JSON-lines record format of `load` and `export`: one object per line,
//   {"key":"...","value":"..."}
//
// JSON strings hold Unicode text, lsmdb keys hold bytes (docs/CLI.md, "JSON lines"). A
// key or value that is valid UTF-8 is written as an ordinary JSON string of that text
// (so `ключ` reads as ключ in Python or jq); one that is not is written, losslessly, as
// base64 in a member named "key_base64" or "value_base64" instead. Load takes either
// form of each (exactly one), standard JSON escapes included (\u043f is the UTF-8 of
// U+043F), and ignores other members. Parsing is nlohmann-json's.
//
// AppendJsonString is the older byte mapping used by `dump --json` (dump.h): code points
// U+0000..U+00FF stand for the bytes 0x00..0xFF.
//
// Thread-safety: plain functions without shared state.
#ifndef LSMDB_TOOLS_LSMDB_JSON_LINES_H_
#define LSMDB_TOOLS_LSMDB_JSON_LINES_H_

#include <string>
#include <string_view>

namespace lsmdb::cli {

// Appends bytes as a JSON string, quotes included, in the byte mapping above.
void AppendJsonString(std::string_view bytes, std::string* out);

// True if bytes are well-formed UTF-8 (no overlong forms, surrogates or values above
// U+10FFFF).
bool ValidUtf8(std::string_view bytes);

// Appends the record as one line, newline included, to *out.
void AppendJsonRecord(std::string_view key, std::string_view value, std::string* out);

// Parses one line (without its newline) into *key and *value. Returns false, with a
// reason in *error, for anything that is not one JSON object with a key and a value
// (as above) and no member given twice.
bool ParseJsonRecord(std::string_view line, std::string* key, std::string* value,
                     std::string* error);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_JSON_LINES_H_
