// RespParser, SplitInlineArgs, ReplyWriter and the strict number parsers.
#include "resp.h"

#include <gtest/gtest.h>

#include "util_text.h"

namespace lsmdb::server {
namespace {

using Args = std::vector<std::string>;

// Feeds data one byte at a time; returns the commands and the error (if any).
std::pair<std::vector<Args>, std::string> ParseAll(std::string_view data, size_t step) {
  RespParser p{RespLimits{}};
  std::string buf;
  std::vector<Args> cmds;
  std::string err;
  for (size_t i = 0; i < data.size(); i += step) {
    buf.append(data.substr(i, step));
    while (true) {
      size_t used = 0;
      Args a;
      auto r = p.Parse(buf, &used, &a, &err);
      buf.erase(0, used);
      if (r == RespParser::Result::kError) return {cmds, err};
      if (r == RespParser::Result::kCommand) {
        cmds.push_back(a);
        continue;
      }
      if (used == 0) break;
    }
  }
  return {cmds, err};
}

TEST(RespParser, MultibulkAndInlineInAnyChunking) {
  std::string data = "*2\r\n$3\r\nGET\r\n$0\r\n\r\nPING\r\n*0\r\n\r\nSET a \"b c\"\n";
  for (size_t step : {1, 2, 3, 7, 100}) {
    auto [cmds, err] = ParseAll(data, step);
    EXPECT_EQ(err, "");
    ASSERT_EQ(cmds.size(), 3u) << step;
    EXPECT_EQ(cmds[0], (Args{"GET", ""}));
    EXPECT_EQ(cmds[1], (Args{"PING"}));
    EXPECT_EQ(cmds[2], (Args{"SET", "a", "b c"}));
  }
}

TEST(RespParser, ProtocolErrors) {
  EXPECT_EQ(ParseAll("*x\r\n", 100).second, "ERR Protocol error: invalid multibulk length");
  EXPECT_EQ(ParseAll("*1\r\n$-1\r\n", 100).second, "ERR Protocol error: invalid bulk length");
  EXPECT_EQ(ParseAll("*1\r\n+x\r\n", 100).second, "ERR Protocol error: expected '$', got '+'");
  EXPECT_EQ(ParseAll("GET \"a\n", 100).second, "ERR Protocol error: unbalanced quotes in request");
  EXPECT_EQ(ParseAll(std::string(70000, 'a'), 1000).second,
            "ERR Protocol error: too big inline request");
}

TEST(RespParser, NulEndsAnInlineLine) {
  auto [cmds, err] = ParseAll(std::string("GET a\0b c\r\nPING\r\n", 17), 1);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0], (Args{"GET", "a"}));
}

TEST(SplitInlineArgs, Quotes) {
  Args a;
  ASSERT_TRUE(SplitInlineArgs("a \"\\x41\\n\" 'it\\'s'", &a));
  EXPECT_EQ(a, (Args{"a", "A\n", "it's"}));
  EXPECT_FALSE(SplitInlineArgs("\"a\"b", &a));
  EXPECT_FALSE(SplitInlineArgs("'a", &a));
}

TEST(ReplyWriter, Resp2AndResp3) {
  std::string out;
  ReplyWriter w2(&out, 2);
  w2.Null();
  w2.Map(1);
  EXPECT_EQ(out, "$-1\r\n*2\r\n");
  out.clear();
  ReplyWriter w3(&out, 3);
  w3.Null();
  w3.Map(1);
  w3.Error("ERR a\r\nb");
  EXPECT_EQ(out, "_\r\n%1\r\n-ERR a  b\r\n");
}

TEST(ParseStrictInt64, AsRedis) {
  int64_t v = 0;
  EXPECT_TRUE(ParseStrictInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(ParseStrictInt64("9223372036854775808", &v));
  EXPECT_FALSE(ParseStrictInt64("01", &v));
  EXPECT_FALSE(ParseStrictInt64("+1", &v));
  EXPECT_FALSE(ParseStrictInt64(" 1", &v));
  EXPECT_FALSE(ParseStrictInt64("-0", &v));
  EXPECT_FALSE(ParseStrictInt64("", &v));
}

TEST(GlobMatch, Patterns) {
  EXPECT_TRUE(GlobMatch("h*llo", "heeello"));
  EXPECT_TRUE(GlobMatch("h?llo", "hallo"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h\\*", "h*"));
  EXPECT_FALSE(GlobMatch("a*b", "acbd"));
}

TEST(FormatDouble, HumanFriendly) {
  EXPECT_EQ(FormatDouble(10.5L, true), "10.5");
  EXPECT_EQ(FormatDouble(3.0L, true), "3");
  EXPECT_EQ(FormatDouble(5000.0L, true), "5000");
}

}  // namespace
}  // namespace lsmdb::server
