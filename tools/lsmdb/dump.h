// `lsmdb dump wal|sst|manifest FILE [--json] [--entries N]`: prints one database file in
// readable form (docs/CLI.md, "Inspecting files"; the formats are in docs/format/).
//
// The dumpers read the file themselves, through the internal decoders, and trust nothing
// in it: damage is printed where it is met (with its offset) and the dump goes on when
// the format allows (a WAL or MANIFEST resumes at the next record, a table at the next
// data block). Text output is one line per item, keys and values escaped as `scan`
// prints them; with --json every line is one JSON object with a "type" member.
//
// Thread-safety: plain functions; each uses its own file and writes to `out`.
#ifndef LSMDB_TOOLS_LSMDB_DUMP_H_
#define LSMDB_TOOLS_LSMDB_DUMP_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "lsmdb/status.h"

namespace lsmdb::cli {

struct DumpOptions {
  bool json = false;
  // Table entries (sst), records (wal) or edits (manifest) printed at most.
  uint64_t max_entries = UINT64_MAX;
};

// Each prints the file at path (on the POSIX file system) to out. OK if the file is
// intact (a WAL's torn last record included: a crash leaves one); otherwise the first
// damage or I/O error met, after printing everything that could be read.
Status DumpWal(const std::string& path, const DumpOptions& options, FILE* out);
Status DumpTable(const std::string& path, const DumpOptions& options, FILE* out);
Status DumpManifest(const std::string& path, const DumpOptions& options, FILE* out);

// The kind `dump` takes for the file at path from its name alone ("wal", "sst",
// "manifest", "current"), or "" when the name is not a database file's.
std::string GuessKindFromName(const std::string& path);
// The kind the file's bytes show: "current" (one line naming a MANIFEST), "sst" (the
// table magic number in its last 8 bytes), "manifest" or "wal" (the first record decodes
// as a VersionEdit, or as a batch or log link); "" when they show none (an empty,
// damaged or foreign file, which the dumpers then report as damage).
std::string DetectKind(const std::string& path);

// One output line: in text, "label: a, b, c"-style strings built by the caller; in JSON,
// an object built member by member. Used by the dumpers and `verify`.
class DumpLine {
 public:
  DumpLine(bool json, std::string_view type);
  DumpLine& Str(std::string_view name, std::string_view bytes);  // bytes, escaped
  DumpLine& Num(std::string_view name, uint64_t value);
  DumpLine& Bool(std::string_view name, bool value);  // JSON only
  // A member whose value is already JSON (an array or object). JSON only.
  DumpLine& Json(std::string_view name, std::string_view json);
  // Text only: appends text as it is.
  DumpLine& Text(std::string_view text);
  // Writes the line (newline added) to out.
  void Print(FILE* out);
  const std::string& str() const { return line_; }

 private:
  void Name(std::string_view name);

  const bool json_;
  std::string line_;
  bool first_ = true;
};

// "user_key @ 42 put": an internal key for text output (user key escaped), or
// "<bad internal key \x..>" when ikey does not parse.
std::string InternalKeyText(std::string_view ikey);
// {"user_key": "...", "seq": 42, "kind": "put"} or {"bad_key": "..."}.
std::string InternalKeyJson(std::string_view ikey);
// "4.1 MiB", "523 B".
std::string HumanSize(uint64_t bytes);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_DUMP_H_
