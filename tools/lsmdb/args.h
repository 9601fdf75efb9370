// Splitting a shell line into arguments, with quoting and escapes.
//
// Rules (docs/CLI.md, "Quoting"): arguments are separated by spaces or tabs. Inside
// double quotes, spaces are kept and backslash escapes work ("a\tb", "say \"hi\"").
// Inside single quotes every byte is literal, like in sh ('C:\dir'). Outside quotes the
// same escapes work (a\ b, k\x00). Quoted parts and plain parts join into one argument
// (a"b c"d is `ab cd`), and "" is an empty argument. A '#' that starts the line (after
// blanks) makes it a comment; elsewhere '#' is an ordinary byte (`put color #ff0000`).
//
// An argument that was quoted or escaped anywhere is "literal": it is never taken for an
// option, so the key `--limit` can be written "--limit". A plain "--" ends the options
// (see ParseInvocation in commands.h).
//
// Thread-safety: plain functions without shared state.
#ifndef LSMDB_TOOLS_LSMDB_ARGS_H_
#define LSMDB_TOOLS_LSMDB_ARGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace lsmdb::cli {

struct Token {
  std::string text;      // the argument's bytes, quotes removed and escapes decoded
  bool literal = false;  // quoted or escaped: never an option
};

// Splits line into *tokens (replacing its contents). Returns false, with a reason in
// *error, for an unterminated quote or a bad escape; *tokens is then unspecified.
bool Tokenize(std::string_view line, std::vector<Token>* tokens, std::string* error);

// Turns command-line arguments (already split and unquoted by the calling shell) into
// tokens, byte for byte: no escapes are decoded a second time, so
// `lsmdb put K '{"a":"x\ny"}'` stores a backslash and an n, and 'C:\dir' is C:\dir.
// None is literal: an argument starting with "--" is an option unless it follows "--".
std::vector<Token> ArgvToTokens(int argc, char** argv);

// True if token is an option (a non-literal argument starting with "--").
inline bool IsOption(const Token& token) {
  return !token.literal && token.text.size() >= 2 && token.text[0] == '-' && token.text[1] == '-';
}

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_ARGS_H_
