// The damage matrix (issue 16, docs/RELIABILITY.md "Damage matrix"): every file kind of
// a database built in phases (tests/util/damage_db.h) x every kind of damage
// (tests/util/file_damage.h) x every read path, judged against the model of the
// acknowledged writes:
//   - never a wrong value with an OK status: each value read is the latest acknowledged
//     one, or the read fails; where a power loss could have left the same bytes (the
//     newest log cut, zeroed to its end or followed by garbage, garbage after an older
//     log or the MANIFEST, and, in the default mode, a damaged last record of the newest
//     log) the state after a prefix of the writes holding every synced write is right;
//   - never a silent loss: an acknowledged write read as absent after an Open that
//     succeeded is reported by `lsmdb verify`'s exit status; after `lsmdb repair` every
//     older value or loss is reported by repair (exit status or its summary);
//   - never a crash or hang (the CLI runs under a timeout, ctest under another).
// Cells failing because of a defect still open are listed in kKnownOpen with the issue
// item; such a cell must still fail (so a fix makes the list shrink), any other failing
// cell fails the test. LSMDB_DAMAGE_MATRIX=full runs more offsets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "tests/cli/cli_runner.h"
#include "tests/util/ack_model.h"
#include "tests/util/damage_db.h"
#include "tests/util/damage_matrix_known_open.h"
#include "tests/util/damage_reads.h"
#include "tests/util/file_damage.h"
#include "tests/util/test_util.h"
#include "util/random.h"

namespace lsmdb {
namespace {

using test::Damage;
using test::DamageDb;
using test::DamageKind;
using test::Judgement;
using test::kKnownOpen;
using test::KnownOpen;
using test::Observation;
using test::ReadResult;

const char* const kPaths[] = {"open",     "paranoid", "get",    "scan-fwd",
                              "scan-bwd", "seek",     "verify", "repair"};

// A temporary directory for the POSIX copy: in /dev/shm when there is one (repair
// syncs every file it writes), else under $TMPDIR as test::TempDir.
class ScratchDir {
 public:
  ScratchDir() {
    std::error_code ec;
    if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) {
      std::string tmpl = "/dev/shm/lsmdb_matrix_XXXXXX";
      if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
    }
    if (path_.empty()) {
      fallback_ = std::make_unique<test::TempDir>();
      path_ = fallback_->path();
    }
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!fallback_) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<test::TempDir> fallback_;
};

struct Target {
  std::string kind;  // "newest-log", ...
  std::string name;  // file name
};

bool FullRun() {
  const char* env = std::getenv("LSMDB_DAMAGE_MATRIX");
  return env != nullptr && std::string(env) == "full";
}

// A known-open entry whose damage is a pattern ("flip@*/32") stands for every offset of
// the full form's class; it must match at least one failing cell of the run.
bool IsPattern(const char* damage) {
  return std::string_view(damage).find('*') != std::string_view::npos;
}

bool DamageMatches(std::string_view pattern, std::string_view label) {
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == label;
  const std::string_view head = pattern.substr(0, star), tail = pattern.substr(star + 1);
  if (label.size() <= head.size() + tail.size() || !label.starts_with(head) ||
      !label.ends_with(tail)) {
    return false;
  }
  const std::string_view mid = label.substr(head.size(), label.size() - head.size() - tail.size());
  return mid.find_first_not_of("0123456789") == std::string_view::npos;
}

const KnownOpen* FindKnown(const std::tuple<std::string, std::string, std::string>& cell) {
  for (const KnownOpen& k : kKnownOpen) {
    if (std::get<0>(cell) == k.file && std::get<2>(cell) == k.path &&
        DamageMatches(k.damage, std::get<1>(cell))) {
      return &k;
    }
  }
  return nullptr;
}

class DamageMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = test::RandomSeed();
    Status s = test::BuildDamageDb(seed_, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (size_t i = 0; i < db_.model.keys().size(); i += 37) {
      const std::string& k = *std::next(db_.model.keys().begin(), i);
      seek_targets_.push_back(k);
      seek_targets_.push_back(k + "~");  // between two keys
    }
    std::fprintf(stderr,
                 "[matrix] %zu acknowledged writes (%zu up to the last synced), %zu keys; "
                 "newest log %s (%zu bytes, %llu synced), older log %s (%zu bytes)\n",
                 db_.model.size(), db_.model.SyncedPrefix(), db_.model.keys().size(),
                 db_.newest_log.c_str(), db_.files[db_.newest_log].size(),
                 static_cast<unsigned long long>(db_.newest_log_synced), db_.older_log.c_str(),
                 db_.files[db_.older_log].size());
  }

