// Output: how the CLI prints results and errors.
//
// Results go to one stream (stdout), errors to another (stderr). Keys and values are
// printed in the escaped form of escape.h, so any bytes print safely and a result line
// never spans two lines. Colour is used on a stream only if ColorWanted() says so for it.
//
// Thread-safety: not synchronised; one thread uses an Output.
#ifndef LSMDB_TOOLS_LSMDB_OUTPUT_H_
#define LSMDB_TOOLS_LSMDB_OUTPUT_H_

#include <cstdio>
#include <string>
#include <string_view>

namespace lsmdb::cli {

// True if fd is a terminal, $TERM is set and not "dumb", and $NO_COLOR is unset
// (https://no-color.org).
bool ColorWanted(int fd);

class Output {
 public:
  // REQUIRES: out and err outlive this object.
  Output(FILE* out, FILE* err, bool color_out, bool color_err);

  // Prefix of every error line, e.g. "lsmdb: " or "lsmdb: line 3: ". Default: "lsmdb: ".
  void set_error_prefix(std::string prefix) { error_prefix_ = std::move(prefix); }

  // A line of plain result text ("OK", a number).
  void Line(std::string_view text);
  // A value, escaped.
  void Value(std::string_view value);
  // A key and its value, escaped, separated by a tab: the line format of `export`.
  void Entry(std::string_view key, std::string_view value);
  // A remark rather than data, e.g. "(not found)" or "(3 entries)".
  void Note(std::string_view text);
  // Text printed as it is (multi-line property values); a final newline is added if
  // missing.
  void Raw(std::string_view text);
  // The time a command took, e.g. "(0.12 ms)".
  void Timing(double micros);
  // prefix + message + newline on the error stream.
  void Error(std::string_view message);
  // A warning line on the error stream (not an error of the command).
  void Warning(std::string_view message);

  FILE* out() const { return out_; }
  void Flush() { std::fflush(out_); }

 private:
  void Styled(FILE* f, bool color, const char* style, std::string_view text);

  FILE* out_;
  FILE* err_;
  bool color_out_;
  bool color_err_;
  std::string error_prefix_ = "lsmdb: ";
  std::string scratch_;
};

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_OUTPUT_H_
