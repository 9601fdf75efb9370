#include "session.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "dump.h"
#include "escape.h"
#include "interrupt.h"
#include "load_export.h"
#include "lsmdb/repair.h"
#include "verify.h"

namespace lsmdb::cli {

namespace {

// Closes a FILE opened by the session (not stdin/stdout) when it goes out of scope.
struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

// Entries a scan prints to a terminal when no --limit is given.
constexpr uint64_t kTerminalScanLimit = 1000;

// Reads all of f into *data. Returns false (errno set) on a read error.
bool ReadAll(FILE* f, std::string* data) {
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    data->append(buf, n);
    if (data->size() > kMaxValueSize) return true;  // the caller reports the size
  }
  return std::ferror(f) == 0;
}

// Restores the output's style when a command ends.
class StyleScope {
 public:
  StyleScope(Output* out, ValueStyle style) : out_(out), saved_(out->style()) {
    out->set_style(style);
  }
  ~StyleScope() { out_->set_style(saved_); }
  StyleScope(const StyleScope&) = delete;
  StyleScope& operator=(const StyleScope&) = delete;

 private:
  Output* const out_;
  const ValueStyle saved_;
};

// jsonl if FILE ends in ".jsonl", else tsv (--format overrides).
RecordFormat FormatFromName(const Invocation& inv) {
  return !inv.args.empty() && inv.args[0].ends_with(".jsonl") ? RecordFormat::kJsonl
                                                              : RecordFormat::kTsv;
}

// "1 update", "2 updates".
std::string Counted(uint64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

int ExitStatus(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
    case Outcome::kExit:
      return 0;
    case Outcome::kUsageError:
      return 2;
    case Outcome::kFailed:
      return 1;
  }
  return 1;
}

Session::Session(DB* db, Output* out, bool in_shell, bool interactive)
    : db_(db), out_(out), in_shell_(in_shell), interactive_(interactive) {}

Session::~Session() {
  if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
}

std::string Session::State() const {
  std::string s;
  if (batch_) s = "batch " + std::to_string(batch_->Count());
  if (snapshot_ != nullptr) s += s.empty() ? "snapshot" : ", snapshot";
  return s;
}

bool Session::DiscardBatch() {
  if (!batch_) return false;
  out_->Warning("uncommitted batch of " + Counted(batch_->Count(), "update") + " discarded");
  batch_.reset();
  return true;
}

Outcome Session::Fail(const Invocation& inv, const Status& s) {
  out_->Error(std::string(inv.spec->name) + ": " + s.ToString());
  return Outcome::kFailed;
}

Outcome Session::Usage(const Invocation& inv, const std::string& message) {
  out_->Error(std::string(inv.spec->name) + ": " + message);
  return Outcome::kUsageError;
}

ReadOptions Session::Reading() const {
  ReadOptions options;
  options.snapshot = snapshot_;
  return options;
}

Outcome Session::Execute(const Invocation& inv) {
  if (inv.help) {
    out_->Raw(CommandHelp(*inv.spec, !in_shell_));
    return Outcome::kOk;
  }
  if (inv.Has("raw") && inv.Has("hex")) return Usage(inv, "give --raw or --hex, not both");
  if (!inv.Has("hex")) {
    const StyleScope style(out_, inv.Has("raw") ? ValueStyle::kRaw : out_->style());
    return Dispatch(inv);
  }
  Invocation decoded = inv;
  std::string bytes;
  for (std::string& arg : decoded.args) {
    if (!DecodeHex(arg, &bytes)) {
      return Usage(inv, "--hex: '" + arg + "' is not an even number of hex digits");
    }
    arg.swap(bytes);
  }
  for (auto& [name, value] : decoded.options) {
    if (name == "prefix" && !DecodeHex(value, &bytes)) {
      return Usage(inv, "--hex: '" + value + "' is not an even number of hex digits");
    }
    if (name == "prefix") value.swap(bytes);
  }
  const StyleScope style(out_, ValueStyle::kHex);
  return Dispatch(decoded);
}

Outcome Session::Dispatch(const Invocation& inv) {
  const std::string_view name = inv.spec->name;
  if (name == "help") return Help(inv);
  if (name == "exit" || name == "quit") return Outcome::kExit;
  if (name == "get") return Get(inv);
  if (name == "put") return PutOrDelete(inv, true);
  if (name == "delete") return PutOrDelete(inv, false);
  if (name == "delete-range") return DeleteRange(inv);
  if (name == "scan") return Scan(inv, false);
  if (name == "count") return Scan(inv, true);
  if (name == "batch" || name == "commit" || name == "abort") return Batch(inv);
  if (name == "snapshot" || name == "release") return Snapshot(inv);
  if (name == "flush" || name == "compact") return FlushOrCompact(inv);
  if (name == "stats") return Property(inv, "lsmdb.stats");
  if (name == "property") return Property(inv, inv.args[0]);
  if (name == "load") return Load(inv);
  if (name == "export") return Export(inv);
  if (name == "checkpoint") return Checkpoint(inv);
  if (name == "dump") return Dump(inv);
  if (name == "verify") return Verify(inv);
  if (name == "repair") return Repair(inv);
  return Usage(inv, "not implemented");
}

Outcome Session::Help(const Invocation& inv) {
  if (inv.args.empty()) {
    out_->Raw(CommandList(in_shell_));
    return Outcome::kOk;
  }
  const CommandSpec* topic = FindCommand(inv.args[0]);
  if (topic == nullptr) return Usage(inv, "unknown command '" + inv.args[0] + "'");
  out_->Raw(CommandHelp(*topic, !in_shell_));
  return Outcome::kOk;
}

Outcome Session::Get(const Invocation& inv) {
  std::string value;
  const Status s = db_->Get(Reading(), inv.args[0], &value);
  if (s.IsNotFound()) {
    if (in_shell_) {
      out_->Note("(not found)");
      return Outcome::kOk;
    }
    out_->Aside("(not found)");  // documented: exit status 1, nothing on stdout
    return Outcome::kFailed;
  }
  if (!s.ok()) return Fail(inv, s);
  out_->Value(value);
  return Outcome::kOk;
}

bool Session::ValueOf(const Invocation& inv, std::string* value, Outcome* error) {
  const std::string* file = inv.Get("value-file");
  const int sources = (inv.args.size() > 1) + inv.Has("stdin") + (file != nullptr);
  if (sources != 1) {
    *error = Usage(inv, sources == 0 ? "missing VALUE (or -x, or --value-file FILE)"
                                     : "give VALUE, -x or --value-file, only one");
    return false;
  }
  if (inv.args.size() > 1) {
    *value = inv.args[1];
    return true;
  }
  if (file == nullptr && in_shell_) {
    *error = Usage(inv, "-x: standard input holds the shell's commands (use --value-file)");
    return false;
  }
  FilePtr f;
  if (file != nullptr) {
    f.reset(std::fopen(file->c_str(), "rb"));
    if (!f) {
      *error = Fail(inv, Status::IOError(*file, std::strerror(errno)));
      return false;
    }
  }
  value->clear();
  if (!ReadAll(file != nullptr ? f.get() : stdin, value)) {
    *error = Fail(inv, Status::IOError(file != nullptr ? *file : "<stdin>", std::strerror(errno)));
    return false;
  }
  return true;
}

Outcome Session::PutOrDelete(const Invocation& inv, bool is_put) {
  const std::string& key = inv.args[0];
  std::string value;
  Outcome error = Outcome::kOk;
  if (is_put && !ValueOf(inv, &value, &error)) return error;
  if (key.size() > kMaxKeySize) return Usage(inv, "key longer than 8 MiB");
  if (is_put && value.size() > kMaxValueSize) return Usage(inv, "value longer than 256 MiB");
  if (batch_) {
    if (is_put) {
      batch_->Put(key, value);
    } else {
      batch_->Delete(key);
    }
    out_->Line("QUEUED");
    return Outcome::kOk;
  }
  const Status s = is_put ? db_->Put(WriteOptions(), key, value) : db_->Delete(WriteOptions(), key);
  if (!s.ok()) return Fail(inv, s);
  out_->Line("OK");
  return Outcome::kOk;
}

Outcome Session::DeleteRange(const Invocation& inv) {
  const std::string& from = inv.args[0];
  const std::string& to = inv.args[1];
  if (from.size() > kMaxKeySize || to.size() > kMaxKeySize) {
    return Usage(inv, "key longer than 8 MiB");
  }
  if (batch_) {  // FROM after TO makes `commit` fail (the DB's comparator decides)
    batch_->DeleteRange(from, to);
    out_->Line("QUEUED");
    return Outcome::kOk;
  }
  const Status s = db_->DeleteRange(WriteOptions(), from, to);
  if (!s.ok()) return Fail(inv, s);
  out_->Line("OK");
  return Outcome::kOk;
}

Outcome Session::Scan(const Invocation& inv, bool count_only) {
  const std::string* from = inv.args.size() > 0 ? &inv.args[0] : nullptr;
  const std::string* to = inv.args.size() > 1 ? &inv.args[1] : nullptr;
  if (from != nullptr && to != nullptr && *from > *to) {
    return Usage(inv, "FROM is after TO (the range is FROM <= key < TO)");
  }
  const std::string prefix = inv.Get("prefix") != nullptr ? *inv.Get("prefix") : std::string();
  // Bounds: [max(FROM, prefix), min(TO, end of prefix)).
  std::string lower = from != nullptr ? *from : "";
  if (lower < prefix) lower = prefix;
  std::optional<std::string> upper;
  if (to != nullptr) upper = *to;
  if (!prefix.empty()) {
    std::string end(prefix);
    while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
    if (!end.empty()) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      if (!upper || end < *upper) upper = end;
    }
  }
  uint64_t limit = UINT64_MAX;
  bool default_limit = false;
  if (const std::string* text = inv.Get("limit"); text != nullptr) {
    limit = std::strtoull(text->c_str(), nullptr, 10);  // checked by ParseInvocation
  } else if (!count_only && (interactive_ || isatty(fileno(out_->out())) == 1) &&
             out_->style() != ValueStyle::kRaw) {
    limit = kTerminalScanLimit;
    default_limit = true;
  }
  const bool reverse = inv.Has("reverse");
  const bool keys_only = inv.Has("keys-only");