  // Could a power loss have left these bytes? (See the file comment.) paranoid: the
  // damaged last record of the newest log is then not forgiven.
  bool PowerLossShape(const Target& t, const Damage& d, bool paranoid) const {
    const uint64_t size = db_.files.at(t.name).size();
    if (d.kind == DamageKind::kAppendGarbage) {
      return t.kind == "newest-log" || t.kind == "older-log" || t.kind == "MANIFEST";
    }
    if (t.kind != "newest-log") return false;
    switch (d.kind) {
      case DamageKind::kTruncate:
        return d.offset >= db_.newest_log_synced;
      case DamageKind::kZeroRange:
        return d.offset >= db_.newest_log_synced && d.offset + d.length >= size;
      case DamageKind::kBitFlip:
        return !paranoid && d.offset >= db_.newest_last_record &&
               db_.newest_last_record >= db_.newest_log_synced;
      default:
        return false;
    }
  }

  // The files with d applied to t.
  std::map<std::string, std::string> Damaged(const Target& t, const Damage& d) const {
    std::map<std::string, std::string> files = db_.files;
    if (!test::ApplyDamage(d, &files[t.name])) files.erase(t.name);
    return files;
  }

  static std::shared_ptr<MemFileSystem> MemCopy(const std::map<std::string, std::string>& files) {
    auto mem = std::make_shared<MemFileSystem>();
    EXPECT_TRUE(mem->CreateDirIfMissing(test::kDamageDbDir).ok());
    for (const auto& [name, data] : files) {
      EXPECT_TRUE(mem->WriteStringToFile(std::string(test::kDamageDbDir) + "/" + name, data).ok());
    }
    return mem;
  }

  // Judges one observation; returns "" or what is wrong. reported: the loss of a write
  // (a key read absent) was reported elsewhere. older_ok: older values are fine too.
  std::string Judge(const ReadResult& r, bool power_loss, bool reported, bool older_ok) const {
    if (!r.obs.disorder.empty()) return "order: " + r.obs.disorder;
    if (power_loss && db_.model.MatchesPrefix(r.obs, db_.model.SyncedPrefix())) return "";
    const Judgement j = db_.model.JudgeLatest(r.obs);
    if (j.garbage > 0) return std::to_string(j.garbage) + " never-written values: " + j.example;
    if (j.wrong > 0 && !older_ok) {
      return std::to_string(j.wrong) + " wrong values" + (power_loss ? " (no prefix)" : "") + ": " +
             j.example;
    }
    if (j.missing > 0 && !reported) {
      return std::to_string(j.missing) + " writes silently lost: " + j.example;
    }
    return "";
  }

  // Runs every read path on one damaged copy; fills verdicts[path] ("" = pass).
  void RunCase(const Target& t, const Damage& d, std::map<std::string, std::string>* verdicts);

  void Record(const Target& t, const Damage& d, const std::string& path,
              const std::string& verdict);

  uint64_t seed_ = 0;
  DamageDb db_;
  std::vector<std::string> seek_targets_;
  // (file, damage, path) -> first failure text ("" for a pass)
  std::map<std::tuple<std::string, std::string, std::string>, std::string> cells_;
};

