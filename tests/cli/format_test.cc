// Unit tests of the CLI's text formats: escapes, the shell's tokenizer, JSON lines and
// the progress line. Compiled from the tool's sources (tools/lsmdb).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "args.h"
#include "escape.h"
#include "json_lines.h"
#include "progress.h"
#include "suggest.h"
#include "tests/util/test_util.h"

namespace lsmdb::cli {
namespace {

std::vector<std::string> Texts(const std::string& line) {
  std::vector<Token> tokens;
  std::string error;
  EXPECT_TRUE(Tokenize(line, &tokens, &error)) << line << ": " << error;
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.text);
  return out;
}

std::string TokenizeError(const std::string& line) {
  std::vector<Token> tokens;
  std::string error;
  EXPECT_FALSE(Tokenize(line, &tokens, &error)) << line;
  return error;
}

TEST(EscapeTest, CanonicalForm) {
  EXPECT_EQ(Escape("plain text ~!"), "plain text ~!");
  EXPECT_EQ(Escape(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(Escape("\t\n\r\\\""), "\\t\\n\\r\\\\\"");
  EXPECT_EQ(Escape("\x7f\x80\xff"), "\\x7f\\x80\\xff");
  for (int c = 0; c < 256; ++c) {
    const std::string e = Escape(std::string(1, static_cast<char>(c)));
    EXPECT_EQ(e.find_first_of("\t\n"), std::string::npos) << c;
    for (char x : e) EXPECT_TRUE(x >= 0x20 && x < 0x7f) << c;
  }
}

TEST(EscapeTest, RandomRoundTrip) {
  Random rnd(test::RandomSeed());
  for (int i = 0; i < 2000; ++i) {
    const std::string bytes = test::RandomBytes(&rnd, rnd.Uniform(40));
    std::string back, error;
    ASSERT_TRUE(Unescape(Escape(bytes), &back, &error)) << error;
    ASSERT_EQ(back, bytes);
  }
}

TEST(EscapeTest, UnescapeAcceptsMoreAndRejectsTypos) {
  std::string out, error;
  ASSERT_TRUE(Unescape("\\x41\\x4A\\0\\\"\\'\\ \\#", &out, &error)) << error;
  EXPECT_EQ(out, std::string("AJ\0\"' #", 7));
  EXPECT_FALSE(Unescape("a\\q", &out, &error));
  EXPECT_NE(error.find("\\q"), std::string::npos) << error;
  EXPECT_FALSE(Unescape("\\x4", &out, &error));
  EXPECT_FALSE(Unescape("\\xg0", &out, &error));
  EXPECT_FALSE(Unescape("end\\", &out, &error));
  EXPECT_EQ(error, "trailing backslash");
}

TEST(TokenizeTest, QuotesAndEscapes) {
  EXPECT_EQ(Texts("  put  k   v "), (std::vector<std::string>{"put", "k", "v"}));
  EXPECT_EQ(Texts("put \"a b\" 'c d'"), (std::vector<std::string>{"put", "a b", "c d"}));
  EXPECT_EQ(Texts("a\\ b"), (std::vector<std::string>{"a b"}));
  EXPECT_EQ(Texts("k\\x00\\xff"), (std::vector<std::string>{std::string("k\0\xff", 3)}));
  EXPECT_EQ(Texts("\"x\\ty\\n\\\"\\\\\""), (std::vector<std::string>{"x\ty\n\"\\"}));
  EXPECT_EQ(Texts("'no \\n escapes'"), (std::vector<std::string>{"no \\n escapes"}));
  EXPECT_EQ(Texts("a\"b c\"d"), (std::vector<std::string>{"ab cd"}));
  EXPECT_EQ(Texts("put \"\" ''"), (std::vector<std::string>{"put", "", ""}));
  // '#' starts a comment only at the start of a line.
  EXPECT_EQ(Texts("put color #ff0000"), (std::vector<std::string>{"put", "color", "#ff0000"}));
  EXPECT_EQ(Texts("get k # more"), (std::vector<std::string>{"get", "k", "#", "more"}));
  EXPECT_EQ(Texts("get k#not-a-comment"), (std::vector<std::string>{"get", "k#not-a-comment"}));
  EXPECT_TRUE(Texts("   # only a comment").empty());
  EXPECT_TRUE(Texts("").empty());
}

TEST(TokenizeTest, LiteralTokensAreNeverOptions) {
  std::vector<Token> tokens;
  std::string error;
  ASSERT_TRUE(Tokenize("scan --limit \"--limit\" \\-\\-x", &tokens, &error));
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_TRUE(IsOption(tokens[1]));
  EXPECT_FALSE(IsOption(tokens[2]));
  EXPECT_EQ(tokens[2].text, "--limit");
  EXPECT_FALSE(IsOption(tokens[3]));
}

TEST(TokenizeTest, Errors) {
  EXPECT_EQ(TokenizeError("put \"a b"), "unterminated \" quote");
  EXPECT_EQ(TokenizeError("put 'a b"), "unterminated ' quote");
  EXPECT_EQ(TokenizeError("put a\\"), "trailing backslash");
  EXPECT_NE(TokenizeError("put \\z").find("unknown escape"), std::string::npos);
}

TEST(ArgvTest, ArgumentsAreLiteralBytes) {
  std::string a0 = "k\\x00", a1 = "C:\\dir", a2 = "{\"m\":\"a\\nb\"}", a3 = "--limit";
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data()};
  const std::vector<Token> tokens = ArgvToTokens(4, argv);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].text, "k\\x00");
  EXPECT_EQ(tokens[1].text, "C:\\dir");
  EXPECT_EQ(tokens[2].text, "{\"m\":\"a\\nb\"}");
  EXPECT_TRUE(IsOption(tokens[3]));
}

