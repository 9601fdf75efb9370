// The fixture of the C API tests (tests/c_api_test.cc, tests/c_api_errors_test.cc): a
// database in a temporary directory, driven through include/lsmdb/c.h only.
#ifndef LSMDB_TESTS_UTIL_C_API_TEST_UTIL_H_
#define LSMDB_TESTS_UTIL_C_API_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>

#include "lsmdb/c.h"
#include "tests/util/test_util.h"

namespace lsmdb::test {

// Owns an error message of the C API.
struct CError {
  char* msg = nullptr;
  ~CError() { lsmdb_free(msg); }
  std::string str() const { return msg == nullptr ? "" : msg; }
  void clear() {
    lsmdb_free(msg);
    msg = nullptr;
  }
};

class CApiTest : public ::testing::Test {
 protected:
  CApiTest() : path_(dir_.path() + "/db") {
    options_ = lsmdb_options_create();
    lsmdb_options_set_create_if_missing(options_, 1);
    ro_ = lsmdb_readoptions_create();
    wo_ = lsmdb_writeoptions_create();
  }
  ~CApiTest() override {
    lsmdb_close(db_);
    lsmdb_options_destroy(options_);
    lsmdb_readoptions_destroy(ro_);
    lsmdb_writeoptions_destroy(wo_);
  }
  void Open() {
    CError err;
    db_ = lsmdb_open(options_, path_.c_str(), &err.msg);
    ASSERT_NE(db_, nullptr) << err.str();
    ASSERT_EQ(err.msg, nullptr);
  }
  void Close() {
    lsmdb_close(db_);
    db_ = nullptr;
  }
  void Put(const std::string& k, const std::string& v) {
    CError err;
    lsmdb_put(db_, wo_, k.data(), k.size(), v.data(), v.size(), &err.msg);
    ASSERT_EQ(err.msg, nullptr) << err.str();
  }
  // The value, "NOT_FOUND", or "ERROR: <message>".
  std::string Get(const std::string& k, const lsmdb_readoptions_t* ro = nullptr) {
    CError err;
    size_t len = 12345;
    char* v = lsmdb_get(db_, ro != nullptr ? ro : ro_, k.data(), k.size(), &len, &err.msg);
    if (err.msg != nullptr) {
      EXPECT_EQ(v, nullptr);
      return "ERROR: " + err.str();
    }
    if (v == nullptr) {
      EXPECT_EQ(len, 0u);
      return "NOT_FOUND";
    }
    EXPECT_EQ(v[len], '\0');
    std::string r(v, len);
    lsmdb_free(v);
    return r;
  }
  // "k=v " for each entry, forward.
  static std::string Scan(lsmdb_iterator_t* it) {
    std::string r;
    for (lsmdb_iter_seek_to_first(it); lsmdb_iter_valid(it); lsmdb_iter_next(it)) r += Entry(it);
    return r;
  }
  static std::string Entry(lsmdb_iterator_t* it) {
    size_t klen = 0, vlen = 0;
    const char* k = lsmdb_iter_key(it, &klen);
    const char* v = lsmdb_iter_value(it, &vlen);
    return std::string(k, klen) + "=" + std::string(v, vlen) + " ";
  }
  std::string Property(const char* name) {
    char* v = lsmdb_property_value(db_, name);
    if (v == nullptr) return "UNKNOWN";
    std::string r = v;
    lsmdb_free(v);
    return r;
  }

  TempDir dir_;
  std::string path_;
  lsmdb_options_t* options_;
  lsmdb_readoptions_t* ro_;
  lsmdb_writeoptions_t* wo_;
  lsmdb_t* db_ = nullptr;
};

}  // namespace lsmdb::test

#endif  // LSMDB_TESTS_UTIL_C_API_TEST_UTIL_H_
