// The C API (include/lsmdb/c.h) through its functions only: reads, writes, batches,
// iterators, snapshots, properties, maintenance, destroy and repair. Errors and bad
// arguments: c_api_errors_test.cc. Ownership of returned memory is checked by ASan.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "lsmdb/c.h"
#include "tests/util/c_api_test_util.h"

namespace lsmdb::test {
namespace {

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

  CError err;
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
  lsmdb_options_set_seek_compaction(options_, 1);
  lsmdb_options_set_wal_recovery_mode(options_, LSMDB_WAL_ABSOLUTE_CONSISTENCY);
  lsmdb_options_set_max_manifest_file_size(options_, 1 << 20);
  lsmdb_options_set_max_bgerror_resume_count(options_, 0);
  lsmdb_options_set_bgerror_resume_retry_interval(options_, 1000);
  Open();
  lsmdb_readoptions_set_verify_checksums(ro_, 0);
  lsmdb_readoptions_set_fill_cache(ro_, 0);
  for (int i = 0; i < 100; i++) Put("k" + std::to_string(i), std::string(100, 'v'));
  CError err;
  lsmdb_flush(db_, &err.msg);
  ASSERT_EQ(err.msg, nullptr) << err.str();
  EXPECT_EQ(Get("k42"), std::string(100, 'v'));
  Close();
  Open();  // the same options reopen it (WAL recovery mode included)
  EXPECT_EQ(Get("k99"), std::string(100, 'v'));
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
  CError err;
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

TEST_F(CApiTest, IteratorMovesAndBounds) {
  Open();
  lsmdb_writebatch_t* b = lsmdb_writebatch_create();
  for (const char* k : {"k1", "k3", "k5", "k7", "k9"}) lsmdb_writebatch_put(b, k, 2, k, 2);
  CError err;
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
  CError err;
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
  CError err;
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
  CError err;
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

}  // namespace
}  // namespace lsmdb::test
