#include "args.h"

#include "escape.h"

namespace lsmdb::cli {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

bool Tokenize(std::string_view line, std::vector<Token>* tokens, std::string* error) {
  tokens->clear();
  size_t pos = 0;
  while (true) {
    while (pos < line.size() && IsSpace(line[pos])) ++pos;
    if (pos >= line.size() || (tokens->empty() && line[pos] == '#')) return true;

    Token token;
    while (pos < line.size() && !IsSpace(line[pos])) {
      const char c = line[pos];
      if (c == '\\') {
        if (!DecodeEscape(line, &pos, &token.text, error)) return false;
        token.literal = true;
      } else if (c == '\'') {
        const size_t end = line.find('\'', pos + 1);
        if (end == std::string_view::npos) {
          *error = "unterminated ' quote";
          return false;
        }
        token.text.append(line.substr(pos + 1, end - pos - 1));
        token.literal = true;
        pos = end + 1;
      } else if (c == '"') {
        token.literal = true;
        ++pos;
        while (true) {
          if (pos >= line.size()) {
            *error = "unterminated \" quote";
            return false;
          }
          if (line[pos] == '"') {
            ++pos;
            break;
          }
          if (line[pos] == '\\') {
            if (!DecodeEscape(line, &pos, &token.text, error)) return false;
          } else {
            token.text.push_back(line[pos++]);
          }
        }
      } else {
        token.text.push_back(c);
        ++pos;
      }
    }
    tokens->push_back(std::move(token));
  }
}

std::vector<Token> ArgvToTokens(int argc, char** argv) {
  std::vector<Token> tokens;
  for (int i = 0; i < argc; ++i) tokens.push_back(Token{argv[i], false});
  return tokens;
}

}  // namespace lsmdb::cli
