// The C API of the operations functions: read-only opens, checkpoints and size
// estimates (include/lsmdb/c.h), through its functions only.
#include <gtest/gtest.h>

#include <string>

#include "lsmdb/c.h"
#include "tests/util/c_api_test_util.h"

namespace lsmdb::test {
namespace {

TEST_F(CApiTest, OpenForReadOnly) {
  Open();
  Put("a", "1");
  Put("b", "2");
  // Beside the writer: no lock is taken.
  CError err;
  lsmdb_t* ro = lsmdb_open_for_read_only(options_, path_.c_str(), &err.msg);
  ASSERT_NE(ro, nullptr) << err.str();
  std::swap(ro, db_);
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("b"), "2");
  lsmdb_put(db_, wo_, "c", 1, "3", 1, &err.msg);
  ASSERT_NE(err.msg, nullptr);
  EXPECT_NE(err.str().find("Not supported"), std::string::npos) << err.str();
  err.clear();
  lsmdb_flush(db_, &err.msg);
  EXPECT_NE(err.msg, nullptr);
  err.clear();
  std::swap(ro, db_);
  lsmdb_close(ro);

  lsmdb_t* none = lsmdb_open_for_read_only(options_, (path_ + "-missing").c_str(), &err.msg);
  EXPECT_EQ(none, nullptr);
  EXPECT_NE(err.msg, nullptr);
  err.clear();
  EXPECT_EQ(lsmdb_open_for_read_only(options_, nullptr, &err.msg), nullptr);
  EXPECT_NE(err.msg, nullptr);
}

TEST_F(CApiTest, CreateCheckpoint) {
  Open();
  Put("a", "1");
  lsmdb_flush(db_, nullptr);
  Put("b", "2");  // in the memtable only
  const std::string dir = dir_.path() + "/ckpt";
  CError err;
  lsmdb_create_checkpoint(db_, dir.c_str(), &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  Put("c", "3");  // after: not in the checkpoint
  // The target exists now: refused.
  lsmdb_create_checkpoint(db_, dir.c_str(), &err.msg);
  ASSERT_NE(err.msg, nullptr);
  EXPECT_NE(err.str().find("exists"), std::string::npos) << err.str();
  err.clear();
  lsmdb_create_checkpoint(db_, nullptr, &err.msg);
  EXPECT_NE(err.msg, nullptr);
  err.clear();
  lsmdb_create_checkpoint(nullptr, (dir + "2").c_str(), &err.msg);
  EXPECT_NE(err.msg, nullptr);
  err.clear();

  lsmdb_t* copy = lsmdb_open(options_, dir.c_str(), &err.msg);
  ASSERT_NE(copy, nullptr) << err.str();
  std::swap(copy, db_);
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("b"), "2");
  EXPECT_EQ(Get("c"), "NOT_FOUND");
  std::swap(copy, db_);
  lsmdb_close(copy);
}

}  // namespace
}  // namespace lsmdb::test
