#include "commands.h"

#include <algorithm>
#include <cctype>

#include "suggest.h"

namespace lsmdb::cli {

namespace {

const OptionSpec kFormatOption{"format", "tsv|jsonl",
                               "record format (default: from FILE's name, .jsonl, else tsv)"};
const OptionSpec kHexOption{"hex", nullptr, "keys and values in and out as hex digits"};
const OptionSpec kRawOption{"raw", nullptr, "print bytes exactly, unescaped"};

// clang-format off
std::vector<CommandSpec> MakeTable() {
  constexpr Scope kAll = Scope::kEverywhere;
  constexpr Scope kShell = Scope::kShellOnly;
  return {
      {"get", {"KEY"}, 1, {kHexOption, kRawOption}, kAll, DbUse::kRead,
       "print the value of KEY",
       "An empty value prints as \"\". A missing key prints \"(not found)\": in the shell\n"
       "that is not an error; from the command line it goes to stderr and the exit status\n"
       "is 1. --raw prints the value's bytes and nothing else (no newline), for\n"
       "v=$(lsmdb get --raw KEY)."},
      {"put", {"KEY", "VALUE"}, 1,
       {kHexOption,
        {"stdin", nullptr, "read VALUE from standard input (also: -x)"},
        {"value-file", "FILE", "read VALUE from FILE"}},
       kAll, DbUse::kWrite,
       "set KEY to VALUE",
       "Inside a batch the update is queued until `commit`. On the command line the\n"
       "arguments are taken byte for byte (no escapes); --hex, -x and --value-file give\n"
       "other bytes."},
      {"delete", {"KEY"}, 1, {kHexOption}, kAll, DbUse::kWrite,
       "remove KEY (OK if absent)",
       "Inside a batch the update is queued until `commit`."},
      {"delete-range", {"FROM", "TO"}, 2, {kHexOption}, kAll, DbUse::kWrite,
       "remove every key k with FROM <= k < TO",
       "One record (a range tombstone), whatever the range holds. FROM == TO removes\n"
       "nothing; FROM after TO is an error. Inside a batch the update is queued until\n"
       "`commit`."},
      {"scan", {"FROM", "TO"}, 0,
       {{"limit", "N", "print at most N entries"},
        {"reverse", nullptr, "from the last key down to the first"},
        {"prefix", "P", "only keys that start with P"},
        {"keys-only", nullptr, "print keys, not values"},
        kHexOption, kRawOption},
       kAll, DbUse::kRead,
       "print entries with FROM <= key < TO",
       "Without FROM the scan starts at the first key, without TO it runs to the last;\n"
       "FROM after TO is an error. Each entry prints as KEY<TAB>VALUE, escaped as `load`\n"
       "reads them. Printing to a terminal without --limit, the scan stops after 1000\n"
       "entries and says so."},
      {"count", {"FROM", "TO"}, 0,
       {{"prefix", "P", "only keys that start with P"}, kHexOption}, kAll, DbUse::kRead,
       "count entries with FROM <= key < TO", ""},
      {"batch", {}, 0, {}, kShell, DbUse::kWrite,
       "queue puts and deletes until commit",
       "The batch is applied atomically by `commit`. Reads inside a batch do not see its\n"
       "queued updates."},
      {"commit", {}, 0, {}, kShell, DbUse::kWrite, "apply the batch atomically", ""},
      {"abort", {}, 0, {}, kShell, DbUse::kWrite, "discard the batch", ""},
      {"snapshot", {}, 0, {}, kShell, DbUse::kRead,
       "reads see the database as of now",
       "get, scan, count and export read the snapshot until `release`. Taking a new\n"
       "snapshot releases the previous one."},
      {"release", {}, 0, {}, kShell, DbUse::kRead, "reads see the latest state again", ""},
      {"flush", {}, 0, {}, kAll, DbUse::kWrite, "write the memtable to a table file", ""},
      {"compact", {"FROM", "TO"}, 0, {kHexOption}, kAll, DbUse::kWrite,
       "compact keys FROM..TO (inclusive)",
       "Without FROM the range starts at the first key, without TO it runs to the last.\n"
       "Unlike scan, TO is included. FROM after TO is an error."},
      {"stats", {}, 0, {}, kAll, DbUse::kRead, "print the engine's statistics", ""},
      {"property", {"NAME"}, 1, {}, kAll, DbUse::kRead,
       "print an engine property",
       "See docs/PROPERTIES.md. For example lsmdb.stats, lsmdb.num-files-at-level0,\n"
       "lsmdb.sstables, lsmdb.approximate-memory-usage."},
      {"load", {"FILE"}, 0, {kFormatOption}, kAll, DbUse::kWrite,
       "add records from FILE or stdin",
       "tsv: one KEY<TAB>VALUE per line, escaped as `scan` prints them. jsonl: one\n"
       "{\"key\": \"...\", \"value\": \"...\"} per line, \\u00XX for binary bytes. Records\n"
       "are written in atomic batches of about 1 MiB; a bad line stops the load before\n"
       "its batch is written, and the error names the line. In the shell FILE is\n"
       "required."},
      {"export", {"FILE"}, 0, {kFormatOption}, kAll, DbUse::kRead,
       "write all records, in key order",
       "FILE defaults to standard output. The output loads back with `load` byte for\n"
       "byte. In the shell, export reads the snapshot if one is taken."},
      {"checkpoint", {"DIR"}, 1, {}, kAll, DbUse::kRead,
       "make a consistent copy of the database in the new directory DIR",
       "DIR must not exist; its parent must. The copy is a database of its own, as of one\n"
       "moment, holding every write made before the command: tables are hard-linked\n"
       "(copied across file systems), what the logs hold is written as one more table.\n"
       "It is built in DIR.tmp and renamed, so a crash never leaves a partial DIR. From\n"
       "the command line the database is opened read-only (this works beside a running\n"
       "writer; if the writer's compaction deletes a table meanwhile, run it again); in the\n"
       "shell the memtable is flushed first."},
      {"dump", {"KIND", "FILE"}, 1,
       {{"json", nullptr, "one JSON object per line"},
        {"entries", "N", "print at most N entries (sst), records (wal) or edits (manifest)"}},
       kAll, DbUse::kNone,
       "print a database file: KIND is wal, sst or manifest",
       "wal: every record (offset, sequence, count) with its puts and deletes. sst: the\n"
       "footer, the properties, the index, then every entry as internal key (user key @\n"
       "sequence put|del) and value. manifest: every VersionEdit, field by field. Keys and\n"
       "values are escaped as `scan` prints them. Damage is printed where it is met, the\n"
       "dump goes on where the format allows, and the exit status is then 1.\n"
       "The file is read directly: it need not belong to a database that opens.\n"
       "KIND may be left out when the file's name (000012.log, 000012.sst, MANIFEST-000004)\n"
       "or its contents tell it; a file whose contents show another kind is refused (exit 1)."},
      {"verify", {"PATH"}, 1,
       {{"verbose", nullptr, "also list files the engine deleted while verify ran"}},
       kAll, DbUse::kNone,
       "check every live file of a database, writing nothing",
       "Reads CURRENT and the MANIFEST, then checks every live table (its size and\n"
       "identity against the MANIFEST, every block's checksum) and every live log (every\n"
       "record), then what Open checks of the files together (the links between logs) by a\n"
       "read-only open. Prints one line per file (`ok NAME SIZE` or `DAMAGED NAME:\n"
       "reason`) and a summary. Exit status 0 if all is intact, 1 if anything is damaged\n"
       "or missing. Nothing is written, so verify also runs beside a process writing the\n"
       "database (a file it deletes meanwhile is not damage) and on one that fails to open."},
      {"repair", {"PATH"}, 1, {}, kAll, DbUse::kNone,
       "rebuild a damaged database (RepairDB)",
       "Keeps every record that can be read: logs become tables, damaged tables are\n"
       "rewritten without their unreadable blocks, and a new MANIFEST names the result.\n"
       "Damaged originals, replayed logs and old MANIFESTs are moved to PATH/lost/.\n"
       "Prints what it did (also in PATH/LOG). The database must not be open."},
      {"help", {"COMMAND"}, 0, {}, kAll, DbUse::kNone,
       "list the commands, or describe one", ""},
      {"exit", {}, 0, {}, kShell, DbUse::kNone, "leave the shell (also: quit)", ""},
      {"quit", {}, 0, {}, kShell, DbUse::kNone, "leave the shell", ""},
  };
}
// clang-format on

const OptionSpec* FindOption(const CommandSpec& spec, std::string_view name) {
  for (const OptionSpec& o : spec.options) {
    if (name == o.name) return &o;
  }
  return nullptr;
}

// Option values are checked by kind, from the value's name: "N" is a non-negative
// number, "a|b" a choice.
bool ValidValue(const OptionSpec& o, std::string_view value) {
  std::string_view kind = o.value_name;
  if (kind == "N") {
    return !value.empty() && value.size() <= 19 &&
           value.find_first_not_of("0123456789") == std::string_view::npos;
  }
  if (kind.find('|') != std::string_view::npos) {
    while (true) {
      const size_t bar = kind.find('|');
      if (kind.substr(0, bar) == value) return true;
      if (bar == std::string_view::npos) return false;
      kind.remove_prefix(bar + 1);
    }
  }
  return true;
}

std::string ValueRule(const OptionSpec& o) {
  const std::string_view kind = o.value_name;
  if (kind == "N") return "a non-negative number";
  std::string rule(kind);
  const size_t bar = rule.rfind('|');
  if (bar != std::string::npos) rule.replace(bar, 1, " or ");
  for (char& c : rule) {
    if (c == '|') c = ',';
  }
  return rule;
}

}  // namespace

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec> table = MakeTable();
  return table;
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& spec : AllCommands()) {
    const std::string_view candidate = spec.name;
    if (name.size() == candidate.size() &&
        std::equal(name.begin(), name.end(), candidate.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return &spec;
    }
  }
  return nullptr;
}