void DamageMatrix::RunCase(const Target& t, const Damage& d,
                           std::map<std::string, std::string>* v) {
  const bool none = t.kind == "none";
  const std::map<std::string, std::string> files = none ? db_.files : Damaged(t, d);
  const bool pl = !none && PowerLossShape(t, d, false);
  const bool pl_paranoid = !none && PowerLossShape(t, d, true);
  const std::set<std::string>& keys = db_.model.keys();

  // verify and repair: the real binary on a POSIX copy.
  ScratchDir tmp;
  const std::string dir = tmp.path() + "/db";
  std::filesystem::create_directory(dir);
  for (const auto& [name, data] : files) {
    std::ofstream(dir + "/" + name, std::ios::binary) << data;
  }
  const test::CliResult verify = test::RunCli({"verify", dir});
  const bool verify_flagged = verify.exit_code != 0;
  if (verify.exit_code < 0 || verify.exit_code > 1) {
    (*v)["verify"] = "crash or hang (exit " + std::to_string(verify.exit_code) + ")";
  } else if (none && verify_flagged) {
    (*v)["verify"] = "flags an intact database: " + verify.out;
  } else if (!none && !pl && !verify_flagged) {
    (*v)["verify"] = "says intact";
  } else {
    (*v)["verify"] = "";
  }

  // The default Open and every read path on it.
  {
    std::unique_ptr<DB> db;
    Status s = DB::Open(test::DamageDbOptions(MemCopy(files), false), test::kDamageDbDir, &db);
    if (!s.ok()) {
      // The default mode promises to drop a torn tail of the newest log (options.h);
      // elsewhere refusing to open is a report, never a wrong answer.
      const bool must_open = none || (pl && t.kind == "newest-log");
      const std::string refused = must_open ? "refuses to open: " + s.ToString() : "";
      for (const char* p : {"open", "get", "scan-fwd", "scan-bwd", "seek"}) (*v)[p] = refused;
    } else {
      const ReadResult get = test::ReadByGet(db.get(), keys);
      (*v)["open"] = Judge(get, pl, verify_flagged, /*older_ok=*/false);
      (*v)["get"] = (*v)["open"];
      (*v)["scan-fwd"] = Judge(test::ScanAll(db.get(), keys, true), pl, verify_flagged, false);
      (*v)["scan-bwd"] = Judge(test::ScanAll(db.get(), keys, false), pl, verify_flagged, false);
      (*v)["seek"] =
          Judge(test::SeekScans(db.get(), keys, seek_targets_, 3), pl, verify_flagged, false);
      if (!(*v)["open"].empty()) (*v)["open"] = "opens: " + (*v)["open"];
    }
  }
  // paranoid_checks: Open, Get of every key, a forward scan.
  {
    std::unique_ptr<DB> db;
    Status s = DB::Open(test::DamageDbOptions(MemCopy(files), true), test::kDamageDbDir, &db);
    (*v)["paranoid"] = none && !s.ok() ? "refuses to open: " + s.ToString() : "";
    if (s.ok()) {
      std::string bad = Judge(test::ReadByGet(db.get(), keys), pl_paranoid, verify_flagged, false);
      if (bad.empty()) {
        bad = Judge(test::ScanAll(db.get(), keys, true), pl_paranoid, verify_flagged, false);
      }
      (*v)["paranoid"] = bad;
    }
  }
  // repair, then the default Open and reads.
  const test::CliResult repair = test::RunCli({"repair", dir});
  static const std::regex kLossReport(
      R"(([1-9][0-9]* (of [0-9]+ )?(records?|entries|writes) (were |are )?(lost|dropped))|may now show)");
  const bool repair_reported = repair.exit_code != 0 || std::regex_search(repair.out, kLossReport);
  if (repair.exit_code < 0) {
    (*v)["repair"] = "crash or hang";
    return;
  }
  std::unique_ptr<DB> db;
  Status s = DB::Open(test::DamageDbOptions(FileSystem::Default(), false), dir, &db);
  if (!s.ok()) {
    (*v)["repair"] =
        repair.exit_code == 0 ? "repaired database does not open: " + s.ToString() : "";
    return;
  }
  ReadResult r = test::ReadByGet(db.get(), keys);
  std::string bad = Judge(r, pl, repair_reported, /*older_ok=*/repair_reported);
  if (bad.empty()) {
    bad = Judge(test::ScanAll(db.get(), keys, true), pl, repair_reported, repair_reported);
  }
  if (none && repair_reported) bad = "reports a loss on an intact database";
  (*v)["repair"] = bad;
}