TEST(EscapeTest, TextKeepsPrintableUtf8) {
  std::string out;
  AppendText("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", &out);
  EXPECT_EQ(out, "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  // Not UTF-8, overlong, a surrogate, C1 controls, invisible marks: escaped byte by byte.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\xff", "\\xff"},          {"\xc3", "\\xc3"},
      {"\xc0\xaf", "\\xc0\\xaf"}, {"\xed\xa0\x80", "\\xed\\xa0\\x80"},
      {"\xc2\x85", "\\xc2\\x85"}, {"\xe2\x80\xae", "\\xe2\\x80\\xae"},
      {"a\tb\\", "a\\tb\\\\"},
  };
  for (const auto& [in, want] : cases) {
    out.clear();
    AppendText(in, &out);
    EXPECT_EQ(out, want) << Escape(in);
  }
  Random rnd(test::RandomSeed());
  for (int i = 0; i < 2000; ++i) {
    const std::string bytes = test::RandomBytes(&rnd, rnd.Uniform(40));
    std::string text, back, error;
    AppendText(bytes, &text);
    ASSERT_TRUE(Unescape(text, &back, &error)) << error;
    ASSERT_EQ(back, bytes);
  }
}

TEST(EscapeTest, Hex) {
  std::string out;
  AppendHex(std::string("\x00\xff"
                        "A",
                        3),
            &out);
  EXPECT_EQ(out, "00ff41");
  ASSERT_TRUE(DecodeHex("00FFa1", &out));
  EXPECT_EQ(out, std::string("\x00\xff\xa1", 3));
  EXPECT_FALSE(DecodeHex("abc", &out));
  EXPECT_FALSE(DecodeHex("zz", &out));
}