std::vector<std::string_view> CommandNames(bool in_shell) {
  std::vector<std::string_view> names;
  for (const CommandSpec& spec : AllCommands()) {
    if (in_shell || spec.scope != Scope::kShellOnly) names.push_back(spec.name);
  }
  return names;
}

std::string Synopsis(const CommandSpec& spec) {
  std::string s = spec.name;
  const int n = static_cast<int>(spec.args.size());
  for (int i = 0; i < n; ++i) {
    s += ' ';
    if (i >= spec.min_args) s += '[';
    s += spec.args[i];
  }
  for (int i = spec.min_args; i < n; ++i) s += ']';
  for (const OptionSpec& o : spec.options) {
    s += " [--";
    s += o.name;
    if (o.value_name != nullptr) {
      s += ' ';
      s += o.value_name;
    }
    s += ']';
  }
  return s;
}

bool DbPathIsArgument(const CommandSpec& spec) {
  const std::string_view name = spec.name;
  return name == "verify" || name == "repair";
}

bool FileIsInDb(const CommandSpec& spec) { return std::string_view(spec.name) == "dump"; }

std::string CommandHelp(const CommandSpec& spec, bool command_line) {
  std::string synopsis = Synopsis(spec);
  command_line = command_line && spec.scope != Scope::kShellOnly;
  const size_t name_end = std::string_view(spec.name).size();
  if (command_line && DbPathIsArgument(spec)) {
    synopsis.replace(name_end, 5, " (PATH | --db PATH)");
  } else if (command_line && (spec.db_use != DbUse::kNone || FileIsInDb(spec))) {
    synopsis.insert(name_end, " [--db PATH]");
  }
  std::string s = std::string("usage: ") + (command_line ? "lsmdb " : "") + synopsis + "\n\n" +
                  spec.summary + ".\n";
  if (*spec.details != '\0') s += std::string("\n") + spec.details + "\n";
  if (!spec.options.empty()) {
    s += "\noptions:\n";
    for (const OptionSpec& o : spec.options) {
      std::string left = std::string("  --") + o.name;
      if (o.value_name != nullptr) left += std::string(" ") + o.value_name;
      left.resize(std::max<size_t>(left.size() + 2, 22), ' ');
      s += left + o.help + "\n";
    }
  }
  if (spec.scope == Scope::kShellOnly) s += "\n(shell only)\n";
  return s;
}

