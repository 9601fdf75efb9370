#include "shell.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "args.h"
#include "commands.h"
#include "interrupt.h"
#include "line_reader.h"
#include "output.h"
#include "session.h"

namespace lsmdb::cli {

namespace {

// Asks whether to leave with the open batch. True to leave (the batch is then dropped).
bool ConfirmDiscard(LineReader* reader, Session* session, Output* out) {
  std::string answer;
  const ReadResult r =
      reader->Read("discard the uncommitted " + session->State() + "? [y/N] ", &answer);
  if (r == ReadResult::kEnd ||
      (r == ReadResult::kLine && !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y'))) {
    return true;
  }
  out->Warning("batch kept (commit or abort it)");
  return false;
}

// `verify` without a PATH: the open database (ParseInvocation refused it for the missing
// PATH). Returns false, leaving *inv unspecified, for anything else.
bool ParseVerifyOfOpenDb(std::vector<Token> tokens, const std::string& db_path, Invocation* inv) {
  const CommandSpec* spec = tokens[0].literal ? nullptr : FindCommand(tokens[0].text);
  if (spec == nullptr || std::string_view(spec->name) != "verify" || db_path.empty()) {
    return false;
  }
  tokens.push_back(Token{db_path, /*literal=*/true});
  std::string error;
  return ParseInvocation(tokens, inv, &error);
}

}  // namespace

int RunShell(DB* db, const ShellOptions& options) {
  const bool interactive = isatty(STDIN_FILENO) == 1;
  Output out(stdout, stderr, interactive && ColorWanted(STDOUT_FILENO),
             interactive && ColorWanted(STDERR_FILENO));
  std::unique_ptr<LineReader> reader;
  if (interactive) {
    // libedit echoes and redraws on stdout, so it needs stdout on the terminal too; with
    // stdout redirected, the prompt goes to stderr.
    if (isatty(STDOUT_FILENO) == 1) reader = NewEditLineReader(DefaultHistoryPath());
    if (!reader) {
      reader = NewStreamLineReader(stdin, isatty(STDOUT_FILENO) == 1 ? stdout : stderr);
    }
    out.set_error_prefix("");
    CatchInterrupts();
  } else {
    reader = NewStreamLineReader(stdin, nullptr);
  }
  if (options.utf8) out.set_style(ValueStyle::kText);
  out.set_timing(options.timing);
  Session session(db, &out, /*in_shell=*/true, interactive);

  // Results reach a reader on the other end of a pipe (a coprocess) as each command
  // finishes; a script read from a file is written in big blocks.
  struct stat st;
  const bool flush_each = fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode);

  int status = 0;
  uint64_t line_number = 0;
  std::string line, error;
  std::vector<Token> tokens;
  while (true) {
    const std::string state = session.State();
    const ReadResult read =
        reader->Read(state.empty() ? "lsmdb> " : "lsmdb (" + state + ")> ", &line);
    if (read == ReadResult::kInterrupted) continue;
    if (read == ReadResult::kEnd) {
      if (interactive && session.in_batch() && !ConfirmDiscard(reader.get(), &session, &out)) {
        continue;
      }
      break;
    }
    ++line_number;
    if (!interactive) out.set_error_prefix("lsmdb: line " + std::to_string(line_number) + ": ");

    Outcome outcome = Outcome::kOk;
    Invocation inv;
    if (!Tokenize(line, &tokens, &error)) {
      if (interactive) reader->AddHistory(line);  // so that it can be fixed
      out.Error(error);
      outcome = Outcome::kUsageError;
    } else if (tokens.empty()) {
      continue;
    } else {
      if (interactive) reader->AddHistory(line);
      if (!ParseInvocation(tokens, &inv, &error) &&
          !ParseVerifyOfOpenDb(tokens, options.db_path, &inv)) {
        out.Error(error);
        outcome = Outcome::kUsageError;
      } else {
        const auto start = std::chrono::steady_clock::now();
        outcome = session.Execute(inv);
        if (interactive && outcome == Outcome::kExit && session.in_batch() &&
            !ConfirmDiscard(reader.get(), &session, &out)) {
          outcome = Outcome::kOk;
        }
        if (interactive && out.timing() && outcome != Outcome::kExit && !inv.help &&
            inv.spec->db_use != DbUse::kNone) {
          out.Timing(
              std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                  .count());
        }
      }
    }
    if (flush_each) out.Flush();
    if (outcome == Outcome::kExit) break;
    if (interactive || outcome == Outcome::kOk) continue;
    if (status == 0) status = ExitStatus(outcome);
    if (!options.keep_going) break;
  }
  if (session.DiscardBatch() && !interactive && status == 0) status = 1;
  out.Flush();
  return status;
}

}  // namespace lsmdb::cli