  ReadOptions options = Reading();
  if (!lower.empty()) options.lower_bound = lower;
  if (upper) options.upper_bound = *upper;
  std::unique_ptr<Iterator> it = db_->NewIterator(options);
  ClearInterrupt();
  uint64_t n = 0;
  bool more = false, interrupted = false;
  if (reverse) {
    it->SeekToLast();
  } else {
    it->SeekToFirst();
  }
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    if (n >= limit) {
      more = true;
      break;
    }
    if (Interrupted()) {
      interrupted = true;
      break;
    }
    if (!count_only) {
      const std::string_view value = it->value();
      out_->Entry(it->key(), keys_only ? nullptr : &value);
    }
    ++n;
  }
  const Status s = it->status();
  if (!s.ok()) return Fail(inv, s);
  if (count_only) {
    out_->Line(std::to_string(n));
  } else if (interactive_) {
    out_->Note(n == 1 ? "(1 entry)" : "(" + std::to_string(n) + " entries)");
  }
  if (more && default_limit) {
    out_->Note("(stopped after " + std::to_string(limit) + " entries; --limit N shows more)");
  }
  if (interrupted) {
    out_->Error(std::string(inv.spec->name) + ": interrupted after " + std::to_string(n) +
                (n == 1 ? " entry" : " entries"));
    return Outcome::kFailed;
  }
  return Outcome::kOk;
}

