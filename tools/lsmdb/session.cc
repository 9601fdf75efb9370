#include "session.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "dump.h"
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
  const std::string_view name = inv.spec->name;
  if (inv.help) {
    out_->Raw(CommandHelp(*inv.spec, !in_shell_));
    return Outcome::kOk;
  }
  if (name == "help") return Help(inv);
  if (name == "exit" || name == "quit") return Outcome::kExit;
  if (name == "get") return Get(inv);
  if (name == "put") return PutOrDelete(inv, true);
  if (name == "delete") return PutOrDelete(inv, false);
  if (name == "scan") return Scan(inv, false);
  if (name == "count") return Scan(inv, true);
  if (name == "batch" || name == "commit" || name == "abort") return Batch(inv);
  if (name == "snapshot" || name == "release") return Snapshot(inv);
  if (name == "flush" || name == "compact") return FlushOrCompact(inv);
  if (name == "stats") return Property(inv, "lsmdb.stats");
  if (name == "property") return Property(inv, inv.args[0]);
  if (name == "load") return Load(inv);
  if (name == "export") return Export(inv);
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
    out_->Note("(not found)");
    return Outcome::kOk;
  }
  if (!s.ok()) return Fail(inv, s);
  out_->Value(value);
  return Outcome::kOk;
}

Outcome Session::PutOrDelete(const Invocation& inv, bool is_put) {
  const std::string& key = inv.args[0];
  if (key.size() > kMaxKeySize) return Usage(inv, "key longer than 8 MiB");
  if (is_put && inv.args[1].size() > kMaxValueSize) {
    return Usage(inv, "value longer than 256 MiB");
  }
  if (batch_) {
    if (is_put) {
      batch_->Put(key, inv.args[1]);
    } else {
      batch_->Delete(key);
    }
    out_->Line("QUEUED");
    return Outcome::kOk;
  }
  const Status s =
      is_put ? db_->Put(WriteOptions(), key, inv.args[1]) : db_->Delete(WriteOptions(), key);
  if (!s.ok()) return Fail(inv, s);
  out_->Line("OK");
  return Outcome::kOk;
}

Outcome Session::Scan(const Invocation& inv, bool count_only) {
  const std::string* from = inv.args.size() > 0 ? &inv.args[0] : nullptr;
  const std::string* to = inv.args.size() > 1 ? &inv.args[1] : nullptr;
  uint64_t limit = UINT64_MAX;
  if (const std::string* text = inv.Get("limit"); text != nullptr) {
    limit = std::strtoull(text->c_str(), nullptr, 10);  // checked by ParseInvocation
  }
  const bool reverse = inv.Has("reverse");

  std::unique_ptr<Iterator> it = db_->NewIterator(Reading());
  uint64_t n = 0;
  if (!reverse) {
    if (from != nullptr) {
      it->Seek(*from);
    } else {
      it->SeekToFirst();
    }
    for (; it->Valid() && n < limit; it->Next()) {
      if (to != nullptr && it->key() >= std::string_view(*to)) break;
      if (!count_only) out_->Entry(it->key(), it->value());
      ++n;
    }
  } else {
    if (to != nullptr) {
      it->SeekForPrev(*to);
      if (it->Valid() && it->key() == std::string_view(*to)) it->Prev();
    } else {
      it->SeekToLast();
    }
    for (; it->Valid() && n < limit; it->Prev()) {
      if (from != nullptr && it->key() < std::string_view(*from)) break;
      if (!count_only) out_->Entry(it->key(), it->value());
      ++n;
    }
  }
  const Status s = it->status();
  if (!s.ok()) return Fail(inv, s);
  if (count_only) {
    out_->Line(std::to_string(n));
  } else if (interactive_) {
    out_->Note(n == 1 ? "(1 entry)" : "(" + std::to_string(n) + " entries)");
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
    s = db_->CompactRange(inv.args.size() > 0 ? &begin : nullptr,
                          inv.args.size() > 1 ? &end : nullptr);
  }
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
  RecordFormat format = RecordFormat::kTsv;
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
  uint64_t records = 0;
  const Status s = LoadRecords(db_, from_stdin ? stdin : file.get(),
                               from_stdin ? "<stdin>" : inv.args[0], format, &records);
  if (!s.ok()) {
    const Outcome o = Fail(inv, s);
    out_->Warning(Counted(records, "record") + " loaded before the error");
    return o;
  }
  out_->Line("OK (" + Counted(records, "record") + ")");
  return Outcome::kOk;
}

Outcome Session::Export(const Invocation& inv) {
  RecordFormat format = RecordFormat::kTsv;
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
  const Status s = VerifyDatabase(inv.args[0], out_->out(), &result);
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
