// lsmdb: the command-line tool and interactive shell of lsmdb (docs/CLI.md).
//
//   lsmdb [--keep-going] [PATH | --db PATH]     the shell
//   lsmdb COMMAND [--db PATH] [ARGS...]          one command, for scripts
//
// Exit status: 0 on success (a missing key included), 1 when the engine or the file
// system reports an error, 2 on a usage error.
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "lsmdb/db.h"
#include "lsmdb/options.h"
#include "output.h"
#include "session.h"
#include "shell.h"

namespace lsmdb::cli {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "usage: lsmdb [--keep-going] [PATH | --db PATH]   open the interactive shell\n"
    "       lsmdb COMMAND [--db PATH] [ARGS...]        run one command\n"
    "       lsmdb help [COMMAND]\n"
    "\n"
    "PATH defaults to $LSMDB_PATH, else ~/.lsmdb. The shell creates the database if it\n"
    "is missing, and so do put, delete, load, flush and compact; reading commands never\n"
    "create one.\n"
    "\n"
    "  --keep-going   (shell reading a script) run every line even after an error\n"
    "\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "lsmdb: %s\n", message.c_str());
  return kExitUsage;
}

std::string DefaultDbPath() {
  if (const char* env = std::getenv("LSMDB_PATH"); env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.lsmdb";
}

bool ContainsLock(std::string_view message) {
  std::string lower(message);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("lock") != std::string::npos;
}

// Opens the database at path, creating it if create is set. Prints the reason and
// returns false on failure.
bool OpenDatabase(const std::string& path, bool create, bool announce, std::unique_ptr<DB>* db) {
  struct stat st;
  bool exists = false;
  if (stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      std::fprintf(stderr, "lsmdb: %s: not a database (it is a file, not a directory)\n",
                   path.c_str());
      return false;
    }
    exists = true;
  } else if (errno != ENOENT) {
    std::fprintf(stderr, "lsmdb: %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  } else if (!create) {
    std::fprintf(stderr, "lsmdb: %s: no database here (put or load creates one)\n", path.c_str());
    return false;
  }
  Options options;
  options.create_if_missing = create;
  const Status s = DB::Open(options, path, db);
  if (!s.ok()) {
    if ((s.IsIOError() || s.IsBusy()) && ContainsLock(s.message())) {
      std::fprintf(stderr, "lsmdb: %s: database is locked by another process (%s)\n", path.c_str(),
                   s.ToString().c_str());
    } else {
      std::fprintf(stderr, "lsmdb: %s: cannot open: %s\n", path.c_str(), s.ToString().c_str());
    }
    return false;
  }
  if (announce && !exists)
    std::fprintf(stderr, "lsmdb: created a new database in %s\n", path.c_str());
  return true;
}

int RunCommand(const std::vector<Token>& tokens, const std::string& db_path) {
  Invocation inv;
  std::string error;
  const CommandSpec* spec = FindCommand(tokens[0].text);
  if (spec != nullptr && spec->scope == Scope::kShellOnly) {
    return UsageError(std::string(spec->name) + ": only available in the shell");
  }
  if (!ParseInvocation(tokens, &inv, &error)) return UsageError(error);

  Output out(stdout, stderr, ColorWanted(STDOUT_FILENO), ColorWanted(STDERR_FILENO));
  std::unique_ptr<DB> db;
  if (!inv.help && spec->db_use != DbUse::kNone &&
      !OpenDatabase(db_path, spec->db_use == DbUse::kWrite, false, &db)) {
    return kExitFailed;
  }
  int status;
  {
    Session session(db.get(), &out, /*in_shell=*/false, /*interactive=*/false);
    status = ExitStatus(session.Execute(inv));
  }
  if (std::fflush(stdout) != 0 && status == 0) {
    std::fprintf(stderr, "lsmdb: writing the output: %s\n", std::strerror(errno));
    status = kExitFailed;
  }
  return status;
}

int Main(int argc, char** argv) {
  std::vector<Token> tokens;
  std::string error;
  if (!ArgvToTokens(argc - 1, argv + 1, &tokens, &error)) return UsageError(error);

  // Global options (--db, --keep-going) may come anywhere before a "--"; --help only
  // before the command, after which it is the command's.
  std::optional<std::string> db_path;
  bool keep_going = false;
  bool options_done = false;
  std::vector<Token> rest;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (options_done || !(IsOption(t) || (!t.literal && t.text == "-h" && rest.empty()))) {
      rest.push_back(t);
      continue;
    }
    if (t.text == "--") {
      options_done = true;
      rest.push_back(t);
    } else if (t.text == "--db" || t.text.starts_with("--db=")) {
      if (db_path) return UsageError("--db given twice");
      if (t.text == "--db") {
        if (i + 1 >= tokens.size()) return UsageError("--db needs a PATH");
        db_path = tokens[++i].text;
      } else {
        db_path = t.text.substr(5);
      }
      if (db_path->empty()) return UsageError("--db needs a PATH");
    } else if (t.text == "--keep-going") {
      keep_going = true;
    } else if (rest.empty() && (t.text == "--help" || t.text == "-h")) {
      std::fputs(kUsage, stdout);
      std::fputs(CommandList(false).c_str(), stdout);
      return 0;
    } else if (rest.empty()) {
      return UsageError("unknown option " + t.text + " (try lsmdb --help)");
    } else {
      rest.push_back(t);
    }
  }

  if (!rest.empty() && !rest[0].literal && FindCommand(rest[0].text) != nullptr) {
    return RunCommand(rest, db_path.value_or(DefaultDbPath()));
  }
  // The shell: at most one PATH.
  if (!rest.empty() && !rest[0].literal && rest[0].text == "--") rest.erase(rest.begin());
  if (rest.size() > 1) {
    return UsageError("unknown command '" + rest[0].text + "' (try lsmdb --help)");
  }
  if (!rest.empty() && db_path) return UsageError("give PATH or --db PATH, not both");
  const std::string path = !rest.empty() ? rest[0].text : db_path.value_or(DefaultDbPath());
  if (path.empty()) return UsageError("empty PATH");

  std::unique_ptr<DB> db;
  if (!OpenDatabase(path, /*create=*/true, /*announce=*/isatty(STDIN_FILENO) == 1, &db)) {
    return kExitFailed;
  }
  return RunShell(db.get(), ShellOptions{.keep_going = keep_going});
}

}  // namespace
}  // namespace lsmdb::cli

int main(int argc, char** argv) { return lsmdb::cli::Main(argc, argv); }
