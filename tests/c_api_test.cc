// The C API (include/lsmdb/c.h) through its functions only: results, the error
// convention, NULL arguments, ownership of returned memory (ASan checks the frees).
#include "lsmdb/c.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tests/util/test_util.h"

namespace {

// Owns an error message of the C API.
struct Error {
  char* msg = nullptr;
  ~Error() { lsmdb_free(msg); }
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
    Error err;
    db_ = lsmdb_open(options_, path_.c_str(), &err.msg);
    ASSERT_NE(db_, nullptr) << err.str();
    ASSERT_EQ(err.msg, nullptr);
  }
  void Close() {
    lsmdb_close(db_);
    db_ = nullptr;
  }
  void Put(const std::string& k, const std::string& v) {
    Error err;
    lsmdb_put(db_, wo_, k.data(), k.size(), v.data(), v.size(), &err.msg);
    ASSERT_EQ(err.msg, nullptr) << err.str();
  }
  // The value, "NOT_FOUND", or "ERROR: <message>".
  std::string Get(const std::string& k, const lsmdb_readoptions_t* ro = nullptr) {
    Error err;
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

  lsmdb::test::TempDir dir_;
  std::string path_;
  lsmdb_options_t* options_;
  lsmdb_readoptions_t* ro_;
  lsmdb_writeoptions_t* wo_;
  lsmdb_t* db_ = nullptr;
};

TEST_F(CApiTest, Version) {
  EXPECT_STREQ(lsmdb_version(), (std::to_string(lsmdb_major_version()) + "." +
                                 std::to_string(lsmdb_minor_version()) + ".0")
                                    .c_str());
}

TEST_F(CApiTest, PutGetDeleteAndReopen) {
  Open();
  Put("a", "1");
  Put(std::string("b\0b", 3), std::string("x\0y", 3));
  Put("", "empty-key");
  Put("e", "");
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get(std::string("b\0b", 3)), std::string("x\0y", 3));
  EXPECT_EQ(Get(""), "empty-key");
  EXPECT_EQ(Get("e"), "");  // found, empty: not NOT_FOUND
  EXPECT_EQ(Get("missing"), "NOT_FOUND");

  Error err;
  lsmdb_delete(db_, wo_, "a", 1, &err.msg);
  EXPECT_EQ(err.msg, nullptr);
  lsmdb_delete(db_, wo_, "never-there", 11, &err.msg);  // OK too
  EXPECT_EQ(err.msg, nullptr);
  EXPECT_EQ(Get("a"), "NOT_FOUND");

  lsmdb_writeoptions_set_sync(wo_, 1);
  Put("s", "synced");
  Close();
  Open();
  EXPECT_EQ(Get("s"), "synced");
  EXPECT_EQ(Get("a"), "NOT_FOUND");
  EXPECT_EQ(Get(std::string("b\0b", 3)), std::string("x\0y", 3));
}

TEST_F(CApiTest, ErrorReplacesPreviousMessageAndSuccessLeavesIt) {
  Open();
  Error err;
  err.msg = static_cast<char*>(std::malloc(4));
  std::strcpy(err.msg, "old");
  lsmdb_put(db_, wo_, nullptr, 3, "v", 1, &err.msg);  // the old message is freed (ASan)
  EXPECT_EQ(err.str(), "Invalid argument: key is NULL with a non-zero length");
  char* before = err.msg;
  lsmdb_put(db_, wo_, "k", 1, "v", 1, &err.msg);
  EXPECT_EQ(err.msg, before);  // success leaves *errptr alone
  lsmdb_put(db_, wo_, "k", 1, "v", 1, nullptr);  // a NULL errptr is allowed
  lsmdb_put(db_, wo_, nullptr, 1, "v", 1, nullptr);
  EXPECT_EQ(Get("k"), "v");
}

TEST_F(CApiTest, OpenErrors) {
  Error err;
  lsmdb_options_set_create_if_missing(options_, 0);
  EXPECT_EQ(lsmdb_open(options_, path_.c_str(), &err.msg), nullptr);
  EXPECT_NE(err.str().find("Invalid argument"), std::string::npos) << err.str();
  err.clear();

  lsmdb_options_set_create_if_missing(options_, 1);
  Open();
  Close();
  lsmdb_options_set_error_if_exists(options_, 1);
  EXPECT_EQ(lsmdb_open(options_, path_.c_str(), &err.msg), nullptr);
  EXPECT_NE(err.str().find("Invalid argument"), std::string::npos) << err.str();
  err.clear();

  lsmdb_options_set_error_if_exists(options_, 0);
  Open();
  lsmdb_t* second = lsmdb_open(options_, path_.c_str(), &err.msg);  // locked
  EXPECT_EQ(second, nullptr);
  EXPECT_NE(err.str().find("IO error"), std::string::npos) << err.str();
}