std::string CommandList(bool in_shell) {
  std::string s = "commands:\n";
  for (const CommandSpec& spec : AllCommands()) {
    if (!in_shell && spec.scope == Scope::kShellOnly) continue;
    if (in_shell && std::string_view(spec.name) == "quit") continue;
    std::string left = "  " + Synopsis(spec);
    if (left.size() >= 44) {
      s += left + "\n" + std::string(45, ' ');
    } else {
      left.resize(45, ' ');
      s += left;
    }
    s += std::string(spec.summary) + "\n";
  }
  s += "\nKeys and values take quotes and escapes: \"a b\", 'a b', \\x00, \\n, \\t, \\\\.\n";
  s += in_shell ? "`help COMMAND` or `COMMAND --help` describes one command.\n"
                : "`lsmdb COMMAND --help` describes one command.\n";
  return s;
}

bool Invocation::Has(std::string_view option) const { return Get(option) != nullptr; }

const std::string* Invocation::Get(std::string_view option) const {
  for (const auto& [name, value] : options) {
    if (name == option) return &value;
  }
  return nullptr;
}

bool ParseInvocation(const std::vector<Token>& tokens, Invocation* inv, std::string* error) {
  *inv = Invocation();
  if (tokens.empty()) {
    *error = "missing command";
    return false;
  }
  const std::string& name = tokens[0].text;
  inv->spec = tokens[0].literal ? nullptr : FindCommand(name);
  if (inv->spec == nullptr) {
    const std::string near = DidYouMean(name, CommandNames(true));
    *error = "unknown command '" + name + "'" + (near.empty() ? " (try help)" : near);
    return false;
  }
  const CommandSpec& spec = *inv->spec;
  const std::string prefix = std::string(spec.name) + ": ";

  bool options_done = false;
  for (size_t i = 1; i < tokens.size(); ++i) {
    Token t = tokens[i];
    if (!options_done && !t.literal && t.text == "-x") t.text = "--stdin";  // as redis-cli
    if (options_done || !IsOption(t)) {
      inv->args.push_back(t.text);
      continue;
    }
    if (t.text == "--") {
      options_done = true;
      continue;
    }
    std::string opt = t.text.substr(2);
    std::string value;
    const size_t eq = opt.find('=');
    const bool has_inline_value = eq != std::string::npos;
    if (has_inline_value) {
      value = opt.substr(eq + 1);
      opt.resize(eq);
    }
    if (opt == "help") {
      inv->help = true;
      continue;
    }
    const OptionSpec* o = FindOption(spec, opt);
    if (o == nullptr) {
      std::vector<std::string_view> names = {"help"};
      for (const OptionSpec& known : spec.options) names.push_back(known.name);
      const std::string near = Nearest(opt, names);
      *error = prefix + "unknown option --" + opt +
               (near.empty() ? " (see " + std::string(spec.name) + " --help)"
                             : " (did you mean '--" + near + "'?)");
      return false;
    }
    if (o->value_name == nullptr) {
      if (has_inline_value) {
        *error = prefix + "option --" + opt + " takes no value";
        return false;
      }
    } else if (!has_inline_value) {
      if (i + 1 >= tokens.size()) {
        *error = prefix + "option --" + opt + " needs a value (" + o->value_name + ")";
        return false;
      }
      value = tokens[++i].text;
    }
    if (o->value_name != nullptr && !ValidValue(*o, value)) {
      *error = prefix + "--" + opt + " must be " + ValueRule(*o) + ", not '" + value + "'";
      return false;
    }
    if (inv->Has(opt)) {
      *error = prefix + "option --" + opt + " given twice";
      return false;
    }
    inv->options.emplace_back(std::move(opt), std::move(value));
  }
  if (inv->help) return true;

  const size_t n = inv->args.size();
  if (n < static_cast<size_t>(spec.min_args)) {
    *error = prefix + "missing " + spec.args[n];
    return false;
  }
  if (n > spec.args.size()) {
    *error = prefix + "too many arguments (usage: " + Synopsis(spec) + ")";
    return false;
  }
  if (std::string_view(spec.name) == "put") {  // VALUE, -x or --value-file: exactly one
    const int sources = (n > 1) + inv->Has("stdin") + inv->Has("value-file");
    if (sources != 1) {
      *error = prefix + (sources == 0 ? "missing VALUE (or -x, or --value-file FILE)"
                                      : "give VALUE, -x or --value-file, only one");
      return false;
    }
  }
  return true;
}

}  // namespace lsmdb::cli
