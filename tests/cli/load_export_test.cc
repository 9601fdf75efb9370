// `lsmdb load` and `lsmdb export`: bulk records in tsv and JSON lines, round-tripping
// byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "tests/cli/cli_runner.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {
namespace {

// The canonical escapes of docs/CLI.md, written again here so that the test does not
// trust the tool's own code.
std::string TsvField(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c >= 0x20 && c < 0x7f)
      out += ch;
    else
      out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
  }
  return out;
}

// A JSON member as export writes it: "name":"text" for valid UTF-8 (escaped as JSON
// requires), else "name_base64":"...". An independent version of json_lines.cc.
bool IsUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80                ? 1
                     : c >= 0xc2 && c < 0xe0 ? 2
                     : c >= 0xe0 && c < 0xf0 ? 3
                     : c >= 0xf0 && c < 0xf5 ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (size_t j = 1; j < n; ++j) {
      if ((static_cast<unsigned char>(s[i + j]) & 0xc0) != 0x80) return false;
      cp = cp << 6 | (static_cast<unsigned char>(s[i + j]) & 0x3f);
    }
    const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return false;
    i += n;
  }
  return true;
}

std::string JsonMember(const std::string& name, const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  if (!IsUtf8(bytes)) {
    static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out = "\"" + name + "_base64\":\"";
    for (size_t i = 0; i < bytes.size(); i += 3) {
      const size_t n = std::min<size_t>(3, bytes.size() - i);
      uint32_t v = 0;
      for (size_t j = 0; j < 3; ++j)
        v = v << 8 | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0);
      for (size_t j = 0; j < 4; ++j) out += j <= n ? kB64[(v >> (18 - 6 * j)) & 63] : '=';
    }
    return out + "\"";
  }
  std::string out = "\"" + name + "\":\"";
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\')
      out += std::string("\\") + ch;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\b')
      out += "\\b";
    else if (c == '\f')
      out += "\\f";
    else if (c < 0x20)
      out += std::string("\\u00") + kHex[c >> 4] + kHex[c & 15];
    else
      out += ch;
  }
  return out + "\"";
}

void WriteFile(const std::string& path, const std::string& data) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(data.data(), 1, data.size(), f), data.size());
  ASSERT_EQ(std::fclose(f), 0);
}

class LoadExportTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string db_ = dir_.path() + "/db";
};

TEST_F(LoadExportTest, HundredThousandBinaryRecordsRoundTrip) {
  Random rnd(RandomSeed());
  std::map<std::string, std::string> model;
  while (model.size() < 100000) {
    // Mostly binary keys, some empty or printable ones, values up to 64 bytes.
    std::string key = rnd.OneIn(10) ? RandomString(&rnd, rnd.Uniform(12))
                                    : RandomBytes(&rnd, 1 + rnd.Uniform(16));
    model[std::move(key)] = RandomBytes(&rnd, rnd.Skewed(6));
  }
  std::string tsv, jsonl;
  for (const auto& [k, v] : model) {
    tsv += TsvField(k) + "\t" + TsvField(v) + "\n";
    jsonl += "{" + JsonMember("key", k) + "," + JsonMember("value", v) + "}\n";
  }
  const std::string input = dir_.path() + "/in.tsv";
  WriteFile(input, tsv);

  // tsv from a file, back out as tsv and as JSON lines.
  CliResult r = RunCli({"load", "--db", db_, input});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "OK (100000 records)\n");
  r = RunCli({"export", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == tsv) << "tsv export differs from the input";
  r = RunCli({"export", "--db", db_, "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == jsonl) << "jsonl export differs";
  EXPECT_EQ(RunCli({"count", "--db", db_}).out, "100000\n");

  // JSON lines from stdin into a second database, back out as tsv.
  const std::string db2 = dir_.path() + "/db2";
  r = RunCli({"load", "--db", db2, "--format=jsonl"}, jsonl);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"export", "--db", db2});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == tsv) << "jsonl -> tsv differs";
}

TEST_F(LoadExportTest, LoadAcceptsLooseInput) {
  const std::string tsv =
      "\\x41\\x42\tupper \\x4A hex\r\n"  // non-canonical escapes, CRLF line end
      "\n"                               // blank line
      "sp ace\t\n"                       // empty value
      "q\t\\\"\\'\\ \\#\n";
  ASSERT_EQ(RunCli({"load", "--db", db_}, tsv).exit_code, 0);
  EXPECT_EQ(RunCli({"export", "--db", db_}).out, "AB\tupper J hex\nq\t\"' #\nsp ace\t\n");

  const std::string db2 = dir_.path() + "/db2";
  const std::string jsonl =
      "{\"value\": \"\\u20ac\", \"key\": \"caf\xc3\xa9\", \"id\": 1}\n"
      "  {\"key_base64\":\"/w==\",\"value\":\"\\n\"}  \n";
  CliResult r = RunCli({"load", "--db", db2, "--format", "jsonl"}, jsonl);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(RunCli({"export", "--db", db2}).out, "caf\\xc3\\xa9\t\\xe2\\x82\\xac\n\\xff\t\\n\n");
}

