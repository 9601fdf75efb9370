// Round trips through log::Writer and log::Reader at every block geometry, and the
// writer's contract (one Flush per record, sticky errors).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/util/test_util.h"
#include "util/random.h"
#include "wal/log_test_util.h"

namespace lsmdb::log {
namespace {

TEST(LogTest, EmptyFile) {
  ReadResult r = ReadLog("");
  EXPECT_TRUE(r.records.empty());
  EXPECT_TRUE(r.reports.empty());
  EXPECT_TRUE(r.status.ok());
}

TEST(LogTest, SmallAndEmptyRecords) {
  LogBuilder b;
  b.Add("foo");
  b.Add("");
  b.Add("bar");
  b.Add("");
  b.Add("xxxx");
  EXPECT_EQ(b.contents().size(), 5 * kHeaderSize + 3 + 3 + 4);
  ReadResult r = ReadLog(b.contents());
  EXPECT_EQ(r.records, b.records());
  EXPECT_TRUE(r.reports.empty());
  EXPECT_EQ(r.records[1].offset, kHeaderSize + 3);
}

TEST(LogTest, HeaderLayout) {
  LogBuilder b;
  b.Add("hello");
  const std::string& log = b.contents();
  ASSERT_EQ(log.size(), kHeaderSize + 5);
  EXPECT_EQ(DecodeFixed16(log.data() + 4), 5);
  EXPECT_EQ(log[6], static_cast<char>(RecordType::kFull));
  const char typed[] = "\x01hello";
  EXPECT_EQ(crc32c::Unmask(DecodeFixed32(log.data())), crc32c::Value(typed, 6));
  EXPECT_EQ(log.substr(kHeaderSize), "hello");
}

TEST(LogTest, RecordExactlyFillsBlock) {
  LogBuilder b;
  b.Add(BigString("a", kMaxFragmentPayload));
  EXPECT_EQ(b.contents().size(), kBlockSize);
  EXPECT_EQ(b.Add("next"), kBlockSize);
  EXPECT_EQ(b.contents()[kBlockSize + 6], static_cast<char>(RecordType::kFull));
  ReadResult r = ReadLog(b.contents());
  EXPECT_EQ(r.records, b.records());
  EXPECT_TRUE(r.reports.empty());
}

// The first record leaves `pad` bytes in block 0; with pad < kHeaderSize they are a
// zero-filled tail, with pad == kHeaderSize the next record starts with an empty fragment.
TEST(LogTest, BlockTailPadding) {
  for (size_t pad = 0; pad <= kHeaderSize; pad++) {
    SCOPED_TRACE(pad);
    LogBuilder b;
    b.Add(BigString("x", kMaxFragmentPayload - pad));
    ASSERT_EQ(b.contents().size(), kBlockSize - pad);
    b.Add("bar");
    b.Add("");
    if (pad < kHeaderSize) {
      EXPECT_EQ(b.records()[1].offset, kBlockSize);
      EXPECT_EQ(b.contents().size(), kBlockSize + 2 * kHeaderSize + 3);
      EXPECT_EQ(b.contents().substr(kBlockSize - pad, pad), std::string(pad, '\0'));
    } else {
      // An empty First fragment ends block 0, the Last fragment opens block 1.
      EXPECT_EQ(b.records()[1].offset, kBlockSize - kHeaderSize);
      EXPECT_EQ(b.contents()[kBlockSize - 1], static_cast<char>(RecordType::kFirst));
      EXPECT_EQ(b.contents().size(), kBlockSize + 2 * kHeaderSize + 3);
    }
    ReadResult r = ReadLog(b.contents());
    EXPECT_EQ(r.records, b.records());
    EXPECT_TRUE(r.reports.empty());
  }
}

TEST(LogTest, FragmentedRecords) {
  LogBuilder b;
  b.Add("small");
  b.Add(BigString("medium", 50000));
  b.Add(BigString("large", 100000));
  Random rnd(test::RandomSeed());
  b.Add(test::RandomBytes(&rnd, (size_t{3} << 20) + 12345));  // ~100 blocks
  b.Add("tail");
  ReadResult r = ReadLog(b.contents());
  EXPECT_TRUE(r.reports.empty());
  ASSERT_EQ(r.records.size(), b.records().size());
  for (size_t i = 0; i < r.records.size(); i++) {
    EXPECT_EQ(r.records[i].offset, b.records()[i].offset) << i;
    EXPECT_TRUE(r.records[i].payload == b.records()[i].payload) << i;
  }
}

TEST(LogTest, ManyRandomRecords) {
  Random rnd(test::RandomSeed());
  LogBuilder b;
  for (int i = 0; i < 5000; i++) {
    b.Add(test::RandomBytes(&rnd, static_cast<size_t>(rnd.Skewed(16))));
  }
  ReadResult r = ReadLog(b.contents());
  EXPECT_TRUE(r.reports.empty());
  EXPECT_EQ(r.records, b.records());
}

TEST(LogTest, WriterContinuesExistingLog) {
  Random rnd(test::RandomSeed());
  StringSink sink;
  std::vector<Record> expected;
  for (int round = 0; round < 20; round++) {
    Writer writer(&sink, sink.Size());  // a reopened log
    for (int i = 0; i < 10; i++) {
      std::string payload = test::RandomString(&rnd, static_cast<size_t>(rnd.Skewed(15)));
      uint64_t offset = sink.Size();
      if (kBlockSize - offset % kBlockSize < kHeaderSize) {
        offset += kBlockSize - offset % kBlockSize;
      }
      ASSERT_TRUE(writer.AddRecord(payload).ok());
      expected.push_back({offset, payload});
    }
  }
  ReadResult r = ReadLog(sink.contents_);
  EXPECT_TRUE(r.reports.empty());
  EXPECT_EQ(r.records, expected);
}

TEST(LogTest, OneFlushPerRecordAfterAllAppends) {
  StringSink sink;
  Writer writer(&sink);
  const size_t sizes[] = {0, 1, 100, kMaxFragmentPayload, kBlockSize * 5 + 17, 3};
  int flushes = 0;
  for (size_t n : sizes) {
    ASSERT_TRUE(writer.AddRecord(std::string(n, 'z')).ok());
    flushes++;
    EXPECT_EQ(sink.flushes_, flushes) << n;
    EXPECT_EQ(sink.flushed_size_, sink.contents_.size()) << n;
  }
}

TEST(LogTest, WriterErrorIsSticky) {
  StringSink sink;
  Writer writer(&sink);
  ASSERT_TRUE(writer.AddRecord("ok").ok());
  sink.append_budget_ = 1;  // the header of the next record, not its payload
  Status s = writer.AddRecord("payload");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  const size_t size = sink.contents_.size();
  const int appends = sink.appends_;
  sink.append_budget_ = -1;
  EXPECT_TRUE(writer.AddRecord("more").IsIOError());
  EXPECT_EQ(sink.contents_.size(), size);
  EXPECT_EQ(sink.appends_, appends);

  StringSink sink2;
  Writer writer2(&sink2);
  sink2.fail_flush_ = true;
  EXPECT_TRUE(writer2.AddRecord("a").IsIOError());
  sink2.fail_flush_ = false;
  EXPECT_TRUE(writer2.AddRecord("b").IsIOError());
}

TEST(LogTest, ChecksumsNotVerifiedWhenDisabled) {
  LogBuilder b;
  b.Add("foo");
  b.contents()[kHeaderSize] = 'g';
  ReadResult r = ReadLog(b.contents(), /*verify_checksums=*/false);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].payload, "goo");
  EXPECT_TRUE(r.reports.empty());
}

TEST(LogTest, NullReporter) {
  LogBuilder b;
  b.Add("foo");
  b.Add(BigString("x", 40000));
  b.contents()[kHeaderSize] = 'g';
  b.contents().resize(b.contents().size() - 1);
  StringSource source(b.contents());
  Reader reader(&source, kFileName, nullptr);
  std::string_view record;
  std::string scratch;
  EXPECT_FALSE(reader.ReadRecord(&record, &scratch));
  EXPECT_TRUE(reader.status().ok());
}

}  // namespace
}  // namespace lsmdb::log
