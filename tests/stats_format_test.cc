// The level table of lsmdb.stats (what `lsmdb stats` prints) keeps its columns in line
// when figures are large: level targets of exbibytes, many files (issue 22).
#include <gtest/gtest.h>

#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"

namespace lsmdb {
namespace {

std::vector<std::string> LevelTable(const std::string& stats) {
  std::vector<std::string> lines;
  std::istringstream in(stats);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("Level") ||
        (line.size() > 1 && line[0] == 'L' && std::isdigit(static_cast<unsigned char>(line[1])))) {
      lines.push_back(line);
    }
  }
  return lines;
}

// The right edge of each header name but the first (columns are right-aligned).
std::vector<size_t> RightEdges(const std::string& header) {
  std::vector<size_t> edges;
  const size_t first = header.find(' ');
  for (size_t i = first == std::string::npos ? header.size() : first; i < header.size(); i++) {
    if (header[i] != ' ' && (i + 1 == header.size() || header[i + 1] == ' ')) edges.push_back(i);
  }
  return edges;
}

TEST(StatsFormatTest, LargeLevelTargetsKeepTheColumnsInLine) {
  Options options;
  options.file_system = std::make_shared<MemFileSystem>();
  options.create_if_missing = true;
  options.num_levels = 7;
  options.max_bytes_for_level_multiplier = 100;  // L6's target: 256 MiB * 100^5
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options, "/db", &db).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), "k", "v").ok());
  ASSERT_TRUE(db->Flush().ok());
  std::string stats;
  ASSERT_TRUE(db->GetProperty("lsmdb.stats", &stats));
  const std::vector<std::string> table = LevelTable(stats);
  ASSERT_EQ(table.size(), 8u) << stats;
  const std::vector<size_t> edges = RightEdges(table[0]);
  ASSERT_EQ(edges.size(), 9u) << table[0];
  for (size_t row = 1; row < table.size(); row++) {
    const std::string& line = table[row];
    EXPECT_EQ(line.size(), table[0].size()) << stats;
    for (size_t edge : edges) {
      ASSERT_LT(edge, line.size()) << stats;
      EXPECT_NE(line[edge], ' ') << "column ending at " << edge << ":\n" << stats;
      if (edge + 1 < line.size()) {
        EXPECT_EQ(line[edge + 1], ' ') << stats;
      }
    }
  }
  // The targets are in the largest unit that keeps them short.
  EXPECT_NE(stats.find(" EiB "), std::string::npos) << stats;
}

}  // namespace
}  // namespace lsmdb
