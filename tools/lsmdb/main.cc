// lsmdb: the command-line tool and interactive shell of lsmdb (docs/CLI.md).
//
//   lsmdb [OPTIONS] [PATH | --db PATH]     the shell
//   lsmdb COMMAND [--db PATH] [ARGS...]    one command, for scripts
//
// Exit status: 0 on success, 1 when the engine or the file system reports an error (or
// `get` finds no key), 2 on a usage error.
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "engine_options.h"
#include "lsmdb/db.h"
#include "lsmdb/options.h"
#include "output.h"
#include "session.h"
#include "shell.h"
#include "suggest.h"

namespace lsmdb::cli {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

#ifndef LSMDB_VERSION
#define LSMDB_VERSION "unknown"
#endif

constexpr char kUsage[] =
    "usage: lsmdb [OPTIONS] [PATH | --db PATH]   open the interactive shell\n"
    "       lsmdb COMMAND [--db PATH] [ARGS...]   run one command\n"
    "       lsmdb help [COMMAND]\n"
    "\n"
    "PATH defaults to $LSMDB_PATH, else ~/.lsmdb. A PATH is a database that exists, or a\n"
    "path with a '/' (./mydb): a bare word that is neither is taken for a mistyped\n"
    "command. The shell creates the database if it is missing, and so do put, delete,\n"
    "load, flush and compact. Reading commands (get, scan, count, stats, property,\n"
    "export) open it read-only: they never create one, change nothing in its directory,\n"
    "and work on a read-only copy and beside a process writing it.\n"
    "\n"
    "  --create       open the shell on PATH, creating it, even if PATH is a bare word\n"
    "  --keep-going   (shell reading a script) run every line even after an error\n"
    "  --no-timing    (shell on a terminal) do not print the time each command took\n"
    "  --read-only    open the shell read-only: writes are refused, nothing changes\n"
    "  --version      print the version\n"
    "\n"
    "Arguments on the command line are taken byte for byte; the shell's quotes and\n"
    "escapes apply only to lines the shell reads.\n"
    "\n";

const std::vector<std::string_view> kGlobalOptions = {
    "db", "keep-going", "create", "no-timing", "read-only", "version", "help"};

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
  // The engine's words for a lock held by another handle; not a path naming LOCK.
  return lower.find("is locked") != std::string::npos;
}

// True if path is a directory holding a CURRENT file: a database to open, not a typo.
bool IsDatabase(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         stat((path + "/CURRENT").c_str(), &st) == 0;
}

// True if db holds no key (a database just created).
bool IsEmpty(DB* db) {
  std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
  it->SeekToFirst();
  return !it->Valid() && it->status().ok();
}

// What the user asked for on the command line, before the command or shell runs.
struct Globals {
  std::optional<std::string> db_path;
  bool keep_going = false;
  bool create = false;
  bool timing = true;
  bool read_only = false;
  Options options;
};

// Opens the database at path, creating it if create is set; with read_only, by
// DB::OpenForReadOnly, which changes nothing in the directory (and never creates). Prints
// the reason (and what to do next) and returns false on failure.
bool OpenDatabase(const std::string& path, bool create, bool read_only, bool announce,
                  Options options, std::unique_ptr<DB>* db) {
  struct stat st;
  bool exists = false;
  create = !read_only && (create || options.create_if_missing);
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
  options.create_if_missing = create;
  const Status s = read_only ? DB::OpenForReadOnly(options, path, db) : DB::Open(options, path, db);
  if (!s.ok()) {
    if (!read_only && (s.IsIOError() || s.IsBusy()) && ContainsLock(s.message())) {
      std::fprintf(stderr, "lsmdb: %s: database is locked by another process (%s)\n", path.c_str(),
                   s.ToString().c_str());
    } else if (s.IsCorruption()) {
      std::fprintf(stderr,
                   "lsmdb: %s: cannot open: %s\n"
                   "lsmdb: check it with `lsmdb verify %s`; `lsmdb repair %s` keeps what "
                   "can be read\n",
                   path.c_str(), s.ToString().c_str(), path.c_str(), path.c_str());
    } else if (s.IsInvalidArgument() && exists && !create && !IsDatabase(path)) {
      std::fprintf(stderr,
                   "lsmdb: %s: not an lsmdb database (no CURRENT file); put or load creates "
                   "one, or lsmdb --create %s\n",
                   path.c_str(), path.c_str());
    } else {
      std::fprintf(stderr, "lsmdb: %s: cannot open: %s\n", path.c_str(), s.ToString().c_str());
    }
    return false;
  }
  if (announce && !exists)
    std::fprintf(stderr, "lsmdb: created a new database in %s\n", path.c_str());
  return true;
}

