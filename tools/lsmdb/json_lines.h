// The JSON-lines record format of `load` and `export`: one object per line,
//   {"key": "...", "value": "..."}
//
// JSON strings hold text, lsmdb keys hold bytes; the mapping (docs/CLI.md, "JSON lines"):
// a string's code points U+0000..U+00FF stand for the single bytes 0x00..0xFF, so every
// byte string is representable and \u00XX escapes carry binary bytes. Code points above
// U+00FF (including surrogate pairs) become their UTF-8 bytes, and raw bytes of the line
// (UTF-8 written by other tools) are taken as they are. Export writes printable ASCII as
// itself, '"' and '\' as \" and \\, and every other byte as \u00xx, so that export,
// load and export again give the same bytes.
//
// Thread-safety: plain functions without shared state.
#ifndef LSMDB_TOOLS_LSMDB_JSON_LINES_H_
#define LSMDB_TOOLS_LSMDB_JSON_LINES_H_

#include <string>
#include <string_view>

namespace lsmdb::cli {

// Appends bytes as a JSON string, quotes included, in the byte mapping above.
void AppendJsonString(std::string_view bytes, std::string* out);

// Appends the record as one line, newline included, to *out.
void AppendJsonRecord(std::string_view key, std::string_view value, std::string* out);

// Parses one line (without its newline) into *key and *value. Members other than "key"
// and "value" are ignored if their values are strings, numbers, true, false or null.
// Returns false, with a reason in *error, for anything that is not such an object with
// both members.
bool ParseJsonRecord(std::string_view line, std::string* key, std::string* value,
                     std::string* error);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_JSON_LINES_H_
