// The commands of the CLI: their table, help texts and argument parsing.
//
// The shell and the command line share one table: `get K` typed in the shell and
// `lsmdb get --db PATH K` parse the same way (ParseInvocation) and run the same code
// (Session::Execute). A few commands make sense only in the shell (batch, snapshot, exit)
// and are refused on the command line.
//
// Thread-safety: the table is immutable; the functions have no shared state.
#ifndef LSMDB_TOOLS_LSMDB_COMMANDS_H_
#define LSMDB_TOOLS_LSMDB_COMMANDS_H_

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "args.h"

namespace lsmdb::cli {

// Where a command may be used.
enum class Scope { kEverywhere, kShellOnly };

// What the database needs to be for a command run from the command line.
enum class DbUse {
  kNone,   // no database (help)
  kRead,   // must exist; never created
  kWrite,  // created if missing
};

struct OptionSpec {
  const char* name;        // without the leading "--"
  const char* value_name;  // e.g. "N"; null for a flag without a value
  const char* help;
};

struct CommandSpec {
  const char* name;
  std::vector<const char*> args;  // positional argument names, e.g. {"KEY", "VALUE"}
  int min_args;                   // the first min_args of args are required
  std::vector<OptionSpec> options;
  Scope scope;
  DbUse db_use;
  const char* summary;  // one line
  const char* details;  // paragraphs for `help COMMAND`; may be empty
};

// The command named name, in any ASCII case ("GET" is get), or null.
const CommandSpec* FindCommand(std::string_view name);
// The names of the commands, for "did you mean"; in_shell includes the shell-only ones.
std::vector<std::string_view> CommandNames(bool in_shell);
// Every command, in the order of `help`.
const std::vector<CommandSpec>& AllCommands();

// verify and repair name their database by their PATH argument; on the command line
// `--db PATH` may stand for it.
bool DbPathIsArgument(const CommandSpec& spec);
// dump reads a FILE; with `--db PATH` on the command line, a FILE without a '/' is a
// name in that database's directory.
bool FileIsInDb(const CommandSpec& spec);

// "get KEY", "scan [FROM [TO]] [--limit N] [--reverse]".
std::string Synopsis(const CommandSpec& spec);
// The help of one command (synopsis, summary, details, options); command_line writes
// the synopsis as `lsmdb NAME [--db PATH] ...`.
std::string CommandHelp(const CommandSpec& spec, bool command_line);
// The list of commands; in_shell selects the shell's or the command line's view.
std::string CommandList(bool in_shell);

// A parsed command: its spec, positional arguments and options.
struct Invocation {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> options;  // name (no "--"), value
  bool help = false;                                         // --help was given

  bool Has(std::string_view option) const;
  // The value of option, or null if it was not given.
  const std::string* Get(std::string_view option) const;
};

// Parses tokens (tokens[0] is the command's name). Options may come anywhere; "--name=V"
// and "--name V" are the same; a plain "--" ends the options. With --help the arguments
// are not checked. Returns false, with a one-line reason such as "get: missing KEY" in
// *error, on a usage error.
bool ParseInvocation(const std::vector<Token>& tokens, Invocation* inv, std::string* error);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_COMMANDS_H_