Outcome Session::Batch(const Invocation& inv) {
  const std::string_view name = inv.spec->name;
  if (name == "batch") {
    if (batch_) return Usage(inv, "already in a batch (commit or abort it first)");
    batch_.emplace();
    out_->Line("OK");
    return Outcome::kOk;
  }
  if (!batch_) return Usage(inv, "no batch (start one with `batch`)");
  const uint32_t count = batch_->Count();
  if (name == "abort") {
    batch_.reset();
    out_->Line("OK (" + Counted(count, "update") + " discarded)");
    return Outcome::kOk;
  }
  // On failure the batch stays open, so that the user may retry or abort.
  const Status s = db_->Write(WriteOptions(), &*batch_);
  if (!s.ok()) return Fail(inv, s);
  batch_.reset();
  out_->Line("OK (" + Counted(count, "update") + ")");
  return Outcome::kOk;
}

Outcome Session::Snapshot(const Invocation& inv) {
  if (std::string_view(inv.spec->name) == "release") {
    if (snapshot_ == nullptr) return Usage(inv, "no snapshot to release");
    db_->ReleaseSnapshot(snapshot_);
    snapshot_ = nullptr;
    out_->Line("OK");
    return Outcome::kOk;
  }
  const bool replaced = snapshot_ != nullptr;
  if (replaced) db_->ReleaseSnapshot(snapshot_);
  snapshot_ = db_->GetSnapshot();
  out_->Line(replaced ? "OK (previous snapshot released)" : "OK");
  return Outcome::kOk;
}