// verify and repair: --db PATH stands for their PATH argument (RunCommand parses with it
// added when PATH is missing); both given must name the same path. dump: with --db PATH,
// a FILE without a '/' is a name in PATH.
bool DbPathForCommand(const Globals& g, Invocation* inv, std::string* error) {
  if (!g.db_path || inv->help) return true;
  if (DbPathIsArgument(*inv->spec)) {
    if (inv->args[0] == *g.db_path) return true;
    *error = std::string(inv->spec->name) + ": give PATH or --db PATH, not both";
    return false;
  }
  if (!FileIsInDb(*inv->spec) || inv->args.empty()) return true;
  std::string& file = inv->args.back();
  const bool kind_alone =
      inv->args.size() == 1 &&
      (file == "wal" || file == "log" || file == "sst" || file == "table" || file == "manifest");
  if (!kind_alone && file.find('/') == std::string::npos) file = *g.db_path + "/" + file;
  return true;
}

int RunCommand(const std::vector<Token>& tokens, const Globals& globals) {
  Invocation inv;
  std::string error;
  const CommandSpec* spec = FindCommand(tokens[0].text);
  if (spec != nullptr && spec->scope == Scope::kShellOnly) {
    return UsageError(std::string(spec->name) + ": only available in the shell");
  }
  // verify and repair may get their PATH from --db: parse with it when it is missing.
  std::vector<Token> with_db = tokens;
  if (spec != nullptr && DbPathIsArgument(*spec) && globals.db_path) {
    with_db.push_back(Token{*globals.db_path, /*literal=*/true});
  }
  if (!ParseInvocation(tokens, &inv, &error) && !ParseInvocation(with_db, &inv, &error)) {
    return UsageError(error);
  }
  if (!DbPathForCommand(globals, &inv, &error)) return UsageError(error);

  Output out(stdout, stderr, ColorWanted(STDOUT_FILENO), ColorWanted(STDERR_FILENO));
  if (Utf8Locale()) out.set_style(ValueStyle::kText);
  std::unique_ptr<DB> db;
  const std::string path = globals.db_path.value_or(DefaultDbPath());
  struct stat st;
  const bool dir_existed = stat(path.c_str(), &st) == 0;
  const bool db_existed = IsDatabase(path);
  if (!inv.help && spec->db_use != DbUse::kNone &&
      // Reading commands open read-only: they change nothing in the directory and work
      // on a read-only copy and beside a running writer (unless --create_if_missing
      // asks for a database to be created).
      !OpenDatabase(path, spec->db_use == DbUse::kWrite,
                    spec->db_use == DbUse::kRead && !globals.options.create_if_missing, false,
                    globals.options, &db)) {
    return kExitFailed;
  }
  int status;
  {
    Session session(db.get(), &out, /*in_shell=*/false, /*interactive=*/false);
    status = ExitStatus(session.Execute(inv));
  }
  if (status != 0 && db != nullptr && !db_existed && IsEmpty(db.get())) {
    // The command created the database and failed before writing anything (a load
    // refusing its first line): leave nothing behind that would pass for its result.
    db.reset();
    if (DestroyDB(path, globals.options).ok() && dir_existed) mkdir(path.c_str(), 0777);
  }
  if (std::fflush(stdout) != 0 && status == 0) {
    std::fprintf(stderr, "lsmdb: writing the output: %s\n", std::strerror(errno));
    status = kExitFailed;
  }
  return status;
}

