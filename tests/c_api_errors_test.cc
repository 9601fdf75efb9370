// The C API's errors: the errptr convention, bad options named in the message, NULL
// arguments, rejected batches and writes, and closing with live iterators or snapshots.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "lsmdb/c.h"
#include "tests/util/c_api_test_util.h"

namespace lsmdb::test {
namespace {

using CApiErrorTest = CApiTest;
using CApiDeathTest = CApiTest;  // gtest runs *DeathTest suites first

TEST_F(CApiErrorTest, ErrorReplacesPreviousMessageAndSuccessLeavesIt) {
  Open();
  CError err;
  err.msg = static_cast<char*>(std::malloc(4));
  std::strcpy(err.msg, "old");
  lsmdb_put(db_, wo_, nullptr, 3, "v", 1, &err.msg);  // the old message is freed (ASan)
  EXPECT_EQ(err.str(), "Invalid argument: key is NULL with a non-zero length");
  char* before = err.msg;
  lsmdb_put(db_, wo_, "k", 1, "v", 1, &err.msg);
  EXPECT_EQ(err.msg, before);                    // success leaves *errptr alone
  lsmdb_put(db_, wo_, "k", 1, "v", 1, nullptr);  // a NULL errptr is allowed
  lsmdb_put(db_, wo_, nullptr, 1, "v", 1, nullptr);
  EXPECT_EQ(Get("k"), "v");
}

TEST_F(CApiErrorTest, OpenErrors) {
  CError err;
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

TEST_F(CApiErrorTest, EveryBadOptionIsNamed) {
  struct Case {
    const char* name;
    std::function<void(lsmdb_options_t*)> set;
  };
  const std::vector<Case> cases = {
      {"write_buffer_size", [](auto* o) { lsmdb_options_set_write_buffer_size(o, 1); }},
      {"max_write_buffer_number", [](auto* o) { lsmdb_options_set_max_write_buffer_number(o, 1); }},
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
    CError err;
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

TEST_F(CApiErrorTest, WriteOptionsConflictIsAnError) {
  Open();
  lsmdb_writeoptions_set_sync(wo_, 1);
  lsmdb_writeoptions_set_disable_wal(wo_, 1);
  CError err;
  lsmdb_put(db_, wo_, "k", 1, "v", 1, &err.msg);
  EXPECT_NE(err.str().find("Invalid argument"), std::string::npos) << err.str();
  lsmdb_writeoptions_set_sync(wo_, 0);
  err.clear();
  lsmdb_put(db_, wo_, "k", 1, "v", 1, &err.msg);  // disable_wal alone is fine
  EXPECT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Get("k"), "v");
}

TEST_F(CApiErrorTest, BadBatchIsRejectedWhole) {
  Open();
  lsmdb_writebatch_t* b = lsmdb_writebatch_create();
  lsmdb_writebatch_put(b, "a", 1, "1", 1);
  lsmdb_writebatch_put(b, "b", 1, nullptr, 5);
  lsmdb_writebatch_put(b, "c", 1, "3", 1);
  CError err;
  lsmdb_write(db_, wo_, b, &err.msg);
  EXPECT_NE(err.str().find("val is NULL"), std::string::npos) << err.str();
  EXPECT_EQ(Get("a"), "NOT_FOUND");
  lsmdb_writebatch_clear(b);               // forgets the error too
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

TEST_F(CApiErrorTest, NullArgumentsAreReported) {
  Open();
  CError err;
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

TEST_F(CApiErrorTest, SnapshotOfAnotherDatabaseIsRefused) {
  Open();
  CError err;
  lsmdb_t* other = lsmdb_open(options_, (dir_.path() + "/other").c_str(), &err.msg);
  ASSERT_NE(other, nullptr) << err.str();
  const lsmdb_snapshot_t* snap = lsmdb_create_snapshot(other);
  lsmdb_readoptions_set_snapshot(ro_, snap);
  EXPECT_EQ(Get("k"),
            "ERROR: Invalid argument: the snapshot of options belongs to another "
            "database");
  EXPECT_EQ(lsmdb_create_iterator(db_, ro_), nullptr);
  size_t len;
  EXPECT_EQ(lsmdb_get(other, ro_, "k", 1, &len, &err.msg), nullptr);  // its own: fine
  EXPECT_EQ(err.msg, nullptr) << err.str();
  lsmdb_readoptions_set_snapshot(ro_, nullptr);
  lsmdb_release_snapshot(other, snap);
  lsmdb_close(other);
}

TEST_F(CApiDeathTest, CloseWithLiveIteratorOrSnapshotAborts) {
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
}  // namespace lsmdb::test