TEST_F(LoadExportTest, ABadLineStopsTheLoadBeforeItsBatch) {
  struct Case {
    const char* format;
    const char* bad_line;
    const char* reason;
  };
  const Case cases[] = {
      {"tsv", "no tab here", "no tab between key and value"},
      {"tsv", "a\tb\tc", "more than one tab"},
      {"tsv", "k\\q\tv", "key: unknown escape \\q"},
      {"tsv", "k\tv\\x1", "value: bad escape"},
      {"jsonl", "{\"key\": \"k\"}", "missing \"value\""},
      {"jsonl", "not json", "syntax error while parsing value"},
  };
  for (const Case& c : cases) {
    const std::string good =
        std::string(c.format) == "tsv"
            ? "a\t1\nb\t2\n"
            : "{\"key\": \"a\", \"value\": \"1\"}\n{\"key\": \"b\", \"value\": \"2\"}\n";
    const CliResult r =
        RunCli({"load", "--db", db_, "--format", c.format}, good + "\n" + c.bad_line + "\nz\t9\n");
    EXPECT_EQ(r.exit_code, 1) << c.bad_line;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("load: Invalid argument: <stdin>:4: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.reason), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("lsmdb: warning: nothing was loaded\n"), std::string::npos) << r.err;
    // The load created the database and wrote nothing: no empty database is left.
    EXPECT_FALSE(std::filesystem::exists(db_)) << c.bad_line;
  }
}

TEST_F(LoadExportTest, FullBatchesBeforeABadLineStay) {
  // ~3 MiB of records, then a bad line: the batches written before it stay, the last
  // one is not written.
  std::string input;
  const std::string value(1000, 'v');
  int lines = 0;
  while (input.size() < (size_t{3} << 20)) {
    char key[16];
    std::snprintf(key, sizeof(key), "k%06d", lines++);
    input += std::string(key) + "\t" + value + "\n";
  }
  input += "bad line\n";
  const CliResult r = RunCli({"load", "--db", db_}, input);
  EXPECT_EQ(r.exit_code, 1);
  const std::string count = RunCli({"count", "--db", db_}).out;
  const int loaded = std::stoi(count);
  EXPECT_GT(loaded, 0);
  EXPECT_LT(loaded, lines);
  // The message says which lines were loaded: exactly the first `loaded` records.
  const std::string said =
      std::to_string(loaded) + " records loaded before the error, from lines 1-";
  const size_t at = r.err.find(said);
  ASSERT_NE(at, std::string::npos) << r.err;
  EXPECT_EQ(std::stoi(r.err.substr(at + said.size())), loaded) << r.err;
  EXPECT_NE(r.err.find("; nothing after line " + std::to_string(loaded) + "\n"), std::string::npos)
      << r.err;
}

TEST_F(LoadExportTest, EdgeCasesOfTheInput) {
  // Empty input: said so, not "0 records".
  CliResult r = RunCli({"load", "--db", db_}, "");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "OK (no records: the input holds none)\n");
  // CRLF line ends, tsv and jsonl: the \r is not part of the value.
  r = RunCli({"load", "--db", db_}, "a\t1\r\nb\t2\r\n");
  EXPECT_EQ(r.out, "OK (2 records)\n") << r.err;
  r = RunCli({"load", "--db", db_, "--format", "jsonl"}, "{\"key\": \"c\", \"value\": \"3\"}\r\n");
  EXPECT_EQ(r.out, "OK (1 record)\n") << r.err;
  EXPECT_EQ(RunCli({"export", "--db", db_}).out, "a\t1\nb\t2\nc\t3\n");
  // A very long line: a 5 MiB value loads whole.
  const std::string big(5 << 20, 'v');
  r = RunCli({"load", "--db", db_}, "big\t" + big + "\n");
  EXPECT_EQ(r.out, "OK (1 record)\n") << r.err;
  EXPECT_EQ(RunCli({"get", "--db", db_, "--raw", "big"}).out, big);
  // A key over the limit: a clear error naming the line and the limit, and the records
  // already in the database stay.
  r = RunCli({"load", "--db", db_}, "d\t4\n" + std::string((8 << 20) + 1, 'k') + "\tv\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("<stdin>:2: key of 8388609 bytes, longer than 8 MiB"), std::string::npos)
      << r.err.substr(0, 200);
  EXPECT_NE(r.err.find("nothing was loaded"), std::string::npos) << r.err.substr(0, 200);
  EXPECT_EQ(RunCli({"count", "--db", db_}).out, "4\n");
  // A line without a separator in an existing database: it stays as it was.
  r = RunCli({"load", "--db", db_}, "e\t5\nno separator\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("<stdin>:2: no tab between key and value"), std::string::npos) << r.err;
  EXPECT_EQ(RunCli({"count", "--db", db_}).out, "4\n");
}

TEST_F(LoadExportTest, MissingInputFile) {
  const CliResult r = RunCli({"load", "--db", db_, dir_.path() + "/nope.tsv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope.tsv: No such file or directory"), std::string::npos) << r.err;
}

TEST_F(LoadExportTest, ExportToAFileAndNoProgressWhenNotATerminal) {
  ASSERT_EQ(RunCli({"load", "--db", db_}, "a\t1\nb\t2\n").exit_code, 0);
  const std::string out = dir_.path() + "/out.tsv";
  const CliResult r = RunCli({"export", "--db", db_, out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "OK (2 records)\n");
  EXPECT_EQ(r.err, "");  // no progress bar on a pipe
  FILE* f = std::fopen(out.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  char buf[64];
  const size_t n = std::fread(buf, 1, sizeof(buf), f);
  std::fclose(f);
  EXPECT_EQ(std::string(buf, n), "a\t1\nb\t2\n");
}

}  // namespace
}  // namespace lsmdb::test
