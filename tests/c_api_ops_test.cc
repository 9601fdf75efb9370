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

TEST_F(CApiTest, MultiGet) {
  Open();
  Put("a", "1");
  Put("b", "");
  const char* keys[] = {"a", "missing", "b", "a"};
  const size_t keylens[] = {1, 7, 1, 1};
  char* values[4] = {};
  size_t vallens[4] = {9, 9, 9, 9};
  char* errs[4] = {};
  CError err;
  lsmdb_multi_get(db_, ro_, 4, keys, keylens, values, vallens, errs, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  ASSERT_NE(values[0], nullptr);
  EXPECT_EQ(std::string(values[0], vallens[0]), "1");
  EXPECT_EQ(values[1], nullptr);
  EXPECT_EQ(vallens[1], 0u);
  ASSERT_NE(values[2], nullptr);  // an empty value is found
  EXPECT_EQ(vallens[2], 0u);
  ASSERT_NE(values[3], nullptr);
  EXPECT_EQ(std::string(values[3], vallens[3]), "1");
  for (int i = 0; i < 4; i++) {
    EXPECT_EQ(errs[i], nullptr) << i;
    lsmdb_free(values[i]);
  }
  lsmdb_multi_get(db_, ro_, 1, keys, keylens, nullptr, vallens, errs, &err.msg);
  EXPECT_NE(err.msg, nullptr);
  err.clear();
  lsmdb_multi_get(nullptr, ro_, 1, keys, keylens, values, vallens, errs, &err.msg);
  EXPECT_NE(err.msg, nullptr);
  err.clear();
  lsmdb_multi_get(db_, ro_, 0, nullptr, nullptr, nullptr, nullptr, nullptr, &err.msg);
  EXPECT_EQ(err.msg, nullptr) << err.str();
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

TEST_F(CApiTest, ApproximateSizes) {
  Open();
  Random rnd(42);  // incompressible values
  for (int i = 0; i < 100; i++) Put("k" + std::to_string(100 + i), RandomBytes(&rnd, 2000));
  const char* starts[2] = {"k100", "z"};
  const char* limits[2] = {"k200", "zz"};
  const size_t starts_len[2] = {4, 1};
  const size_t limits_len[2] = {4, 2};
  uint64_t sizes[2] = {7, 7};
  CError err;
  lsmdb_approximate_sizes(db_, 2, starts, starts_len, limits, limits_len, sizes, 0, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(sizes[0], 0u);  // all in the memtable
  lsmdb_approximate_sizes(db_, 2, starts, starts_len, limits, limits_len, sizes, 1, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_GE(sizes[0], 100u * 2000);
  EXPECT_EQ(sizes[1], 0u);
  uint64_t count = 0, size = 0;
  lsmdb_approximate_memtable_stats(db_, "k100", 4, "k150", 4, &count, &size);
  EXPECT_EQ(count, 50u);
  EXPECT_GE(size, 50u * 2000);
  lsmdb_flush(db_, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  lsmdb_approximate_sizes(db_, 2, starts, starts_len, limits, limits_len, sizes, 0, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_GE(sizes[0], 100u * 2000 * 9 / 10);
  EXPECT_EQ(sizes[1], 0u);
  lsmdb_approximate_sizes(db_, 1, nullptr, starts_len, limits, limits_len, sizes, 0, &err.msg);
  EXPECT_NE(err.msg, nullptr);
  err.clear();
  lsmdb_approximate_memtable_stats(nullptr, "a", 1, "b", 1, &count, &size);
  EXPECT_EQ(count, 0u);
}

}  // namespace
}  // namespace lsmdb::test
