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

// How keys and values are printed.
enum class ValueStyle {
  kEscaped,  // the canonical escaped form of escape.h (ASCII only)
  kText,     // printable UTF-8 as it is, the rest escaped (AppendText): a UTF-8 locale
  kRaw,      // the bytes exactly
  kHex,      // two hex digits per byte
};

// True if the locale (as set by setlocale(LC_CTYPE, "")) uses UTF-8.
bool Utf8Locale();

// True if fd is a terminal, $TERM is set and not "dumb", and $NO_COLOR is unset
// (https://no-color.org).
bool ColorWanted(int fd);

class Output {
 public:
  // REQUIRES: out and err outlive this object.
  Output(FILE* out, FILE* err, bool color_out, bool color_err);

  // Prefix of every error line, e.g. "lsmdb: " or "lsmdb: line 3: ". Default: "lsmdb: ".
  void set_error_prefix(std::string prefix) { error_prefix_ = std::move(prefix); }

  // The style of Value and Entry. Default: kEscaped.
  void set_style(ValueStyle style) { style_ = style; }
  ValueStyle style() const { return style_; }
  // Whether commands print the time they took (shell on a terminal). Default: true.
  void set_timing(bool on) { timing_ = on; }
  bool timing() const { return timing_; }

  // A line of plain result text ("OK", a number).
  void Line(std::string_view text);
  // A value in the style, on a line; an empty value shows as "" (kRaw: the bytes alone,
  // no newline).
  void Value(std::string_view value);
  // A key and its value in the style, separated by a tab: in kEscaped, the line format
  // of `export`. A null value prints the key alone.
  void Entry(std::string_view key, const std::string_view* value);
  // A remark rather than data, e.g. "(not found)" or "(3 entries)".
  void Note(std::string_view text);
  // Text printed as it is (multi-line property values); a final newline is added if
  // missing.
  void Raw(std::string_view text);
  // A remark on the error stream, without prefix or colour, e.g. "(not found)".
  void Aside(std::string_view text);
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
  void Append(std::string_view bytes);  // to scratch_, in the style

  ValueStyle style_ = ValueStyle::kEscaped;
  bool timing_ = true;
  std::string error_prefix_ = "lsmdb: ";
  std::string scratch_;
};

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_OUTPUT_H_