Outcome Session::FlushOrCompact(const Invocation& inv) {
  Status s;
  if (std::string_view(inv.spec->name) == "flush") {
    s = db_->Flush();
  } else {
    std::string_view begin, end;
    if (inv.args.size() > 0) begin = inv.args[0];
    if (inv.args.size() > 1) end = inv.args[1];
    if (inv.args.size() > 1 && begin > end) {
      return Usage(inv, "FROM is after TO (the range is FROM..TO, both included)");
    }
    s = db_->CompactRange(inv.args.size() > 0 ? &begin : nullptr,
                          inv.args.size() > 1 ? &end : nullptr);
  }
  if (!s.ok()) return Fail(inv, s);
  out_->Line("OK");
  return Outcome::kOk;
}

Outcome Session::Checkpoint(const Invocation& inv) {
  const Status s = db_->CreateCheckpoint(inv.args[0]);
  if (!s.ok()) return Fail(inv, s);
  out_->Line("OK");
  return Outcome::kOk;
}

Outcome Session::Property(const Invocation& inv, const std::string& name) {
  std::string value;
  if (!db_->GetProperty(name, &value)) {
    out_->Error(std::string(inv.spec->name) + ": unknown property '" + name + "'");
    return Outcome::kFailed;
  }
  out_->Raw(value);
  return Outcome::kOk;
}

Outcome Session::Load(const Invocation& inv) {
  RecordFormat format = FormatFromName(inv);
  if (const std::string* f = inv.Get("format"); f != nullptr && !ParseRecordFormat(*f, &format)) {
    return Usage(inv, "--format must be tsv or jsonl, not '" + *f + "'");  // not reached
  }
  if (batch_) return Usage(inv, "not allowed inside a batch");
  const bool from_stdin = inv.args.empty() || inv.args[0] == "-";
  if (from_stdin && in_shell_) {
    return Usage(inv, "missing FILE (standard input holds the shell's commands)");
  }
  FilePtr file;
  if (!from_stdin) {
    file.reset(std::fopen(inv.args[0].c_str(), "rb"));
    if (!file) return Fail(inv, Status::IOError(inv.args[0], std::strerror(errno)));
  }
  uint64_t records = 0, lines = 0;
  const Status s = LoadRecords(db_, from_stdin ? stdin : file.get(),
                               from_stdin ? "<stdin>" : inv.args[0], format, &records, &lines);
  if (!s.ok()) {
    const Outcome o = Fail(inv, s);
    if (records == 0) {
      out_->Warning("nothing was loaded");
    } else {
      // Records go in batches: the last one before the error was not written.
      out_->Warning(Counted(records, "record") + " loaded before the error, from lines 1-" +
                    std::to_string(lines) + "; nothing after line " + std::to_string(lines));
    }
    return o;
  }
  out_->Line(records == 0 ? "OK (no records: the input holds none)"
                          : "OK (" + Counted(records, "record") + ")");
  return Outcome::kOk;
}

Outcome Session::Export(const Invocation& inv) {
  RecordFormat format = FormatFromName(inv);
  if (const std::string* f = inv.Get("format"); f != nullptr && !ParseRecordFormat(*f, &format)) {
    return Usage(inv, "--format must be tsv or jsonl, not '" + *f + "'");  // not reached
  }
  const bool to_stdout = inv.args.empty() || inv.args[0] == "-";
  FilePtr file;
  if (!to_stdout) {
    file.reset(std::fopen(inv.args[0].c_str(), "wb"));
    if (!file) return Fail(inv, Status::IOError(inv.args[0], std::strerror(errno)));
  }
  uint64_t records = 0;
  out_->Flush();
  Status s = ExportRecords(db_, Reading(), to_stdout ? out_->out() : file.get(),
                           to_stdout ? "<stdout>" : inv.args[0], format, &records);
  if (s.ok() && file && std::fclose(file.release()) != 0) {
    s = Status::IOError(inv.args[0], std::strerror(errno));
  }
  if (!s.ok()) return Fail(inv, s);
  if (!to_stdout) {
    out_->Line("OK (" + Counted(records, "record") + ")");
  } else if (interactive_) {
    out_->Note("(" + Counted(records, "record") + ")");
  }
  return Outcome::kOk;
}