TEST(SuggestTest, NearestCommand) {
  const std::vector<std::string_view> names = {"get", "put", "scan", "stats", "compact", "export"};
  EXPECT_EQ(Nearest("stat", names), "stats");
  EXPECT_EQ(Nearest("cmopact", names), "compact");
  EXPECT_EQ(Nearest("exprot", names), "export");
  EXPECT_EQ(Nearest("scna", names), "scan");
  EXPECT_EQ(Nearest("GTE", names), "get");
  EXPECT_EQ(Nearest("no-such-command", names), "");
  EXPECT_EQ(Nearest("x", names), "");
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(JsonLinesTest, RandomRoundTrip) {
  Random rnd(test::RandomSeed());
  for (int i = 0; i < 2000; ++i) {
    const std::string key = test::RandomBytes(&rnd, rnd.Uniform(30));
    const std::string value = test::RandomBytes(&rnd, rnd.Uniform(30));
    std::string line, k, v, error;
    AppendJsonRecord(key, value, &line);
    ASSERT_EQ(line.back(), '\n');
    line.pop_back();
    ASSERT_TRUE(ParseJsonRecord(line, &k, &v, &error)) << line << ": " << error;
    ASSERT_EQ(k, key);
    ASSERT_EQ(v, value);
  }
}

TEST(JsonLinesTest, Format) {
  std::string line;
  AppendJsonRecord("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87", std::string("a\"\\\0\n", 5), &line);
  EXPECT_EQ(line,
            "{\"key\":\"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\",\"value\":\"a\\\"\\\\\\u0000\\n\"}\n");
  line.clear();
  AppendJsonRecord("caf\xe9", "\xff\xfe\xfd", &line);  // not UTF-8: base64
  EXPECT_EQ(line, "{\"key_base64\":\"Y2Fm6Q==\",\"value_base64\":\"//79\"}\n");
}

TEST(JsonLinesTest, ParsesJsonFromOtherTools) {
  std::string k, v, error;
  const char* line = R"( { "id": 7, "value" : "\u20ac\ud83d\ude00\/\b", "ok": true, )"
                     R"("key":"caf\u00e9", "n": null, "tags": [1, {"a": 2}] } )";
  ASSERT_TRUE(ParseJsonRecord(line, &k, &v, &error)) << error;
  EXPECT_EQ(k, "caf\xc3\xa9");  // standard JSON: U+00E9 is its UTF-8
  EXPECT_EQ(v, "\xe2\x82\xac\xf0\x9f\x98\x80/\b");
  ASSERT_TRUE(ParseJsonRecord("{\"key\": \"\\u043f\", \"value\": \"\"}", &k, &v, &error));
  EXPECT_EQ(k, "\xd0\xbf");
  ASSERT_TRUE(ParseJsonRecord("{\"key_base64\": \"AP8=\", \"value\": \"x\"}", &k, &v, &error));
  EXPECT_EQ(k, std::string("\0\xff", 2));
}

TEST(JsonLinesTest, Errors) {
  const char* bad[] = {
      "",
      "[1]",
      "{\"key\": \"k\"}",
      "{\"value\": \"v\"}",
      "{\"key\": \"k\", \"value\": \"v\"",
      "{\"key\": \"k\", \"value\": \"v\"} x",
      "{\"key\": \"k\", \"key\": \"k\", \"value\": \"v\"}",
      "{\"key\": 1, \"value\": \"v\"}",
      "{\"key\": \"\\x41\", \"value\": \"v\"}",
      "{\"key\": \"\\u12\", \"value\": \"v\"}",
      "{\"key\": \"\\ud800\", \"value\": \"v\"}",
      "{\"key\": \"a\tb\", \"value\": \"v\"}",
      "{\"key\": \"\xff\", \"value\": \"v\"}",
      "{\"key\": \"k\", \"key_base64\": \"aw==\", \"value\": \"v\"}",
      "{\"key_base64\": \"a\", \"value\": \"v\"}",
      "{\"key_base64\": \"a*==\", \"value\": \"v\"}",
  };
  for (const char* line : bad) {
    std::string k, v, error;
    EXPECT_FALSE(ParseJsonRecord(line, &k, &v, &error)) << line;
    EXPECT_FALSE(error.empty()) << line;
  }
}

TEST(ProgressTest, Format) {
  const std::string with_total = Progress::Format("load", 1000, 250, 10, 1.0);
  EXPECT_NE(with_total.find("[######..................]"), std::string::npos) << with_total;
  EXPECT_NE(with_total.find(" 25%"), std::string::npos) << with_total;
  EXPECT_NE(with_total.find("250 B/s"), std::string::npos) << with_total;
  EXPECT_NE(with_total.find("ETA 0:03"), std::string::npos) << with_total;
  const std::string without = Progress::Format("export", 0, 3 << 20, 20000, 2.0);
  EXPECT_NE(without.find("3.0 MiB"), std::string::npos) << without;
  EXPECT_NE(without.find("20.0k records"), std::string::npos) << without;
  EXPECT_EQ(without.find("ETA"), std::string::npos) << without;
}

}  // namespace
}  // namespace lsmdb::cli
