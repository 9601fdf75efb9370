// Escaping of arbitrary bytes as printable text, and back.
//
// The CLI shows keys and values, and writes the tab-separated format of `load` and
// `export`, in one canonical escaped form (docs/CLI.md, "Escapes"):
//   printable ASCII (0x20..0x7e) but '\'   -> itself
//   backslash, tab, newline, return        -> \\  \t  \n  \r
//   every other byte                       -> \xNN (two lowercase hex digits)
// The output never holds a tab or a newline, so it fits one field of one line.
// Unescape() accepts that form and a little more (\0, \", \', \ , \#, \-, upper-case hex),
// and rejects anything else, so that a typo never turns silently into other bytes.
//
// Thread-safety: plain functions without shared state.
#ifndef LSMDB_TOOLS_LSMDB_ESCAPE_H_
#define LSMDB_TOOLS_LSMDB_ESCAPE_H_

#include <string>
#include <string_view>

namespace lsmdb::cli {

// Appends bytes as text for a UTF-8 terminal to *out: like AppendEscaped, except that a
// well-formed UTF-8 sequence of a printable character (U+00A0 and above, but not the
// invisible formatting characters: soft hyphen, zero-width and direction marks and
// overrides, line and paragraph separators, the byte order mark, noncharacters) is kept
// as it is. Unescape() of the result gives the bytes back.
void AppendText(std::string_view bytes, std::string* out);

// Appends bytes as lowercase hex digits, two per byte, to *out.
void AppendHex(std::string_view bytes, std::string* out);
// Replaces *out with the bytes of the hex digits in (either case). Returns false for an
// odd count or a character that is not a hex digit.
bool DecodeHex(std::string_view in, std::string* out);

// Appends the canonical escaped form of bytes to *out.
void AppendEscaped(std::string_view bytes, std::string* out);
// The canonical escaped form of bytes.
std::string Escape(std::string_view bytes);

// Decodes the escape sequence that starts at in[*pos] (which must be '\') and appends its
// byte to *out, advancing *pos past it. Returns false, with a reason in *error, for an
// unknown escape, a truncated \xNN, or a '\' at the end of the input.
bool DecodeEscape(std::string_view in, size_t* pos, std::string* out, std::string* error);

// Replaces *out with the bytes of the escaped text in. Returns false, with a reason in
// *error (naming the offending sequence), if in holds a bad escape.
bool Unescape(std::string_view in, std::string* out, std::string* error);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_ESCAPE_H_
