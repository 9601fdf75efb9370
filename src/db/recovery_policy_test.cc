// DecideRecovery against the table in docs/format/wal.md §5, for every combination of
// its inputs: the table is read from the document itself (rows in order, the first row
// that matches decides), so the code and the document cannot drift apart.
#include "db/recovery_policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lsmdb {
namespace {

struct Row {
  int line = 0;
  std::vector<std::string> cells[5];  // log, reader saw, next link, mode, paranoid
  std::string decision;
  int used = 0;
};

std::string Trim(std::string s) {
  const auto b = s.find_first_not_of(" `");
  const auto e = s.find_last_not_of(" `");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> SplitList(const std::string& cell) {
  std::vector<std::string> out;
  std::stringstream in(cell);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(Trim(item));
  return out;
}

// docs/format/wal.md of the source tree the test binary was built in: found by walking
// up from the binary (build/<preset>/src/...) and from this file's compiled-in path.
std::filesystem::path FindWalMd() {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path start : {fs::read_symlink("/proc/self/exe", ec),
                         fs::absolute(fs::path(__FILE__), ec), fs::current_path(ec)}) {
    for (fs::path dir = start; !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      if (fs::exists(dir / "docs/format/wal.md", ec)) return dir / "docs/format/wal.md";
    }
  }
  return "docs/format/wal.md";
}

std::vector<Row> ReadTable() {
  const auto doc = FindWalMd();
  std::ifstream in(doc);
  EXPECT_TRUE(in.good()) << "cannot read " << doc;
  std::vector<Row> rows;
  std::string line;
  bool inside = false;
  for (int n = 1; std::getline(in, line); n++) {
    if (line.find("<!-- recovery-policy:begin -->") != std::string::npos) inside = true;
    if (line.find("<!-- recovery-policy:end -->") != std::string::npos) inside = false;
    if (!inside || !line.starts_with("|") || line.starts_with("|---") || line.starts_with("| #")) {
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream s(line.substr(1));
    std::string cell;
    while (std::getline(s, cell, '|')) cells.push_back(Trim(cell));
    EXPECT_EQ(cells.size(), 7u) << "line " << n << ": " << line;
    if (cells.size() != 7) continue;
    Row row;
    row.line = n;
    for (int i = 0; i < 5; i++) row.cells[i] = SplitList(cells[i + 1]);
    row.decision = cells[6];
    rows.push_back(row);
  }
  EXPECT_GT(rows.size(), 10u) << "no policy table in " << doc;
  return rows;
}

bool Matches(const std::vector<std::string>& cell, std::string_view value) {
  for (const auto& v : cell) {
    if (v == "any" || v == value) return true;
  }
  return false;
}

std::string_view ModeName(WalRecoveryMode mode) {
  switch (mode) {
    case WalRecoveryMode::kTolerateCorruptedTailRecords:
      return "default";
    case WalRecoveryMode::kAbsoluteConsistency:
      return "absolute";
    case WalRecoveryMode::kPointInTimeRecovery:
      return "point-in-time";
  }
  return "?";
}

TEST(RecoveryPolicyTest, EveryCaseMatchesTheTableInWalMd) {
  std::vector<Row> rows = ReadTable();
  int cases = 0;
  for (const auto mode :
       {WalRecoveryMode::kTolerateCorruptedTailRecords, WalRecoveryMode::kAbsoluteConsistency,
        WalRecoveryMode::kPointInTimeRecovery}) {
    for (const bool paranoid : {false, true}) {
      for (const auto position : {LogPosition::kLast, LogPosition::kOlder}) {
        for (const auto end : {LogEnd::kClean, LogEnd::kTornTail, LogEnd::kDamageAtEnd,
                               LogEnd::kDamageBeforeRecords}) {
          std::vector<LinkCheck> links = {LinkCheck::kNone};
          if (position == LogPosition::kOlder) {
            links = {LinkCheck::kReached, LinkCheck::kShort, LinkCheck::kShortSynced,
                     LinkCheck::kUnlinked, LinkCheck::kManifestLost};
          }
          for (const auto link : links) {
            const std::string values[5] = {position == LogPosition::kLast ? "last" : "older",
                                           std::string(ToString(end)), std::string(ToString(link)),
                                           std::string(ModeName(mode)), paranoid ? "yes" : "no"};
            std::string what;
            for (const auto& v : values) what += v + " | ";
            Row* match = nullptr;
            for (auto& row : rows) {
              bool all = true;
              for (int i = 0; i < 5 && all; i++) all = Matches(row.cells[i], values[i]);
              if (all) {
                match = &row;
                break;
              }
            }
            ASSERT_NE(match, nullptr) << "no row of the table covers " << what;
            match->used++;
            const RecoveryAction got = DecideRecovery({mode, paranoid, position, end, link});
            EXPECT_EQ(ToString(got), match->decision) << what << "table line " << match->line;
            cases++;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 3 * 2 * (4 + 4 * 5));
  for (const auto& row : rows) EXPECT_GT(row.used, 0) << "table line " << row.line << " is dead";
}

// The function is total: an older log given no link is judged as unlinked, and a last
// log ignores the link.
TEST(RecoveryPolicyTest, OutOfDomainInputsAreJudgedAsDocumented) {
  for (const auto end : {LogEnd::kClean, LogEnd::kTornTail, LogEnd::kDamageAtEnd}) {
    RecoveryCase older{WalRecoveryMode::kTolerateCorruptedTailRecords, false, LogPosition::kOlder,
                       end, LinkCheck::kNone};
    RecoveryCase unlinked = older;
    unlinked.next_link = LinkCheck::kUnlinked;
    EXPECT_EQ(DecideRecovery(older), DecideRecovery(unlinked));
    RecoveryCase last = older;
    last.position = LogPosition::kLast;
    last.next_link = LinkCheck::kShort;
    RecoveryCase last_none = last;
    last_none.next_link = LinkCheck::kNone;
    EXPECT_EQ(DecideRecovery(last), DecideRecovery(last_none));
  }
}

}  // namespace
}  // namespace lsmdb
