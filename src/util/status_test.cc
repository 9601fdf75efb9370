#include "lsmdb/status.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace lsmdb {
namespace {

TEST(StatusTest, OkHasNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(Status::Code::kOk, s.code());
  EXPECT_EQ("", s.message());
  EXPECT_EQ("OK", s.ToString());
  EXPECT_TRUE(Status::OK().ok());
}

TEST(StatusTest, CodesPredicatesAndMessages) {
  Status c = Status::Corruption("000007.sst", "bad block");
  EXPECT_TRUE(c.IsCorruption());
  EXPECT_FALSE(c.ok());
  EXPECT_EQ("000007.sst: bad block", c.message());
  EXPECT_EQ("Corruption: 000007.sst: bad block", c.ToString());
  EXPECT_EQ("NotFound", Status::NotFound("").ToString());  // a bare code
  EXPECT_TRUE(Status::NoSpace("disk").IsIOError());        // a full device is an I/O error
  EXPECT_TRUE(Status::NoSpace("disk").IsNoSpace());
  EXPECT_FALSE(Status::IOError("disk").IsNoSpace());
  EXPECT_TRUE(Status::InvalidArgument("x").IsInvalidArgument());
  EXPECT_TRUE(Status::NotSupported("x").IsNotSupported());
  EXPECT_TRUE(Status::Busy("x").IsBusy());
  EXPECT_TRUE(Status::Aborted("x").IsAborted());
}

TEST(StatusTest, CopiesAndMovesKeepCodeAndMessage) {
  Status a = Status::IOError("path", "EIO");
  Status b = a;
  EXPECT_EQ(a.ToString(), b.ToString());
  Status c;
  c = b;
  EXPECT_EQ("IO error: path: EIO", c.ToString());
  const Status& same = c;
  c = same;  // self-assignment keeps it
  EXPECT_EQ("IO error: path: EIO", c.ToString());
  Status d = std::move(c);
  EXPECT_EQ("IO error: path: EIO", d.ToString());
  d = Status::OK();
  EXPECT_TRUE(d.ok());
}

TEST(StatusTest, WithPrefixKeepsTheCodeAndAddsContext) {
  const Status codes[] = {Status::NotFound("k"),     Status::Corruption("k"),
                          Status::NotSupported("k"), Status::InvalidArgument("k"),
                          Status::IOError("k"),      Status::Busy("k"),
                          Status::NoSpace("k"),      Status::Aborted("k")};
  for (const Status& s : codes) {
    Status p = s.WithPrefix("flush failed");
    EXPECT_EQ(s.code(), p.code()) << s.ToString();
    EXPECT_EQ("flush failed: k", p.message());
  }
  EXPECT_EQ("IO error (no space left): compaction failed: 000009.sst: ENOSPC",
            Status::NoSpace("000009.sst", "ENOSPC").WithPrefix("compaction failed").ToString());
  EXPECT_TRUE(Status::OK().WithPrefix("anything").ok());
  EXPECT_EQ("Corruption: ctx", Status::Corruption("").WithPrefix("ctx").ToString());
}

}  // namespace
}  // namespace lsmdb