// Takes the global and engine options out of tokens (those before a "--"; --help and
// --version only before the command), leaving the command or PATH and its arguments in
// *rest. Returns -1 to go on, or an exit status.
int ParseGlobals(const std::vector<Token>& tokens, Globals* g, std::vector<Token>* rest) {
  bool options_done = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (options_done || !(IsOption(t) || (t.text == "-h" && rest->empty()))) {
      rest->push_back(t);
      continue;
    }
    std::string name = t.text == "-h" ? "help" : t.text.substr(2);
    std::optional<std::string> value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (t.text == "--") {
      options_done = true;
      rest->push_back(t);
    } else if (name == "db") {
      if (g->db_path) return UsageError("--db given twice");
      if (!value) {
        if (i + 1 >= tokens.size()) return UsageError("--db needs a PATH");
        value = tokens[++i].text;
      }
      if (value->empty()) return UsageError("--db needs a PATH");
      g->db_path = *value;
    } else if (name == "keep-going" || name == "create" || name == "no-timing" ||
               name == "read-only") {
      if (value) return UsageError("--" + name + " takes no value");
      if (name == "read-only") g->read_only = true;
      if (name == "keep-going") g->keep_going = true;
      if (name == "create") g->create = true;
      if (name == "no-timing") g->timing = false;
    } else if (IsEngineOption(name)) {
      if (!value && EngineOptionTakesValue(name)) {
        if (i + 1 >= tokens.size()) return UsageError("--" + name + " needs a value");
        value = tokens[++i].text;
      }
      std::string error;
      if (!SetEngineOption(name, value ? &*value : nullptr, &g->options, &error)) {
        return UsageError(error);
      }
    } else if (rest->empty() && name == "help") {
      std::fputs(kUsage, stdout);
      std::fputs(EngineOptionHelp().c_str(), stdout);
      std::fputs("\n", stdout);
      std::fputs(CommandList(false).c_str(), stdout);
      return 0;
    } else if (rest->empty() && name == "version") {
      std::printf("lsmdb %s\n", LSMDB_VERSION);
      return 0;
    } else if (rest->empty()) {
      std::vector<std::string_view> names = kGlobalOptions;
      for (std::string_view n : EngineOptionNames()) names.push_back(n);
      const std::string near = Nearest(name, names);
      return UsageError(
          "unknown option --" + name +
          (near.empty() ? " (try lsmdb --help)" : " (did you mean '--" + near + "'?)"));
    } else {
      rest->push_back(t);  // the command's own option
    }
  }
  return -1;
}

// The error for a word that is neither a command nor a database.
int UnknownCommand(const std::string& word, bool may_be_path) {
  std::string message = "unknown command '" + word + "'";
  const std::string near = DidYouMean(word, CommandNames(false));
  message += near.empty() ? " (try lsmdb --help)" : near;
  if (may_be_path) {
    message += "; to create a database, give a path (./" + word + ") or --create " + word;
  }
  return UsageError(message);
}

int Main(int argc, char** argv) {
  // Before libedit starts: it reads multibyte characters by the locale, and drops every
  // byte it cannot decode in the "C" locale.
  std::setlocale(LC_CTYPE, "");
  const std::vector<Token> tokens = ArgvToTokens(argc - 1, argv + 1);
  Globals globals;
  std::vector<Token> rest;
  if (const int status = ParseGlobals(tokens, &globals, &rest); status >= 0) return status;

  const bool dashes = !rest.empty() && rest[0].text == "--";
  if (!rest.empty() && !dashes && FindCommand(rest[0].text) != nullptr) {
    return RunCommand(rest, globals);
  }
  // The shell: at most one PATH, which a bare word names only if it is a database.
  if (dashes) rest.erase(rest.begin());
  if (!rest.empty() && !dashes) {
    const std::string& word = rest[0].text;
    const bool explicit_path = word.find('/') != std::string::npos || globals.create;
    if (!explicit_path && !IsDatabase(word)) {
      return UnknownCommand(word, rest.size() == 1 && !globals.db_path);
    }
  }
  if (rest.size() > 1) return UsageError("give one PATH (try lsmdb --help)");
  if (!rest.empty() && globals.db_path) return UsageError("give PATH or --db PATH, not both");
  const std::string path = !rest.empty() ? rest[0].text : globals.db_path.value_or(DefaultDbPath());
  if (path.empty()) return UsageError("empty PATH");

  std::unique_ptr<DB> db;
  if (globals.read_only && globals.create) return UsageError("--read-only and --create conflict");
  if (!OpenDatabase(path, /*create=*/!globals.read_only, globals.read_only,
                    /*announce=*/isatty(STDIN_FILENO) == 1, globals.options, &db)) {
    return kExitFailed;
  }
  return RunShell(db.get(), ShellOptions{.keep_going = globals.keep_going,
                                         .timing = globals.timing,
                                         .utf8 = Utf8Locale(),
                                         .db_path = path});
}

}  // namespace
}  // namespace lsmdb::cli

int main(int argc, char** argv) { return lsmdb::cli::Main(argc, argv); }
