#include "output.h"

#include <langinfo.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "escape.h"

namespace lsmdb::cli {

namespace {

constexpr const char* kKeyStyle = "\x1b[36m";      // cyan
constexpr const char* kNoteStyle = "\x1b[2m";      // dim
constexpr const char* kErrorStyle = "\x1b[1;31m";  // bold red
constexpr const char* kWarningStyle = "\x1b[33m";  // yellow
constexpr const char* kReset = "\x1b[0m";

}  // namespace

bool Utf8Locale() {
  const char* codeset = nl_langinfo(CODESET);
  return codeset != nullptr &&
         (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

bool ColorWanted(int fd) {
  if (!isatty(fd)) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr) return false;
  const char* term = std::getenv("TERM");
  return term != nullptr && *term != '\0' && std::strcmp(term, "dumb") != 0;
}

Output::Output(FILE* out, FILE* err, bool color_out, bool color_err)
    : out_(out), err_(err), color_out_(color_out), color_err_(color_err) {}

void Output::Styled(FILE* f, bool color, const char* style, std::string_view text) {
  if (color) std::fputs(style, f);
  std::fwrite(text.data(), 1, text.size(), f);
  if (color) std::fputs(kReset, f);
}

void Output::Line(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fputc('\n', out_);
}

void Output::Append(std::string_view bytes) {
  switch (style_) {
    case ValueStyle::kEscaped:
      AppendEscaped(bytes, &scratch_);
      break;
    case ValueStyle::kText:
      AppendText(bytes, &scratch_);
      break;
    case ValueStyle::kRaw:
      scratch_.append(bytes);
      break;
    case ValueStyle::kHex:
      AppendHex(bytes, &scratch_);
      break;
  }
}

void Output::Value(std::string_view value) {
  scratch_.clear();
  if (style_ == ValueStyle::kRaw) {
    scratch_.assign(value);
  } else {
    if (value.empty()) scratch_ = "\"\"";
    Append(value);
    scratch_.push_back('\n');
  }
  std::fwrite(scratch_.data(), 1, scratch_.size(), out_);
}

void Output::Entry(std::string_view key, const std::string_view* value) {
  scratch_.clear();
  Append(key);
  Styled(out_, color_out_, kKeyStyle, scratch_);
  scratch_.clear();
  if (value != nullptr) {
    scratch_.push_back('\t');
    Append(*value);
  }
  scratch_.push_back('\n');
  std::fwrite(scratch_.data(), 1, scratch_.size(), out_);
}

void Output::Note(std::string_view text) {
  Styled(out_, color_out_, kNoteStyle, text);
  std::fputc('\n', out_);
}

void Output::Raw(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), out_);
  if (text.empty() || text.back() != '\n') std::fputc('\n', out_);
}

void Output::Aside(std::string_view text) {
  std::fflush(out_);
  std::fwrite(text.data(), 1, text.size(), err_);
  std::fputc('\n', err_);
  std::fflush(err_);
}

void Output::Timing(double micros) {
  char buf[64];
  if (micros < 1e6) {
    std::snprintf(buf, sizeof(buf), "(%.2f ms)", micros / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "(%.2f s)", micros / 1e6);
  }
  Note(buf);
}

void Output::Error(std::string_view message) {
  std::fflush(out_);  // keep results and errors in order on a shared terminal
  Styled(err_, color_err_, kErrorStyle, error_prefix_ + std::string(message));
  std::fputc('\n', err_);
  std::fflush(err_);
}

void Output::Warning(std::string_view message) {
  std::fflush(out_);
  Styled(err_, color_err_, kWarningStyle, "lsmdb: warning: " + std::string(message));
  std::fputc('\n', err_);
  std::fflush(err_);
}

}  // namespace lsmdb::cli
