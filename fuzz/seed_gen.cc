// Writes the seed corpora of the fuzz targets, produced by the real encoders:
//   seed_gen OUT_DIR
// creates OUT_DIR/<target>/seed_* for wal_reader, block, table, version_edit,
// write_batch and db_ops. The output is deterministic, so re-running it rewrites the
// same files.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "lsmdb/comparator.h"
#include "lsmdb/write_batch.h"
#include "sstable/block_builder.h"
#include "sstable/table_builder.h"
#include "util/internal_key.h"
#include "version/version_edit.h"
#include "wal/log_writer.h"

namespace lsmdb::fuzz {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& dir, const std::string& name, std::string_view bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  FUZZ_CHECK(out.good(), "cannot write " + (dir / name).string());
}

std::string Ikey(std::string_view user_key, SequenceNumber seq, ValueType t) {
  std::string k;
  AppendInternalKey(&k, user_key, seq, t);
  return k;
}

void WalSeeds(const fs::path& dir) {
  const std::vector<std::vector<std::string>> logs = {
      {"hello", "", "world"},
      {std::string(100, 'a'), std::string(40000, 'b'), "tail"},  // spans blocks
      {std::string(32768 - 7 - 3, 'c'), "d"},                    // ends near a block end
  };
  int n = 0;
  for (const auto& records : logs) {
    StringWritableFile file;
    log::Writer writer(&file);
    for (const std::string& r : records) FUZZ_CHECK(writer.AddRecord(r).ok(), "AddRecord");
    Write(dir, "seed_" + std::to_string(n++), file.contents());
  }
}

void BlockSeeds(const fs::path& dir) {
  int n = 0;
  for (int interval : {1, 4, 16}) {
    BlockBuilder plain(interval);
    for (int i = 0; i < 40; ++i) {
      char key[16];
      std::snprintf(key, sizeof(key), "key%04d", i * 7);
      plain.Add(key, std::string(i % 5, 'v'));
    }
    Write(dir, "seed_" + std::to_string(n++), plain.Finish());
    BlockBuilder internal(interval);
    for (int i = 0; i < 20; ++i) {
      internal.Add(Ikey("user" + std::to_string(100 + i), 1000 - i,
                        i % 3 == 0 ? ValueType::kDeletion : ValueType::kValue),
                   "value" + std::to_string(i));
    }
    Write(dir, "seed_" + std::to_string(n++), internal.Finish());
  }
  BlockBuilder empty(16);
  Write(dir, "seed_" + std::to_string(n++), empty.Finish());
}

void TableSeeds(const fs::path& dir) {
  static const InternalKeyComparator kInternal(BytewiseComparator());
  int n = 0;
  for (CompressionType c : {CompressionType::kNone, CompressionType::kSnappy, CompressionType::kLz4,
                            CompressionType::kZstd}) {
    for (int entries : {0, 3, 60}) {
      TableOptions options;
      options.comparator = &kInternal;
      options.block_size = 256;
      options.block_restart_interval = 4;
      options.compression = c;
      options.bloom_bits_per_key = entries == 3 ? 0 : 10;
      StringWritableFile file;
      TableBuilder builder(options, &file);
      for (int i = 0; i < entries; ++i) {
        char key[16];
        std::snprintf(key, sizeof(key), "k%05d", i);
        builder.Add(Ikey(key, 500 - i, i % 7 == 0 ? ValueType::kDeletion : ValueType::kValue),
                    std::string(10 + i % 13, static_cast<char>('a' + i % 26)));
      }
      FUZZ_CHECK(builder.Finish().ok(), "TableBuilder::Finish");
      Write(dir, "seed_" + std::to_string(n++), file.contents());
    }
  }
}

void VersionEditSeeds(const fs::path& dir) {
  VersionEdit a;
  a.SetComparatorName("lsmdb.BytewiseComparator");
  a.SetLogNumber(7);
  a.SetNextFile(12);
  a.SetLastSequence(12345);
  std::string s;
  a.EncodeTo(&s);
  Write(dir, "seed_0", s);

  VersionEdit b;
  FileMetaData f;
  f.number = 9;
  f.file_size = 4096;
  f.smallest = Ikey("apple", 10, ValueType::kValue);
  f.largest = Ikey("pear", 3, ValueType::kDeletion);
  f.smallest_seq = 3;
  f.largest_seq = 10;
  f.num_entries = 42;
  f.num_deletions = 2;
  b.AddFile(0, f);
  f.number = 10;
  b.AddFile(3, f);
  b.RemoveFile(1, 4);
  b.RemoveFile(2, 5);
  b.SetCompactPointer(1, Ikey("m", 5, ValueType::kValue));
  b.SetLastSequence(99);
  s.clear();
  b.EncodeTo(&s);
  Write(dir, "seed_1", s);
}

void WriteBatchSeeds(const fs::path& dir) {
  WriteBatch empty;
  Write(dir, "seed_0", empty.Contents());
  WriteBatch b;
  b.Put("a", "1");
  b.Delete("b");
  b.Put("", "");
  b.Put(std::string(200, 'k'), std::string(300, 'v'));
  Write(dir, "seed_1", b.Contents());
}

template <size_t N>
std::string Raw(const char (&bytes)[N]) {
  return std::string(bytes, N - 1);  // keeps embedded zeros, drops the terminator
}

void DbOpsSeeds(const fs::path& dir) {
  // Byte sequences in the encoding of db_ops_fuzzer.cc: op byte, then its arguments.
  const std::vector<std::string> seeds = {
      // put k1=ab, put k2=c, get k1, flush, delete k1, scan, reopen, scan
      Raw("\x00\x01\x02"
          "ab"
          "\x00\x02\x01"
          "c"
          "\x03\x00\x01"
          "\x07"
          "\x01\x01"
          "\x04\x00"
          "\x09"
          "\x04\x00"),
      // snapshot, batch of 3, get via snapshot, compact all, seek, seek-for-prev
      Raw("\x00\x05\x01z"
          "\x06\x00"
          "\x02\x03\x05\x01\x01x\x06\x00\x07\x01\x02yy"
          "\x03\x01\x05"
          "\x08\x01\x09\x00"
          "\x05\x00\x03\x00"
          "\x05\x00\x08\x01"),
  };
  for (size_t i = 0; i < seeds.size(); ++i) Write(dir, "seed_" + std::to_string(i), seeds[i]);
}

}  // namespace
}  // namespace lsmdb::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out = argv[1];
  lsmdb::fuzz::WalSeeds(out / "wal_reader");
  lsmdb::fuzz::BlockSeeds(out / "block");
  lsmdb::fuzz::TableSeeds(out / "table");
  lsmdb::fuzz::VersionEditSeeds(out / "version_edit");
  lsmdb::fuzz::WriteBatchSeeds(out / "write_batch");
  lsmdb::fuzz::DbOpsSeeds(out / "db_ops");
  return 0;
}
