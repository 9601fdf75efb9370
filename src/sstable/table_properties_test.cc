#include "sstable/table_properties.h"

#include <gtest/gtest.h>

#include "util/coding.h"

namespace lsmdb {
namespace {

TableProperties Sample() {
  TableProperties p;
  p.num_entries = 1000;
  p.num_deletions = 7;
  p.raw_key_bytes = 24000;
  p.raw_value_bytes = uint64_t{1} << 40;
  p.data_bytes = 123456;
  p.index_bytes = 789;
  p.filter_bytes = 1288;
  p.num_data_blocks = 31;
  p.smallest_key = std::string("a\0b", 3);
  p.largest_key = "zzz";
  p.smallest_seq = 5;
  p.largest_seq = (uint64_t{1} << 56) - 1;
  p.creation_time = 1700000000;
  p.compression = CompressionType::kLz4;
  p.format_version = 1;
  return p;
}

void ExpectEqual(const TableProperties& a, const TableProperties& b) {
  EXPECT_EQ(a.ToString(), b.ToString());
  EXPECT_EQ(a.smallest_key, b.smallest_key);
  EXPECT_EQ(a.largest_key, b.largest_key);
}

TEST(TablePropertiesTest, RoundTrip) {
  std::string enc;
  Sample().EncodeTo(&enc);
  TableProperties back;
  ASSERT_TRUE(back.DecodeFrom(enc).ok());
  ExpectEqual(Sample(), back);

  TableProperties empty;
  enc.clear();
  empty.EncodeTo(&enc);
  ASSERT_TRUE(back.DecodeFrom(enc).ok());
  ExpectEqual(empty, back);
}

TEST(TablePropertiesTest, UnknownFieldsAreSkipped) {
  std::string enc;
  PutVarint32(&enc, 99);
  PutLengthPrefixed(&enc, "from the future");
  Sample().EncodeTo(&enc);
  TableProperties back;
  ASSERT_TRUE(back.DecodeFrom(enc).ok());
  ExpectEqual(Sample(), back);
}

TEST(TablePropertiesTest, DamageIsCorruption) {
  std::string enc;
  Sample().EncodeTo(&enc);
  TableProperties back;
  // Every truncation either cuts a field or drops required ones.
  for (size_t len = 0; len < enc.size(); len++) {
    EXPECT_TRUE(back.DecodeFrom(std::string_view(enc).substr(0, len)).IsCorruption()) << len;
  }
  // A repeated field.
  std::string twice = enc + enc;
  EXPECT_TRUE(back.DecodeFrom(twice).IsCorruption());
  // A number field with trailing bytes.
  std::string bad;
  PutVarint32(&bad, 1);
  PutLengthPrefixed(&bad, "\x01\x02");
  EXPECT_TRUE(back.DecodeFrom(bad + enc).IsCorruption());
  // An unknown compression type.
  TableProperties p = Sample();
  p.compression = static_cast<CompressionType>(9);
  std::string enc9;
  p.EncodeTo(&enc9);
  EXPECT_TRUE(back.DecodeFrom(enc9).IsCorruption());
}

}  // namespace
}  // namespace lsmdb
