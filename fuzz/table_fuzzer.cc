// Fuzz target for Table (src/sstable/table.h): the input is a whole table file, opened
// over an in-memory RandomAccessFile, then iterated forward and backward, sought, probed
// with Get and checked with VerifyChecksums.
//
// Built twice:
//   fuzz_table        reads the input as is. Table::Open verifies the footer's and the
//                     meta blocks' checksums, so random mutations mostly fail early; the
//                     seed corpus of real tables (fuzz/corpus/table) gives it something
//                     valid to mutate, and iteration reads data blocks without checksums.
//   fuzz_table_fixup  (LSMDB_FUZZ_TABLE_FIXUP) first recomputes every checksum it can
//                     find - the footer's, the index/filter/properties blocks' and each
//                     data block's the index points at - so mutations reach the block,
//                     index, filter, properties and decompression decoders.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "lsmdb/comparator.h"
#include "lsmdb/options.h"
#include "sstable/block.h"
#include "sstable/format.h"
#include "sstable/table.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/internal_key.h"

namespace lsmdb::fuzz {
namespace {

#ifdef LSMDB_FUZZ_TABLE_FIXUP
// Rewrites the trailer of the block at handle so that its checksum matches, keeping its
// compression type byte. Handles outside the file are left alone.
void FixBlock(std::string* file, uint64_t end, const BlockHandle& h) {
  if (h.offset() > end || h.size() > end - h.offset() ||
      end - h.offset() - h.size() < kBlockTrailerSize) {
    return;
  }
  char* p = file->data() + h.offset();
  char* trailer = p + h.size();
  EncodeBlockTrailer(std::string_view(p, h.size()), static_cast<CompressionType>(trailer[0]),
                     trailer);
}

void FixUpChecksums(std::string* file) {
  if (file->size() < Footer::kEncodedLength) return;
  const uint64_t footer_at = file->size() - Footer::kEncodedLength;
  char* f = file->data() + footer_at;
  EncodeFixed32(f + Footer::kHandleAreaSize + 4,
                crc32c::Mask(crc32c::Value(f, Footer::kHandleAreaSize + 4)));
  EncodeFixed64(f + Footer::kHandleAreaSize + 8, kTableMagicNumber);
  std::string_view handles(f, Footer::kHandleAreaSize);
  BlockHandle index;
  BlockHandle filter;
  BlockHandle props;
  if (!index.DecodeFrom(&handles) || !filter.DecodeFrom(&handles) || !props.DecodeFrom(&handles)) {
    return;
  }
  FixBlock(file, footer_at, filter);
  FixBlock(file, footer_at, props);
  // Fix the data blocks the (uncompressed) index points at, then the index itself.
  if (index.offset() <= footer_at && index.size() <= footer_at - index.offset()) {
    BlockContents contents;
    contents.data = std::string_view(file->data() + index.offset(), index.size());
    const Block block(std::move(contents));
    std::unique_ptr<InternalIterator> it = block.NewIterator(BytewiseComparator());
    int n = 0;
    for (it->SeekToFirst(); it->Valid() && n < 4096; it->Next(), ++n) {
      std::string_view v = it->value();
      BlockHandle h;
      if (h.DecodeFrom(&v)) FixBlock(file, footer_at, h);
    }
  }
  FixBlock(file, footer_at, index);
}
#endif

void Exercise(std::string bytes) {
  static const InternalKeyComparator kInternal(BytewiseComparator());
  TableReaderOptions options;
  options.comparator = &kInternal;
  options.keys_are_internal = true;
  options.file_name = "fuzz.sst";
  const uint64_t size = bytes.size();
  std::unique_ptr<Table> table;
  Status s = Table::Open(options, std::make_unique<StringRandomAccessFile>(std::move(bytes)), size,
                         &table);
  if (!s.ok()) return;
  FUZZ_CHECK(table != nullptr, "Open returned OK without a table");

  ReadOptions ro;
  ro.verify_checksums = false;
  std::vector<std::string> keys;
  {
    std::unique_ptr<InternalIterator> it = table->NewIterator(ro);
    size_t steps = 0;
    for (it->SeekToFirst(); it->Valid() && steps < 100000; it->Next(), ++steps) {
      FUZZ_CHECK(it->status().ok(), "Valid() with a non-OK status");
      if (keys.size() < 64) keys.emplace_back(it->key());
      (void)it->value().size();
    }
    steps = 0;
    for (it->SeekToLast(); it->Valid() && steps < 100000; it->Prev(), ++steps) {
      FUZZ_CHECK(it->status().ok(), "Valid() with a non-OK status");
    }
    for (const std::string& k : keys) {
      it->Seek(k);
      for (int i = 0; i < 2 && it->Valid(); ++i) it->Prev();
      for (int i = 0; i < 4 && it->Valid(); ++i) it->Next();
    }
    it->Seek("");
    it->Seek(std::string(9, '\xff'));
  }
  keys.emplace_back(std::string("\0\0\0\0\0\0\0\0", 8));
  keys.emplace_back("zzzzzzzzzzzz");
  for (const std::string& k : keys) {
    for (const bool verify : {false, true}) {
      ReadOptions gro;
      gro.verify_checksums = verify;
      (void)table->Get(gro, k, [](std::string_view key, std::string_view value) {
        (void)key.size();
        (void)value.size();
      });
    }
    if (k.size() >= kInternalKeyTrailer) {
      (void)table->KeyMayMatch(ExtractUserKey(k));
      (void)table->ApproximateOffsetOf(k);
    }
  }
  (void)table->VerifyChecksums();
}

}  // namespace
}  // namespace lsmdb::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
#ifdef LSMDB_FUZZ_TABLE_FIXUP
  lsmdb::fuzz::FixUpChecksums(&bytes);
#endif
  lsmdb::fuzz::Exercise(std::move(bytes));
  return 0;
}