void DamageMatrix::Record(const Target& t, const Damage& d, const std::string& path,
                          const std::string& verdict) {
  cells_.emplace(std::make_tuple(t.kind, d.label, path), verdict);
}

// The oracle itself: a prefix must be one prefix for all keys, hold every synced write,
// and an older value is wrong under the strict judgement.
TEST(DamageMatrixOracle, PrefixesAndLatest) {
  test::AckModel m;
  m.Add({{"a", "a1"}}, false);
  m.Add({{"b", "b1"}, {"c", std::nullopt}}, true);  // synced: writes [0, 2) must survive
  m.Add({{"a", "a2"}}, false);
  m.Add({{"b", "b2"}}, false);
  Observation after3;
  after3.seen = {{"a", "a2"}, {"b", "b1"}, {"c", std::nullopt}};
  EXPECT_TRUE(m.MatchesPrefix(after3, m.SyncedPrefix()));
  Observation mixed;  // b's newest write without a's older one: no prefix
  mixed.seen = {{"a", "a1"}, {"b", "b2"}};
  EXPECT_FALSE(m.MatchesPrefix(mixed, m.SyncedPrefix()));
  Observation before_sync;  // the synced batch missing
  before_sync.seen = {{"a", "a1"}, {"b", std::nullopt}};
  EXPECT_FALSE(m.MatchesPrefix(before_sync, m.SyncedPrefix()));
  EXPECT_TRUE(m.MatchesPrefix(before_sync, 1));
  const Judgement j = m.JudgeLatest(after3);
  EXPECT_EQ(j.wrong, 1u);  // b1 is older than b2
  EXPECT_EQ(j.garbage, 0u);
  Observation lost;
  lost.seen = {{"a", std::nullopt}, {"b", "zz"}};
  const Judgement k = m.JudgeLatest(lost);
  EXPECT_EQ(k.missing, 1u);
  EXPECT_EQ(k.garbage, 1u);
}

