// TableCache's pins: a table pinned in a FileMetaData serves Gets and iterators without
// the cache lookup, is pinned once however many threads race to pin it, and is released
// when the FileMetaData goes.
#include "version/table_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "lsmdb/comparator.h"
#include "lsmdb/file_system.h"
#include "sstable/table_builder.h"
#include "version/filename.h"

namespace lsmdb {
namespace {

std::string UserKey(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%06d", i);
  return buf;
}

std::string IKey(int i) {
  std::string k;
  AppendInternalKey(&k, UserKey(i), 7, ValueType::kValue);
  return k;
}

class TableCachePinTest : public ::testing::Test {
 protected:
  static constexpr int kKeys = 2000;

  TableCachePinTest() : fs_(NewMemFileSystem()), icmp_(BytewiseComparator()) {
    EXPECT_TRUE(fs_->CreateDirIfMissing("/db").ok());
    cache_ = std::make_unique<TableCache>("/db", fs_.get(), &icmp_, nullptr, &stats_, false, 4);
  }

  std::shared_ptr<FileMetaData> WriteTable(uint64_t number) {
    auto meta = std::make_shared<FileMetaData>();
    meta->number = number;
    std::unique_ptr<WritableFile> file;
    EXPECT_TRUE(fs_->NewWritableFile(TableFileName("/db", number), &file).ok());
    TableOptions topts;
    topts.comparator = &icmp_;
    topts.block_size = 512;
    TableBuilder builder(topts, file.get());
    for (int i = 0; i < kKeys; i++) builder.Add(IKey(i), "v" + std::to_string(i));
    EXPECT_TRUE(builder.Finish().ok());
    EXPECT_TRUE(file->Close().ok());
    meta->file_size = builder.FileSize();
    meta->smallest = IKey(0);
    meta->largest = IKey(kKeys - 1);
    return meta;
  }

  // Looks up key i through the cache; returns the value found ("" if none).
  std::string Get(const FileMetaData& f, int i) {
    LookupKey lkey(UserKey(i), 100);
    std::string value;
    Status s = cache_->Get(ReadOptions(), f, lkey.internal_key(),
                           [&](std::string_view k, std::string_view v) {
                             if (ExtractUserKey(k) == UserKey(i)) value.assign(v);
                           });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return value;
  }

  std::shared_ptr<FileSystem> fs_;
  InternalKeyComparator icmp_;
  ReadStats stats_;
  std::unique_ptr<TableCache> cache_;
};

TEST_F(TableCachePinTest, ConcurrentReadersPinOnceAndReadCorrectly) {
  auto meta = WriteTable(5);
  {
    // Open the table first (pinned in a copy, unpinned when the copy goes), so that the
    // threads race to pin it, not to open it: two threads that both miss the cache open
    // the table twice (the table cache does not serialize opens), and the loser's table
    // would stay open as long as its pin.
    const FileMetaData warm = *meta;
    EXPECT_EQ("v1", Get(warm, 1));
  }
  ASSERT_EQ(nullptr, meta->pin.handle());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 300; n++) {
        const int i = (n * 7 + t * 13) % kKeys;
        if (Get(*meta, i) != "v" + std::to_string(i)) wrong++;
        auto it = cache_->NewIterator(ReadOptions(), *meta);
        it->Seek(IKey(i));
        if (!it->Valid() || it->key() != IKey(i)) wrong++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(0, wrong.load());
  ASSERT_NE(nullptr, meta->pin.handle());
  EXPECT_EQ(1u, cache_->OpenTables());

  // Evicted but pinned: still open, still readable; closed when the metadata goes.
  cache_->Evict(5);
  EXPECT_EQ(1u, cache_->OpenTables());
  EXPECT_EQ("v42", Get(*meta, 42));
  FileMetaData copy = *meta;  // copies start unpinned
  EXPECT_EQ(nullptr, copy.pin.handle());
  meta.reset();
  EXPECT_EQ(0u, cache_->OpenTables());
}

TEST_F(TableCachePinTest, PinsStayWithinHalfTheCapacity) {
  std::vector<std::shared_ptr<FileMetaData>> files;
  for (uint64_t n = 10; n < 16; n++) files.push_back(WriteTable(n));
  for (const auto& f : files) EXPECT_EQ("v7", Get(*f, 7));
  int pinned = 0;
  for (const auto& f : files) pinned += f->pin.handle() != nullptr;
  EXPECT_EQ(2, pinned);  // capacity 4
  // The unpinned files were read through the LRU, which keeps at most 4 tables open.
  EXPECT_LE(cache_->OpenTables(), 4u);
  files.clear();
}

}  // namespace
}  // namespace lsmdb