Outcome Session::Dump(const Invocation& inv) {
  DumpOptions options;
  options.json = inv.Has("json");
  if (const std::string* n = inv.Get("entries"))
    options.max_entries = std::strtoull(n->c_str(), nullptr, 10);
  const bool kind_given = inv.args.size() > 1;
  const std::string& path = kind_given ? inv.args[1] : inv.args[0];
  std::string kind = kind_given ? inv.args[0] : GuessKindFromName(path);
  if (!kind_given) {
    if (path == "wal" || path == "log" || path == "sst" || path == "table" || path == "manifest") {
      return Usage(inv, "missing FILE");
    }
    if (kind.empty() || kind == "current") kind = DetectKind(path);
    if (kind.empty()) {
      out_->Error("dump: " + path +
                  ": cannot tell its kind from its name or contents; give KIND (wal, sst or "
                  "manifest)");
      return Outcome::kFailed;
    }
  }
  if (kind == "log") kind = "wal";
  if (kind == "table") kind = "sst";
  if (kind != "wal" && kind != "sst" && kind != "manifest" && kind != "current") {
    return Usage(inv, "KIND must be wal, sst or manifest, not '" + kind + "'");
  }
  // Refuse a file whose bytes show another kind (a damaged file shows none: dumped).
  const std::string detected = DetectKind(path);
  if (kind == "current" || (!detected.empty() && detected != kind)) {
    const std::string is = detected.empty() ? kind : detected;
    out_->Error(
        "dump: " + path + " is " +
        (is == "current" ? std::string("a CURRENT file (it names the MANIFEST; read it as text)")
         : is == "sst"   ? "a table, not a " + kind + " (try: lsmdb dump sst " + path + ")"
         : is == "wal" ? "a write-ahead log, not a " + kind + " (try: lsmdb dump wal " + path + ")"
                       : "a MANIFEST, not a " + kind + " (try: lsmdb dump manifest " + path + ")"));
    return Outcome::kFailed;
  }
  Status s;
  if (kind == "wal") {
    s = DumpWal(path, options, out_->out());
  } else if (kind == "sst") {
    s = DumpTable(path, options, out_->out());
  } else if (kind == "manifest") {
    s = DumpManifest(path, options, out_->out());
  }
  out_->Flush();
  if (!s.ok()) return Fail(inv, s);
  return Outcome::kOk;
}

Outcome Session::Verify(const Invocation& inv) {
  VerifyResult result;
  VerifyOptions options;
  options.verbose = inv.Has("verbose");
  const Status s = VerifyDatabase(inv.args[0], options, out_->out(), &result);
  out_->Flush();
  if (!s.ok()) return Fail(inv, s);
  if (result.damaged > 0) {
    out_->Error("verify: " + inv.args[0] + ": " + std::to_string(result.damaged) +
                (result.damaged == 1 ? " file is" : " files are") + " damaged");
    return Outcome::kFailed;
  }
  return Outcome::kOk;
}

Outcome Session::Repair(const Invocation& inv) {
  const std::string& path = inv.args[0];
  RepairReport report;
  const Status s = RepairDB(path, Options{}, &report);
  // The LOG holds what the repair did, one "repair: ..." line per step.
  if (FilePtr log{std::fopen((path + "/LOG").c_str(), "r")}) {
    char line[4096];
    while (std::fgets(line, sizeof(line), log.get()) != nullptr) {
      const char* what = std::strstr(line, "repair: ");
      if (what != nullptr) std::fputs(what, out_->out());
    }
  }
  if (!s.ok()) return Fail(inv, s);
  if (report.lost()) {
    // Repaired, but what was lost may show as older values: not an "OK".
    std::string what = report.records_lost > 0 ? std::to_string(report.records_lost) + " records"
                                               : std::string("records");
    if (report.records_lost > 0 && report.uncounted_loss)
      what += " and more that cannot be counted";
    out_->Error("repair: " + path + ": repaired, but " + what + " were lost in " +
                std::to_string(report.losses.size()) +
                (report.losses.size() == 1 ? " file" : " files") +
                "; the keys on the LOST lines may now show older values");
    return Outcome::kFailed;
  }
  out_->Line("OK");
  return Outcome::kOk;
}

}  // namespace lsmdb::cli
