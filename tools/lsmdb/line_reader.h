// LineReader: where the shell's commands come from.
//
// Two kinds: a plain reader of a stream (scripts, pipes, or a terminal when lsmdb was
// built without libedit), and, on a terminal, a libedit reader with line editing and a
// history that persists in a file.
//
// Thread-safety: not synchronised; one thread uses a LineReader.
#ifndef LSMDB_TOOLS_LSMDB_LINE_READER_H_
#define LSMDB_TOOLS_LSMDB_LINE_READER_H_

#include <cstdio>
#include <memory>
#include <string>

namespace lsmdb::cli {

// What Read() got.
enum class ReadResult {
  kLine,         // a line, in *line
  kEnd,          // the end of the input (Ctrl-D on an empty line)
  kInterrupted,  // Ctrl-C (interrupt.h): the half-typed line is dropped
};

class LineReader {
 public:
  virtual ~LineReader() = default;
  // Shows prompt (if the reader shows prompts) and reads the next line, without its
  // newline, into *line.
  virtual ReadResult Read(const std::string& prompt, std::string* line) = 0;
  // Adds line to the history (and saves the history), if the reader keeps one.
  virtual void AddHistory(const std::string& /*line*/) {}
};

// Reads lines from in. If prompt_out is not null, prompts are written to it.
// REQUIRES: in (and prompt_out) outlive the reader.
std::unique_ptr<LineReader> NewStreamLineReader(FILE* in, FILE* prompt_out);

// A libedit reader on the terminal of stdin/stdout, with emacs key bindings and the
// history kept in history_path (not kept if history_path is empty). Returns null if
// lsmdb was built without libedit or the terminal cannot be set up. Characters are read
// by the locale's encoding: REQUIRES setlocale(LC_CTYPE, "") before, or libedit drops
// every non-ASCII character in the "C" locale.
std::unique_ptr<LineReader> NewEditLineReader(const std::string& history_path);

// $HOME/.lsmdb_history (the home directory from the password database if $HOME is
// unset), or "" if there is no home directory.
std::string DefaultHistoryPath();

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_LINE_READER_H_
