#include "sstable/format.h"

#include <gtest/gtest.h>

#include "sstable/compression.h"
#include "sstable/sstable_test_util.h"
#include "tests/util/test_util.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace lsmdb {
namespace {

const std::string kFile = "000042.sst";

bool Names(const Status& s, const std::string& what) {
  return s.ToString().find(what) != std::string::npos;
}

TEST(BlockHandleTest, RoundTripAndTruncation) {
  for (uint64_t off : {uint64_t{0}, uint64_t{300}, ~uint64_t{0}}) {
    for (uint64_t size : {uint64_t{0}, uint64_t{1} << 30, ~uint64_t{0}}) {
      std::string enc;
      BlockHandle(off, size).EncodeTo(&enc);
      ASSERT_LE(enc.size(), BlockHandle::kMaxEncodedLength);
      std::string_view in(enc);
      BlockHandle h;
      ASSERT_TRUE(h.DecodeFrom(&in));
      EXPECT_TRUE(in.empty());
      EXPECT_EQ(off, h.offset());
      EXPECT_EQ(size, h.size());
      for (size_t len = 0; len < enc.size(); len++) {
        std::string_view cut = std::string_view(enc).substr(0, len);
        EXPECT_FALSE(h.DecodeFrom(&cut)) << len;
      }
    }
  }
}

Footer SampleFooter() {
  Footer f;
  f.index_handle = BlockHandle(1000, 200);
  f.filter_handle = BlockHandle(700, 295);
  f.properties_handle = BlockHandle(1205, 150);
  return f;
}

TEST(FooterTest, RoundTrip) {
  std::string enc;
  SampleFooter().EncodeTo(&enc);
  ASSERT_EQ(Footer::kEncodedLength, enc.size());
  EXPECT_EQ("lsmdbSST", enc.substr(enc.size() - 8));
  Footer f;
  ASSERT_TRUE(f.DecodeFrom(enc, kFile).ok());
  EXPECT_EQ(1000u, f.index_handle.offset());
  EXPECT_EQ(295u, f.filter_handle.size());
  EXPECT_EQ(1205u, f.properties_handle.offset());
  EXPECT_EQ(kTableFormatVersion, f.format_version);
}

TEST(FooterTest, EveryBitFlipIsDetected) {
  std::string enc;
  SampleFooter().EncodeTo(&enc);
  for (size_t i = 0; i < enc.size() * 8; i++) {
    std::string bad = enc;
    bad[i / 8] ^= static_cast<char>(1 << (i % 8));
    Footer f;
    Status s = f.DecodeFrom(bad, kFile);
    ASSERT_TRUE(s.IsCorruption()) << i << " " << s.ToString();
    ASSERT_TRUE(Names(s, kFile));
  }
  Footer f;
  EXPECT_TRUE(f.DecodeFrom(std::string(Footer::kEncodedLength, '\0'), kFile).IsCorruption());
  EXPECT_TRUE(f.DecodeFrom(enc.substr(1), kFile).IsCorruption());
}

TEST(FooterTest, UnknownVersionIsNotSupported) {
  Footer f = SampleFooter();
  f.format_version = 2;
  std::string enc;
  f.EncodeTo(&enc);
  Status s = Footer().DecodeFrom(enc, kFile);
  EXPECT_TRUE(s.IsNotSupported()) << s.ToString();
  EXPECT_TRUE(Names(s, "version 2"));
}

TEST(FooterTest, NonzeroPaddingIsCorruption) {
  std::string enc;
  SampleFooter().EncodeTo(&enc);
  enc[Footer::kHandleAreaSize - 1] = 1;
  // Re-seal the checksum so that only the padding is wrong.
  EncodeFixed32(enc.data() + Footer::kHandleAreaSize + 4,
                crc32c::Mask(crc32c::Value(enc.data(), Footer::kHandleAreaSize + 4)));
  Status s = Footer().DecodeFrom(enc, kFile);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_TRUE(Names(s, "padding"));
}

// A file of: 3 junk bytes, one block stored with `type`, then a zero footer-sized tail.
std::string FileWithBlock(std::string_view raw, CompressionType type, BlockHandle* handle) {
  std::string file = "xyz";
  std::string compressed;
  std::string_view stored = raw;
  if (type != CompressionType::kNone) {
    EXPECT_EQ(type, CompressBlock(type, 3, raw, &compressed));
    stored = compressed;
  }
  *handle = BlockHandle(file.size(), stored.size());
  file.append(stored);
  char trailer[kBlockTrailerSize];
  EncodeBlockTrailer(stored, type, trailer);
  file.append(trailer, kBlockTrailerSize);
  file.append(Footer::kEncodedLength, '\0');
  return file;
}

TEST(ReadBlockTest, RoundTripEveryCodec) {
  const std::string raw(5000, 'q');
  for (auto type : {CompressionType::kNone, CompressionType::kSnappy, CompressionType::kLz4,
                    CompressionType::kZstd}) {
    BlockHandle h;
    test::StringSource file(FileWithBlock(raw, type, &h));
    BlockContents c;
    ASSERT_TRUE(ReadBlock(&file, kFile, FileWithBlock(raw, type, &h).size(), h, true, &c).ok());
    EXPECT_EQ(raw, c.data);
    EXPECT_EQ(c.owned.get(), c.data.data());
  }
}

TEST(ReadBlockTest, HandlesOutsideTheFileAreCorruption) {
  BlockHandle h;
  const std::string bytes = FileWithBlock("hello", CompressionType::kNone, &h);
  test::StringSource file(bytes);
  const uint64_t size = bytes.size();
  BlockContents c;
  for (BlockHandle bad : {BlockHandle(h.offset(), h.size() + 1), BlockHandle(size, 0),
                          BlockHandle(~uint64_t{0}, 10), BlockHandle(3, ~uint64_t{0}),
                          BlockHandle(3, ~uint64_t{0} - 2), BlockHandle(0, kMaxBlockSize + 1)}) {
    Status s = ReadBlock(&file, kFile, size, bad, true, &c);
    EXPECT_TRUE(s.IsCorruption()) << bad.offset() << " " << bad.size();
    EXPECT_TRUE(Names(s, kFile));
  }
  // A file that is shorter than it claims: a short read.
  Status s = ReadBlock(&file, kFile, size + 100, BlockHandle(size - 10, 20), true, &c);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

TEST(ReadBlockTest, EveryBitFlipIsDetected) {
  for (auto type : {CompressionType::kNone, CompressionType::kZstd}) {
    BlockHandle h;
    const std::string good = FileWithBlock(std::string(300, 'z') + "tail", type, &h);
    for (uint64_t i = h.offset() * 8; i < (h.offset() + h.size() + kBlockTrailerSize) * 8; i++) {
      std::string bad = good;
      bad[i / 8] ^= static_cast<char>(1 << (i % 8));
      test::StringSource file(bad);
      BlockContents c;
      Status s = ReadBlock(&file, kFile, bad.size(), h, true, &c);
      ASSERT_TRUE(s.IsCorruption()) << i;
      ASSERT_TRUE(Names(s, kFile + ": ")) << s.ToString();
      ASSERT_TRUE(Names(s, "offset 3")) << s.ToString();
    }
  }
}

TEST(ReadBlockTest, DamageBehindAValidChecksumIsCorruption) {
  // Unknown compression type, with a checksum that matches it.
  std::string stored = "abc";
  std::string file = stored;
  char trailer[kBlockTrailerSize];
  EncodeBlockTrailer(stored, static_cast<CompressionType>(9), trailer);
  file.append(trailer, kBlockTrailerSize);
  file.append(Footer::kEncodedLength, '\0');
  test::StringSource f1(file);
  BlockContents c;
  Status s = ReadBlock(&f1, kFile, file.size(), BlockHandle(0, 3), true, &c);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_TRUE(Names(s, "compression type 9"));

  // A "snappy" block that is not snappy.
  EncodeBlockTrailer(stored, CompressionType::kSnappy, trailer);
  file =
      stored + std::string(trailer, kBlockTrailerSize) + std::string(Footer::kEncodedLength, '\0');
  test::StringSource f2(file);
  s = ReadBlock(&f2, kFile, file.size(), BlockHandle(0, 3), true, &c);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_TRUE(Names(s, kFile));

  // Without verification a flipped byte goes unnoticed in an uncompressed block.
  BlockHandle h;
  std::string bytes = FileWithBlock("hello", CompressionType::kNone, &h);
  bytes[h.offset()] = 'j';
  test::StringSource f3(bytes);
  ASSERT_TRUE(ReadBlock(&f3, kFile, bytes.size(), h, false, &c).ok());
  EXPECT_EQ("jello", c.data);
}

}  // namespace
}  // namespace lsmdb