// Each setter stores into its own field: a bad value is reported naming that field.
TEST_F(CApiTest, EveryBadOptionIsNamed) {
  struct Case {
    const char* name;
    std::function<void(lsmdb_options_t*)> set;
  };
  const std::vector<Case> cases = {
      {"write_buffer_size", [](auto* o) { lsmdb_options_set_write_buffer_size(o, 1); }},
      {"max_write_buffer_number",
       [](auto* o) { lsmdb_options_set_max_write_buffer_number(o, 1); }},
      {"block_size", [](auto* o) { lsmdb_options_set_block_size(o, 1); }},
      {"block_restart_interval", [](auto* o) { lsmdb_options_set_block_restart_interval(o, 0); }},
      {"bloom_bits_per_key", [](auto* o) { lsmdb_options_set_bloom_bits_per_key(o, 65); }},
      {"compression", [](auto* o) { lsmdb_options_set_compression(o, 9); }},
      {"compression", [](auto* o) { lsmdb_options_set_compression(o, 256); }},  // no wrap to 0
      {"zstd_level", [](auto* o) { lsmdb_options_set_zstd_level(o, 0); }},
      {"max_open_files", [](auto* o) { lsmdb_options_set_max_open_files(o, 1); }},
      {"num_levels", [](auto* o) { lsmdb_options_set_num_levels(o, 1); }},
      {"target_file_size", [](auto* o) { lsmdb_options_set_target_file_size(o, 1); }},
      {"level0_file_num_compaction_trigger",
       [](auto* o) { lsmdb_options_set_level0_file_num_compaction_trigger(o, 0); }},
      {"level0_slowdown_writes_trigger",
       [](auto* o) { lsmdb_options_set_level0_slowdown_writes_trigger(o, 1); }},
      {"level0_stop_writes_trigger",
       [](auto* o) { lsmdb_options_set_level0_stop_writes_trigger(o, 1); }},
      {"max_bytes_for_level_base",
       [](auto* o) { lsmdb_options_set_max_bytes_for_level_base(o, 1); }},
      {"max_bytes_for_level_multiplier",
       [](auto* o) { lsmdb_options_set_max_bytes_for_level_multiplier(o, 1.5); }},
      {"max_background_jobs", [](auto* o) { lsmdb_options_set_max_background_jobs(o, 0); }},
      {"max_subcompactions", [](auto* o) { lsmdb_options_set_max_subcompactions(o, 65); }},
      {"wal_recovery_mode", [](auto* o) { lsmdb_options_set_wal_recovery_mode(o, 3); }},
      {"wal_recovery_mode", [](auto* o) { lsmdb_options_set_wal_recovery_mode(o, -1); }},
      {"max_manifest_file_size", [](auto* o) { lsmdb_options_set_max_manifest_file_size(o, 1); }},
      {"max_bgerror_resume_count",
       [](auto* o) { lsmdb_options_set_max_bgerror_resume_count(o, -1); }},
      {"bgerror_resume_retry_interval",
       [](auto* o) { lsmdb_options_set_bgerror_resume_retry_interval(o, 0); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    lsmdb_options_t* o = lsmdb_options_create();
    lsmdb_options_set_create_if_missing(o, 1);
    c.set(o);
    Error err;
    EXPECT_EQ(lsmdb_open(o, path_.c_str(), &err.msg), nullptr);
    EXPECT_EQ(err.str().rfind("Invalid argument: ", 0), 0u) << err.str();
    EXPECT_NE(err.str().find(std::string("Options::") + c.name + " "), std::string::npos)
        << err.str();
    // Repair checks the options the same way.
    err.clear();
    lsmdb_repair_db(o, path_.c_str(), &err.msg);
    EXPECT_NE(err.str().find(std::string("Options::") + c.name + " "), std::string::npos)
        << err.str();
    lsmdb_options_destroy(o);
  }
}

TEST_F(CApiTest, NonDefaultValidOptionsOpenAndWork) {
  lsmdb_options_set_paranoid_checks(options_, 1);
  lsmdb_options_set_write_buffer_size(options_, 1 << 20);
  lsmdb_options_set_max_write_buffer_number(options_, 3);
  lsmdb_options_set_block_size(options_, 1024);
  lsmdb_options_set_block_restart_interval(options_, 8);
  lsmdb_options_set_block_cache_capacity(options_, 0);
  lsmdb_options_set_bloom_bits_per_key(options_, 0);
  lsmdb_options_set_compression(options_, LSMDB_COMPRESSION_ZSTD);
  lsmdb_options_set_zstd_level(options_, 5);
  lsmdb_options_set_max_open_files(options_, 64);
  lsmdb_options_set_num_levels(options_, 4);
  lsmdb_options_set_target_file_size(options_, 256 << 10);
  lsmdb_options_set_level0_file_num_compaction_trigger(options_, 2);
  lsmdb_options_set_level0_slowdown_writes_trigger(options_, 8);
  lsmdb_options_set_level0_stop_writes_trigger(options_, 12);
  lsmdb_options_set_max_bytes_for_level_base(options_, 4 << 20);
  lsmdb_options_set_max_bytes_for_level_multiplier(options_, 8);
  lsmdb_options_set_level_compaction_dynamic_level_bytes(options_, 1);
  lsmdb_options_set_max_background_jobs(options_, 3);
  lsmdb_options_set_max_subcompactions(options_, 2);
  lsmdb_options_set_wal_recovery_mode(options_, LSMDB_WAL_ABSOLUTE_CONSISTENCY);
  lsmdb_options_set_max_manifest_file_size(options_, 1 << 20);
  lsmdb_options_set_max_bgerror_resume_count(options_, 0);
  lsmdb_options_set_bgerror_resume_retry_interval(options_, 1000);
  Open();
  lsmdb_readoptions_set_verify_checksums(ro_, 0);
  lsmdb_readoptions_set_fill_cache(ro_, 0);
  for (int i = 0; i < 100; i++) Put("k" + std::to_string(i), std::string(100, 'v'));
  Error err;
  lsmdb_flush(db_, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Get("k42"), std::string(100, 'v'));
  Close();
  Open();  // the same options reopen it (WAL recovery mode included)
  EXPECT_EQ(Get("k99"), std::string(100, 'v'));
}

TEST_F(CApiTest, WriteOptionsConflictIsAnError) {
  Open();
  lsmdb_writeoptions_set_sync(wo_, 1);
  lsmdb_writeoptions_set_disable_wal(wo_, 1);
  Error err;
  lsmdb_put(db_, wo_, "k", 1, "v", 1, &err.msg);
  EXPECT_NE(err.str().find("Invalid argument"), std::string::npos) << err.str();
  lsmdb_writeoptions_set_sync(wo_, 0);
  err.clear();
  lsmdb_put(db_, wo_, "k", 1, "v", 1, &err.msg);  // disable_wal alone is fine
  EXPECT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Get("k"), "v");
}

TEST_F(CApiTest, WriteBatch) {
  Open();
  Put("gone", "x");
  lsmdb_writebatch_t* b = lsmdb_writebatch_create();
  EXPECT_EQ(lsmdb_writebatch_count(b), 0u);
  lsmdb_writebatch_put(b, "dropped", 7, "x", 1);
  lsmdb_writebatch_clear(b);
  EXPECT_EQ(lsmdb_writebatch_count(b), 0u);
  for (char c = 'a'; c <= 'f'; c++) lsmdb_writebatch_put(b, &c, 1, &c, 1);
  lsmdb_writebatch_delete(b, "c", 1);
  lsmdb_writebatch_put(b, "d", 1, "D", 1);  // later updates win
  lsmdb_writebatch_delete(b, "gone", 4);
  EXPECT_EQ(lsmdb_writebatch_count(b), 9u);
  Error err;
  lsmdb_write(db_, wo_, b, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  lsmdb_writebatch_destroy(b);

  lsmdb_iterator_t* it = lsmdb_create_iterator(db_, ro_);
  ASSERT_NE(it, nullptr);
  EXPECT_EQ(Scan(it), "a=a b=b d=D e=e f=f ");
  lsmdb_iter_get_error(it, &err.msg);
  EXPECT_EQ(err.msg, nullptr);
  lsmdb_iter_destroy(it);
  EXPECT_EQ(Get("dropped"), "NOT_FOUND");
}

TEST_F(CApiTest, BadBatchIsRejectedWhole) {
  Open();
  lsmdb_writebatch_t* b = lsmdb_writebatch_create();
  lsmdb_writebatch_put(b, "a", 1, "1", 1);
  lsmdb_writebatch_put(b, "b", 1, nullptr, 5);
  lsmdb_writebatch_put(b, "c", 1, "3", 1);
  Error err;
  lsmdb_write(db_, wo_, b, &err.msg);
  EXPECT_NE(err.str().find("val is NULL"), std::string::npos) << err.str();
  EXPECT_EQ(Get("a"), "NOT_FOUND");
  lsmdb_writebatch_clear(b);  // forgets the error too
  lsmdb_writebatch_delete(b, nullptr, 0);  // the empty key
  lsmdb_writebatch_put(b, "a", 1, "1", 1);
  err.clear();
  lsmdb_write(db_, wo_, b, &err.msg);
  EXPECT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Get("a"), "1");
  lsmdb_writebatch_delete(b, nullptr, 1);
  lsmdb_write(db_, wo_, b, &err.msg);
  EXPECT_NE(err.str().find("key is NULL"), std::string::npos) << err.str();
  lsmdb_writebatch_destroy(b);
}

TEST_F(CApiTest, IteratorMovesAndBounds) {
  Open();
  lsmdb_writebatch_t* b = lsmdb_writebatch_create();
  for (const char* k : {"k1", "k3", "k5", "k7", "k9"}) lsmdb_writebatch_put(b, k, 2, k, 2);
  Error err;
  lsmdb_write(db_, wo_, b, &err.msg);
  lsmdb_writebatch_destroy(b);
  ASSERT_EQ(err.msg, nullptr);

  lsmdb_iterator_t* it = lsmdb_create_iterator(db_, ro_);
  EXPECT_FALSE(lsmdb_iter_valid(it));  // not positioned yet
  size_t len = 99;
  EXPECT_EQ(lsmdb_iter_key(it, &len), nullptr);
  EXPECT_EQ(len, 0u);
  lsmdb_iter_next(it);  // not valid: does nothing
  lsmdb_iter_seek(it, "k4", 2);
  EXPECT_EQ(Entry(it), "k5=k5 ");
  lsmdb_iter_seek_for_prev(it, "k4", 2);
  EXPECT_EQ(Entry(it), "k3=k3 ");
  lsmdb_iter_prev(it);
  EXPECT_EQ(Entry(it), "k1=k1 ");
  lsmdb_iter_prev(it);
  EXPECT_FALSE(lsmdb_iter_valid(it));
  lsmdb_iter_seek_to_last(it);
  EXPECT_EQ(Entry(it), "k9=k9 ");
  lsmdb_iter_next(it);
  EXPECT_FALSE(lsmdb_iter_valid(it));
  lsmdb_iter_destroy(it);

  // Bounds are copied: the caller's buffers may change right after.
  char lower[] = "k3", upper[] = "k7";
  lsmdb_readoptions_set_lower_bound(ro_, lower, 2);
  lsmdb_readoptions_set_upper_bound(ro_, upper, 2);
  it = lsmdb_create_iterator(db_, ro_);
  lower[1] = upper[1] = 'z';
  lsmdb_readoptions_set_lower_bound(ro_, nullptr, 0);  // the iterator keeps its own copy
  EXPECT_EQ(Scan(it), "k3=k3 k5=k5 ");
  lsmdb_iter_seek_to_last(it);
  EXPECT_EQ(Entry(it), "k5=k5 ");
  lsmdb_iter_destroy(it);
  it = lsmdb_create_iterator(db_, ro_);  // upper bound only now
  EXPECT_EQ(Scan(it), "k1=k1 k3=k3 k5=k5 ");
  lsmdb_iter_destroy(it);
}

TEST_F(CApiTest, SnapshotIsolation) {
  Open();
  Put("k", "old");
  Put("del", "here");
  const lsmdb_snapshot_t* snap = lsmdb_create_snapshot(db_);
  ASSERT_NE(snap, nullptr);
  Put("k", "new");
  Put("added", "x");
  Error err;
  lsmdb_delete(db_, wo_, "del", 3, &err.msg);
  lsmdb_flush(db_, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();

  lsmdb_readoptions_t* at = lsmdb_readoptions_create();
  lsmdb_readoptions_set_snapshot(at, snap);
  EXPECT_EQ(Get("k", at), "old");
  EXPECT_EQ(Get("del", at), "here");
  EXPECT_EQ(Get("added", at), "NOT_FOUND");
  EXPECT_EQ(Get("k"), "new");
  lsmdb_iterator_t* it = lsmdb_create_iterator(db_, at);
  EXPECT_EQ(Scan(it), "del=here k=old ");
  lsmdb_iter_destroy(it);
  lsmdb_readoptions_set_snapshot(at, nullptr);
  EXPECT_EQ(Get("k", at), "new");
  lsmdb_readoptions_destroy(at);
  lsmdb_release_snapshot(db_, snap);
  lsmdb_release_snapshot(db_, nullptr);  // allowed
}

TEST_F(CApiTest, PropertiesFlushCompactResume) {
  Open();
  EXPECT_EQ(Property("lsmdb.num-files-at-level0"), "0");
  EXPECT_EQ(Property("no.such.property"), "UNKNOWN");
  Put("a", "1");
  Error err;
  lsmdb_flush(db_, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Property("lsmdb.num-files-at-level0"), "1");
  EXPECT_NE(Property("lsmdb.stats"), "UNKNOWN");
  lsmdb_compact_range(db_, nullptr, 0, nullptr, 0, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Property("lsmdb.num-files-at-level0"), "0");  // compacted out of L0
  int tables = 0;
  for (int level = 1; level < 7; level++) {
    tables += std::stoi(Property(("lsmdb.num-files-at-level" + std::to_string(level)).c_str()));
  }
  EXPECT_EQ(tables, 1);
  Put("b", "2");
  lsmdb_flush(db_, &err.msg);
  lsmdb_compact_range(db_, "a", 1, "z", 1, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Property("lsmdb.num-files-at-level0"), "0");
  lsmdb_resume(db_, &err.msg);  // no background error: OK
  EXPECT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Property("lsmdb.background-error"), "OK");
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("b"), "2");
}