TEST_F(DamageMatrix, EveryFileKindDamageAndReadPath) {
  const bool full = FullRun();
  Random rnd(seed_ ^ 0x5eed);
  const std::vector<Target> targets = {
      {"newest-log", db_.newest_log}, {"older-log", db_.older_log}, {"L0-table", db_.l0_table},
      {"deep-table", db_.deep_table}, {"MANIFEST", db_.manifest},   {"CURRENT", db_.current}};
  auto other = [&](const Target& t) -> std::string {
    if (t.kind == "newest-log") return db_.files[db_.older_log];
    if (t.kind == "older-log") return db_.files[db_.newest_log];
    if (t.kind == "L0-table") return db_.files[db_.l0_other];
    if (t.kind == "deep-table") return db_.files[db_.deep_other];
    if (t.kind == "MANIFEST") return db_.old_manifest;
    return db_.old_manifest_name + "\n";  // CURRENT naming the MANIFEST before the reopen
  };

  // The undamaged database first: every path must pass.
  std::map<std::string, std::string> verdicts;
  RunCase({"none", ""}, test::MakeDamage(DamageKind::kReplace, "none"), &verdicts);
  for (const auto& [path, verdict] : verdicts) {
    ASSERT_EQ(verdict, "") << "undamaged database, " << path;
  }

  size_t cases = 0;
  for (const Target& t : targets) {
    const uint64_t size = db_.files[t.name].size();
    std::vector<std::pair<std::string, uint64_t>> flips = {{"start", 0}, {"middle", size / 2}};
    if (t.kind.ends_with("log") || t.kind == "MANIFEST") flips.push_back({"header", 6});
    if (t.kind == "newest-log") {
      const uint64_t last = db_.newest_last_record;
      flips.push_back({"last-record", last + (size - last) / 2});
    }
    flips.push_back({"end", size - 1});
    const std::string garbage = test::RandomBytes(&rnd, 100);
    for (const Damage& d : test::DamagesFor(size, flips, garbage, other(t), full)) {
      verdicts.clear();
      RunCase(t, d, &verdicts);
      for (const auto& [path, verdict] : verdicts) Record(t, d, path, verdict);
      cases++;
    }
  }

  // The known-open list against what happened.
  size_t pass = 0, known_open = 0, failed = 0;
  std::map<const KnownOpen*, std::pair<int, int>> pattern_use;  // cells matched, failed
  for (const auto& [cell, verdict] : cells_) {
    const auto& [file, damage, path] = cell;
    const KnownOpen* k = FindKnown(cell);
    if (k != nullptr && IsPattern(k->damage)) {
      pattern_use[k].first++;
      if (!verdict.empty()) pattern_use[k].second++;
    }
    if (verdict.empty()) {
      pass++;
      EXPECT_TRUE(k == nullptr || IsPattern(k->damage))
          << file << " " << damage << " " << path
          << ": passes now; remove it from the known-open list";
    } else if (k != nullptr) {
      known_open++;
    } else {
      failed++;
      ADD_FAILURE() << file << " " << damage << " " << path << ": " << verdict;
      std::fprintf(stderr, "[matrix] NEW {\"%s\", \"%s\", \"%s\", 0},\n", file.c_str(),
                   damage.c_str(), path.c_str());
    }
  }
  for (const auto& [k, use] : pattern_use) {
    EXPECT_GT(use.second, 0) << k->file << " " << k->damage << " " << k->path << ": all "
                             << use.first << " cells pass now; remove it from the list";
  }
  for (const KnownOpen& k : kKnownOpen) {
    if (!IsPattern(k.damage) && cells_.count({k.file, k.damage, k.path}) == 0) {
      ADD_FAILURE() << "known-open cell never ran: " << k.file << " " << k.damage << " " << k.path;
    }
  }

  // The summary: per file kind x read path, cells run / pass / known-open.
  std::fprintf(stderr, "[matrix] %zu damage cases (%s form), seed %llu\n", cases,
               full ? "full" : "short", static_cast<unsigned long long>(seed_));
  std::fprintf(stderr, "%-11s", "file");
  for (const char* p : kPaths) std::fprintf(stderr, " %12s", p);
  std::fprintf(stderr, "\n");
  for (const Target& t : targets) {
    std::fprintf(stderr, "%-11s", t.kind.c_str());
    for (const char* p : kPaths) {
      int run = 0, ok = 0, open = 0;
      for (const auto& [cell, verdict] : cells_) {
        if (std::get<0>(cell) != t.kind || std::get<2>(cell) != p) continue;
        run++;
        if (verdict.empty()) ok++;
        if (!verdict.empty() && FindKnown(cell) != nullptr) open++;
      }
      char buf[48];
      std::snprintf(buf, sizeof(buf), "%d/%d/%d", run, ok, open);
      std::fprintf(stderr, " %12s", buf);
    }
    std::fprintf(stderr, "\n");
  }
  std::fprintf(stderr, "[matrix] cells run %zu, pass %zu, known-open %zu, new failures %zu\n",
               cells_.size(), pass, known_open, failed);
  // Details of the known-open cells, for whoever fixes them.
  for (const auto& [cell, verdict] : cells_) {
    if (!verdict.empty() && FindKnown(cell) != nullptr) {
      std::fprintf(stderr, "[matrix] open: %s %s %s: %s\n", std::get<0>(cell).c_str(),
                   std::get<1>(cell).c_str(), std::get<2>(cell).c_str(), verdict.c_str());
    }
  }
}

}  // namespace
}  // namespace lsmdb
