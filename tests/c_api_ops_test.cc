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

}  // namespace
}  // namespace lsmdb::test