TEST_F(CApiTest, DestroyAndRepair) {
  Open();
  Put("k", "v");
  Error err;
  lsmdb_destroy_db(options_, path_.c_str(), &err.msg);  // open: refused
  EXPECT_NE(err.msg, nullptr);
  err.clear();
  Close();
  lsmdb_repair_db(options_, path_.c_str(), &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  Open();
  EXPECT_EQ(Get("k"), "v");  // repair kept the data (it was in the WAL)
  Close();
  lsmdb_destroy_db(options_, path_.c_str(), &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_FALSE(std::filesystem::exists(path_ + "/CURRENT"));
  lsmdb_options_set_create_if_missing(options_, 0);
  EXPECT_EQ(lsmdb_open(options_, path_.c_str(), &err.msg), nullptr);  // no database
  EXPECT_NE(err.msg, nullptr);
  err.clear();
  lsmdb_destroy_db(options_, path_.c_str(), &err.msg);  // nothing there: OK
  EXPECT_EQ(err.msg, nullptr) << err.str();
  // DestroyDB reads no option but the file system; an enum value that lsmdb::Options
  // cannot hold is still refused rather than truncated.
  lsmdb_options_set_compression(options_, 4);
  lsmdb_destroy_db(options_, path_.c_str(), &err.msg);
  EXPECT_EQ(err.str(), "Invalid argument: Options::compression has an unknown value 4");
}

TEST_F(CApiTest, NullArgumentsAreReported) {
  Open();
  Error err;
  auto expect = [&err](const char* what) {
    EXPECT_EQ(err.str(), std::string("Invalid argument: ") + what) << what;
    err.clear();
  };
  EXPECT_EQ(lsmdb_open(nullptr, path_.c_str(), &err.msg), nullptr);
  expect("options is NULL");
  EXPECT_EQ(lsmdb_open(options_, nullptr, &err.msg), nullptr);
  expect("name is NULL");
  lsmdb_destroy_db(nullptr, path_.c_str(), &err.msg);
  expect("options is NULL");
  lsmdb_destroy_db(options_, nullptr, &err.msg);
  expect("name is NULL");
  lsmdb_repair_db(options_, nullptr, &err.msg);
  expect("name is NULL");
  lsmdb_put(nullptr, wo_, "k", 1, "v", 1, &err.msg);
  expect("db is NULL");
  lsmdb_put(db_, nullptr, "k", 1, "v", 1, &err.msg);
  expect("options is NULL");
  lsmdb_put(db_, wo_, "k", 1, nullptr, 1, &err.msg);
  expect("val is NULL with a non-zero length");
  lsmdb_delete(db_, wo_, nullptr, 2, &err.msg);
  expect("key is NULL with a non-zero length");
  lsmdb_write(db_, wo_, nullptr, &err.msg);
  expect("batch is NULL");
  size_t len = 7;
  EXPECT_EQ(lsmdb_get(nullptr, ro_, "k", 1, &len, &err.msg), nullptr);
  EXPECT_EQ(len, 0u);
  expect("db is NULL");
  EXPECT_EQ(lsmdb_get(db_, nullptr, "k", 1, &len, &err.msg), nullptr);
  expect("options is NULL");
  EXPECT_EQ(lsmdb_get(db_, ro_, "k", 1, nullptr, &err.msg), nullptr);
  expect("vallen is NULL");
  EXPECT_EQ(lsmdb_get(db_, ro_, nullptr, 1, &len, &err.msg), nullptr);
  expect("key is NULL with a non-zero length");
  lsmdb_flush(nullptr, &err.msg);
  expect("db is NULL");
  lsmdb_compact_range(nullptr, nullptr, 0, nullptr, 0, &err.msg);
  expect("db is NULL");
  lsmdb_resume(nullptr, &err.msg);
  expect("db is NULL");
  lsmdb_iter_get_error(nullptr, &err.msg);
  expect("iter is NULL");

  // Functions without errptr: NULL results, or nothing done.
  EXPECT_EQ(lsmdb_create_iterator(nullptr, ro_), nullptr);
  EXPECT_EQ(lsmdb_create_iterator(db_, nullptr), nullptr);
  EXPECT_EQ(lsmdb_create_snapshot(nullptr), nullptr);
  EXPECT_EQ(lsmdb_property_value(nullptr, "lsmdb.stats"), nullptr);
  EXPECT_EQ(lsmdb_property_value(db_, nullptr), nullptr);
  EXPECT_EQ(lsmdb_writebatch_count(nullptr), 0u);
  EXPECT_EQ(lsmdb_iter_valid(nullptr), 0);
  EXPECT_EQ(lsmdb_iter_key(nullptr, &len), nullptr);
  EXPECT_EQ(lsmdb_iter_value(nullptr, nullptr), nullptr);
  lsmdb_iter_seek_to_first(nullptr);
  lsmdb_iter_seek_to_last(nullptr);
  lsmdb_iter_seek(nullptr, "k", 1);
  lsmdb_iter_seek_for_prev(nullptr, "k", 1);
  lsmdb_iter_next(nullptr);
  lsmdb_iter_prev(nullptr);
  lsmdb_iter_destroy(nullptr);
  lsmdb_writebatch_put(nullptr, "k", 1, "v", 1);
  lsmdb_writebatch_delete(nullptr, "k", 1);
  lsmdb_writebatch_clear(nullptr);
  lsmdb_writebatch_destroy(nullptr);
  lsmdb_options_set_create_if_missing(nullptr, 1);
  lsmdb_options_set_compression(nullptr, 1);
  lsmdb_readoptions_set_snapshot(nullptr, nullptr);
  lsmdb_readoptions_set_lower_bound(nullptr, "a", 1);
  lsmdb_writeoptions_set_sync(nullptr, 1);
  lsmdb_options_destroy(nullptr);
  lsmdb_readoptions_destroy(nullptr);
  lsmdb_writeoptions_destroy(nullptr);
  lsmdb_close(nullptr);
  lsmdb_free(nullptr);
  EXPECT_EQ(err.msg, nullptr);
}

TEST_F(CApiTest, CloseWithLiveIteratorAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Open();
  EXPECT_DEATH(
      {
        lsmdb_create_iterator(db_, ro_);
        lsmdb_close(db_);
      },
      "1 iterator\\(s\\) and 0 snapshot\\(s\\)");
  EXPECT_DEATH(
      {
        lsmdb_create_snapshot(db_);
        lsmdb_close(db_);
      },
      "0 iterator\\(s\\) and 1 snapshot\\(s\\)");
}

}  // namespace
