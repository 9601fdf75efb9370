// log::Reader on damaged logs: one test per case of docs/format/wal.md §4, torn tails at
// every truncation point, and random bit flips.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/util/test_util.h"
#include "util/random.h"
#include "wal/log_test_util.h"

namespace lsmdb::log {
namespace {

TEST(LogDamageTest, ChecksumMismatch) {
  LogBuilder b;
  b.Add("foo");
  b.contents()[kHeaderSize + 1] ^= 0x10;
  ReadResult r = ReadLog(b.contents());
  EXPECT_TRUE(r.records.empty());
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_FALSE(r.reports[0].torn);
  EXPECT_EQ(r.reports[0].offset, 0u);
  EXPECT_EQ(r.reports[0].bytes, kHeaderSize + 3);
  EXPECT_EQ(r.reports[0].message, CorruptionMessage("checksum mismatch", 0));
}

// A checksum failure is skipped up to the next fragment in its block that starts a
// record and checks out; reading resumes there.
TEST(LogDamageTest, ChecksumMismatchInSecondBlock) {
  LogBuilder b;
  b.Add(BigString("a", kMaxFragmentPayload));
  b.Add("bar");
  b.Add("baz");
  b.Add(BigString("b", kBlockSize));  // First in block 1, Last in block 2
  b.Add("after");
  b.contents()[kBlockSize + kHeaderSize] ^= 1;  // in "bar"
  ReadResult r = ReadLog(b.contents());
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[0], b.records()[0]);
  EXPECT_EQ(r.records[1], b.records()[2]);
  EXPECT_EQ(r.records[2], b.records()[3]);
  EXPECT_EQ(r.records[3], b.records()[4]);
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_FALSE(r.reports[0].torn);
  EXPECT_EQ(r.reports[0].offset, kBlockSize);
  EXPECT_EQ(r.reports[0].bytes, b.records()[2].offset - kBlockSize);
  EXPECT_EQ(r.reports[0].message, "000007.log: checksum mismatch at offset 32768");
}

// Regression (issue 16.3): damage in the last block of a log used to drop the rest of the
// block, so the intact records after it were never seen and the damage looked like a
// torn tail. Every record after the damage that checks out is read.
TEST(LogDamageTest, RecordsAfterDamageInTheLastBlockAreRead) {
  LogBuilder b;
  for (int i = 0; i < 50; i++) b.Add("record-" + std::to_string(i) + std::string(90, 'x'));
  const size_t damaged = 20;
  b.contents()[b.records()[damaged].offset + kHeaderSize + 5] ^= 0x04;
  ReadResult r = ReadLog(b.contents());
  ASSERT_EQ(r.records.size(), 49u);
  for (size_t i = 0; i < 49; i++) EXPECT_EQ(r.records[i], b.records()[i < damaged ? i : i + 1]);
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_FALSE(r.reports[0].torn);
  EXPECT_EQ(r.reports[0].offset, b.records()[damaged].offset);
  EXPECT_EQ(r.reports[0].bytes, b.records()[damaged + 1].offset - b.records()[damaged].offset);
}

// Damage in the final record, with nothing valid after it, still runs to the end of the
// block (what recovery may take for a torn write).
TEST(LogDamageTest, DamageInTheFinalRecordRunsToTheEnd) {
  LogBuilder b;
  for (int i = 0; i < 5; i++) b.Add("record-" + std::to_string(i));
  b.contents()[b.records()[4].offset + kHeaderSize] ^= 0x01;
  ReadResult r = ReadLog(b.contents());
  ASSERT_EQ(r.records.size(), 4u);
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_EQ(r.reports[0].offset + r.reports[0].bytes, b.contents().size());
}

TEST(LogDamageTest, DamageInsideFragmentedRecord) {
  LogBuilder b;
  b.Add("foo");
  b.Add(BigString("big", 3 * kBlockSize));  // First in block 0 ... Last in block 3
  b.Add("after");
  b.contents()[2 * kBlockSize + 100] ^= 0x80;  // the Middle fragment in block 2
  ReadResult r = ReadLog(b.contents());
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0], b.records()[0]);
  EXPECT_EQ(r.records[1], b.records()[2]);
  ASSERT_EQ(r.reports.size(), 2u);
  // The record's First and Middle fragments read so far, then the damaged block and the
  // orphaned Last fragment.
  EXPECT_EQ(r.reports[0].offset, b.records()[1].offset);
  EXPECT_EQ(r.reports[0].bytes, 2 * kBlockSize - b.records()[1].offset);
  EXPECT_EQ(r.reports[0].message,
            CorruptionMessage("fragmented record interrupted by damage", b.records()[1].offset));
  EXPECT_EQ(r.reports[1].offset, 2 * kBlockSize);
  EXPECT_EQ(r.reports[1].bytes, b.records()[2].offset - 2 * kBlockSize);
  EXPECT_EQ(r.reports[1].message, CorruptionMessage("checksum mismatch", 2 * kBlockSize));
}

TEST(LogDamageTest, LengthPastBlock) {
  LogBuilder b;
  b.Add("foo");
  b.Add("bar");
  b.Add(BigString("x", kBlockSize));
  b.Add("after");
  EncodeFixed16(b.contents().data() + kHeaderSize + 3 + 4, 0xffff);  // "bar"'s length
  ReadResult r = ReadLog(b.contents());
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0], b.records()[0]);
  EXPECT_EQ(r.records[1], b.records()[2]);
  EXPECT_EQ(r.records[2], b.records()[3]);
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_EQ(r.reports[0].offset, kHeaderSize + 3);
  EXPECT_EQ(r.reports[0].message,
            CorruptionMessage("record length runs past the end of its block", kHeaderSize + 3));
  EXPECT_EQ(r.reports[0].offset + r.reports[0].bytes, b.records()[2].offset);
}

// A length that fits its block but not the file is what a torn append looks like.
TEST(LogDamageTest, LengthPastEndOfFileIsTornTail) {
  LogBuilder b;
  b.Add("foo");
  b.Add("bar");
  EncodeFixed16(b.contents().data() + kHeaderSize + 3 + 4, 1000);
  ReadResult r = ReadLog(b.contents());
  EXPECT_EQ(r.records, std::vector<Record>{b.records()[0]});
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_TRUE(r.reports[0].torn);
  EXPECT_EQ(r.reports[0].offset, kHeaderSize + 3);
  EXPECT_EQ(r.reports[0].bytes, kHeaderSize + 3);
}

TEST(LogDamageTest, UnknownType) {
  for (uint8_t type : {uint8_t{0}, uint8_t{5}, uint8_t{9}, uint8_t{255}}) {
    SCOPED_TRACE(static_cast<int>(type));
    LogBuilder b;
    b.Add("foo");
    b.Add("bar");
    b.Add("baz");
    SetType(&b.contents(), kHeaderSize + 3, type);
    ReadResult r = ReadLog(b.contents());
    EXPECT_EQ(r.records, (std::vector<Record>{b.records()[0], b.records()[2]}));
    ASSERT_EQ(r.reports.size(), 1u);
    EXPECT_EQ(r.reports[0].offset, kHeaderSize + 3);
    EXPECT_EQ(r.reports[0].bytes, kHeaderSize + 3);  // only that fragment
    EXPECT_EQ(r.reports[0].message,
              CorruptionMessage("unknown record type " + std::to_string(type), kHeaderSize + 3));
  }
}

TEST(LogDamageTest, MiddleOrLastWithoutFirst) {
  for (RecordType type : {RecordType::kMiddle, RecordType::kLast}) {
    LogBuilder b;
    b.Add("foo");
    b.Add("bar");
    b.Add("baz");
    SetType(&b.contents(), kHeaderSize + 3, static_cast<uint8_t>(type));
    ReadResult r = ReadLog(b.contents());
    EXPECT_EQ(r.records, (std::vector<Record>{b.records()[0], b.records()[2]}));
    ASSERT_EQ(r.reports.size(), 1u);
    EXPECT_EQ(r.reports[0].offset, kHeaderSize + 3);
    EXPECT_EQ(r.reports[0].bytes, kHeaderSize + 3);
    EXPECT_EQ(r.reports[0].message,
              CorruptionMessage("Middle or Last fragment without a First", kHeaderSize + 3));
  }
}

// Consecutive orphaned fragments make one report.
TEST(LogDamageTest, OrphanedFragmentsMerge) {
  LogBuilder b;
  b.Add(BigString("big", 3 * kBlockSize));  // First, Middle, Middle, Last
  b.Add("after");
  SetType(&b.contents(), 0, static_cast<uint8_t>(RecordType::kMiddle));
  ReadResult r = ReadLog(b.contents());
  EXPECT_EQ(r.records, std::vector<Record>{b.records()[1]});
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_EQ(r.reports[0].offset, 0u);
  EXPECT_EQ(r.reports[0].bytes, b.records()[1].offset);
}

TEST(LogDamageTest, FirstOrFullInsideFragmentedRecord) {
  for (RecordType type : {RecordType::kFirst, RecordType::kFull}) {
    LogBuilder b;
    b.Add("foo");
    b.Add(BigString("big", kBlockSize));  // First in block 0, Last in block 1
    b.Add("after");
    const uint64_t last = kBlockSize;
    SetType(&b.contents(), last, static_cast<uint8_t>(type));
    ReadResult r = ReadLog(b.contents());
    ASSERT_GE(r.reports.size(), 1u);
    EXPECT_EQ(r.reports[0].offset, b.records()[1].offset);
    EXPECT_EQ(r.reports[0].bytes, last - b.records()[1].offset);
    EXPECT_EQ(
        r.reports[0].message,
        CorruptionMessage("fragmented record interrupted by a new record", b.records()[1].offset));
    ASSERT_FALSE(r.records.empty());
    EXPECT_EQ(r.records.front(), b.records()[0]);
    EXPECT_EQ(r.records.back(), b.records()[2]);
    if (type == RecordType::kFirst) {
      // The new First is itself cut off by "after".
      ASSERT_EQ(r.reports.size(), 2u);
      EXPECT_EQ(r.reports[1].offset, last);
      EXPECT_EQ(r.reports[1].bytes, b.records()[2].offset - last);
      EXPECT_EQ(r.records.size(), 2u);
    } else {
      // A Full fragment with a valid checksum is a record of its own.
      EXPECT_EQ(r.reports.size(), 1u);
      ASSERT_EQ(r.records.size(), 3u);
      EXPECT_EQ(r.records[1].offset, last);
    }
  }
}

// Zeros to the end of a block and then more records: blocks that a power loss did not
// persist while later ones did (no writer of ours pads a block with a zero header). The
// zeros are damage, so recovery does not replay past a hole; the records after it are
// still read (for repair and dumps).
TEST(LogDamageTest, ZerosBeforeMoreOfTheLogAreDamage) {
  StringSink sink;
  {
    Writer writer(&sink);
    ASSERT_TRUE(writer.AddRecord("foo").ok());
  }
  const uint64_t hole = sink.Size();
  sink.contents_.resize(2 * kBlockSize, '\0');  // the rest of block 0 and all of block 1
  {
    Writer writer(&sink, sink.Size());
    ASSERT_TRUE(writer.AddRecord("bar").ok());
  }
  ReadResult r = ReadLog(sink.contents_);
  EXPECT_EQ(r.records, (std::vector<Record>{{0, "foo"}, {2 * kBlockSize, "bar"}}));
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_FALSE(r.reports[0].torn);
  EXPECT_EQ(r.reports[0].offset, hole);
  EXPECT_EQ(r.reports[0].bytes, 2 * kBlockSize - hole);
  EXPECT_EQ(r.reports[0].message,
            CorruptionMessage("zeros before more of the log (lost writes)", hole));
}

// A record whose middle block was lost: the hole interrupts it, and the Last fragment
// after it is not glued to the First one.
TEST(LogDamageTest, ZeroBlockInsideAFragmentedRecord) {
  StringSink sink;
  {
    Writer writer(&sink);
    ASSERT_TRUE(writer.AddRecord(std::string(2 * kBlockSize, 'x')).ok());
    ASSERT_TRUE(writer.AddRecord("after").ok());
  }
  std::fill(sink.contents_.begin() + kBlockSize, sink.contents_.begin() + 2 * kBlockSize, '\0');
  ReadResult r = ReadLog(sink.contents_);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].payload, "after");
  ASSERT_FALSE(r.reports.empty());
  EXPECT_FALSE(r.reports[0].torn);
  for (const Report& rep : r.reports) EXPECT_FALSE(rep.torn);
}

// Zeros up to the end of the file: the unused, preallocated rest of a memory-mapped log
// whose writer died before closing it. They end the log, silently.
TEST(LogDamageTest, ZerosAtEndOfFileAreItsEnd) {
  for (size_t zeros : {kHeaderSize, size_t{100}, kBlockSize - kHeaderSize - 3,
                       2 * kBlockSize - kHeaderSize - 3 + 50}) {
    SCOPED_TRACE(zeros);
    LogBuilder b;
    b.Add("foo");
    b.contents().append(zeros, '\0');
    ReadResult r = ReadLog(b.contents());
    EXPECT_EQ(r.records, b.records());
    EXPECT_TRUE(r.reports.empty());
  }
}

TEST(LogDamageTest, ZeroHeaderFollowedByData) {
  LogBuilder b;
  b.Add("foo");
  b.contents().append(kHeaderSize, '\0');
  b.contents().append("junk");
  b.contents().resize(kBlockSize, '\0');
  StringSink& sink = *b.sink();
  Writer writer(&sink, sink.Size());
  ASSERT_TRUE(writer.AddRecord("bar").ok());
  ReadResult r = ReadLog(b.contents());
  EXPECT_EQ(r.records, (std::vector<Record>{{0, "foo"}, {kBlockSize, "bar"}}));
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_FALSE(r.reports[0].torn);
  EXPECT_EQ(r.reports[0].offset, kHeaderSize + 3);
  EXPECT_EQ(r.reports[0].bytes, kBlockSize - kHeaderSize - 3);
  EXPECT_EQ(r.reports[0].message,
            CorruptionMessage("non-zero bytes after a zero header", kHeaderSize + 3));
}

TEST(LogDamageTest, TruncatedInsideHeader) {
  LogBuilder b;
  b.Add("foo");
  b.Add("bar");
  for (size_t cut = 1; cut < kHeaderSize; cut++) {
    std::string log = b.contents().substr(0, kHeaderSize + 3 + cut);
    ReadResult r = ReadLog(log);
    EXPECT_EQ(r.records, std::vector<Record>{b.records()[0]});
    ASSERT_EQ(r.reports.size(), 1u);
    EXPECT_TRUE(r.reports[0].torn);
    EXPECT_EQ(r.reports[0].offset, kHeaderSize + 3);
    EXPECT_EQ(r.reports[0].bytes, cut);
  }
}

TEST(LogDamageTest, TruncatedInsideBlockTailPadding) {
  LogBuilder b;
  b.Add(BigString("x", kMaxFragmentPayload - 3));  // leaves a 3-byte tail
  b.Add("bar");
  std::string log = b.contents().substr(0, kBlockSize - 1);
  ReadResult r = ReadLog(log);
  EXPECT_EQ(r.records, std::vector<Record>{b.records()[0]});
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_TRUE(r.reports[0].torn);
  EXPECT_EQ(r.reports[0].offset, kBlockSize - 3);
  EXPECT_EQ(r.reports[0].bytes, 2u);
}

// Every way to cut the last record short is a torn tail, never Corruption, and leaves the
// records before it intact.
TEST(LogDamageTest, TornTailAtEveryTruncationPoint) {
  Random rnd(test::RandomSeed());
  for (size_t last_size :
       {size_t{0}, size_t{1}, size_t{100}, kBlockSize + 1000, 2 * kBlockSize + 5}) {
    SCOPED_TRACE(last_size);
    LogBuilder b;
    for (int i = 0; i < 10; i++) b.Add(test::RandomBytes(&rnd, rnd.Uniform(3000)));
    const uint64_t start = b.Add(test::RandomBytes(&rnd, last_size));
    const size_t end = b.contents().size();
    std::vector<Record> before(b.records().begin(), b.records().end() - 1);
    // Every point near a fragment boundary, and a stride through the payloads.
    for (size_t cut = start + 1; cut < end; cut++) {
      const size_t in_block = cut % kBlockSize;
      const bool near_boundary = in_block < 2 * kHeaderSize ||
                                 in_block > kBlockSize - 2 * kHeaderSize ||
                                 cut < start + 2 * kHeaderSize || cut > end - kHeaderSize;
      if (!near_boundary && cut % 61 != 0) continue;
      ReadResult r = ReadLog(std::string_view(b.contents()).substr(0, cut));
      ASSERT_EQ(r.records, before) << cut;
      ASSERT_EQ(r.reports.size(), 1u) << cut;
      EXPECT_TRUE(r.reports[0].torn) << cut;
      EXPECT_EQ(r.reports[0].offset, start) << cut;
      EXPECT_EQ(r.reports[0].bytes, cut - start) << cut;
    }
    ReadResult whole = ReadLog(std::string_view(b.contents()).substr(0, start));
    EXPECT_EQ(whole.records, before);
    EXPECT_TRUE(whole.reports.empty());
  }
}

// A flipped bit anywhere yields a report covering it (Corruption, or a torn tail if the
// flip made the last record's length run past the end of the file), never a wrong record,
// and every record outside the reported regions is read back.
TEST(LogDamageTest, RandomBitFlips) {
  Random rnd(test::RandomSeed());
  LogBuilder b;
  for (int i = 0; i < 60; i++) b.Add(test::RandomBytes(&rnd, rnd.Skewed(15)));
  const std::string clean = b.contents();
  const auto& written = b.records();
  const auto& ends = b.ends();
  ASSERT_EQ(ReadLog(clean).records, written);
  for (int trial = 0; trial < 500; trial++) {
    std::string log = clean;
    const size_t pos = rnd.Uniform(log.size());
    log[pos] = static_cast<char>(log[pos] ^ (1 << rnd.Uniform(8)));
    SCOPED_TRACE(pos);
    ReadResult r = ReadLog(log);
    ASSERT_TRUE(r.status.ok());

    for (const Report& rep : r.reports) {
      if (rep.torn) {
        EXPECT_EQ(rep.offset + rep.bytes, log.size());
      } else {
        EXPECT_EQ(rep.message.rfind(std::string(kFileName) + ": ", 0), 0u) << rep.message;
        EXPECT_NE(rep.message.find(" at offset " + std::to_string(rep.offset)), std::string::npos)
            << rep.message;
      }
    }
    auto reported = [&](uint64_t begin, uint64_t end) {
      for (const Report& rep : r.reports) {
        if (rep.offset < end && begin < rep.offset + rep.bytes) return true;
      }
      return false;
    };
    // No wrong record: each returned one is a written one, in order.
    size_t next = 0;
    for (const Record& rec : r.records) {
      while (next < written.size() && written[next].offset != rec.offset) {
        EXPECT_TRUE(reported(written[next].offset, ends[next])) << "lost record " << next;
        next++;
      }
      ASSERT_LT(next, written.size()) << "record at unknown offset " << rec.offset;
      ASSERT_TRUE(rec.payload == written[next].payload) << "wrong record " << next;
      next++;
    }
    for (; next < written.size(); next++) {
      EXPECT_TRUE(reported(written[next].offset, ends[next])) << "lost record " << next;
    }
    // The flipped byte is reported, unless it sits in a block's unread tail.
    bool in_tail = false;
    for (size_t i = 0; i + 1 < written.size(); i++) {
      in_tail |= ends[i] <= pos && pos < written[i + 1].offset;
    }
    if (!in_tail) {
      EXPECT_TRUE(reported(pos, pos + 1));
    }
  }
}

TEST(LogDamageTest, ReadError) {
  LogBuilder b;
  b.Add("foo");
  b.Add(BigString("big", kBlockSize));  // First in block 0, Last in block 1
  ReadResult r = ReadLog(b.contents(), true, /*fail_read=*/1);
  EXPECT_EQ(r.records, std::vector<Record>{b.records()[0]});
  EXPECT_TRUE(r.status.IsIOError()) << r.status.ToString();
  // An unreadable file is not a torn one.
  EXPECT_TRUE(r.reports.empty());

  ReadResult first = ReadLog(b.contents(), true, /*fail_read=*/0);
  EXPECT_TRUE(first.records.empty());
  EXPECT_TRUE(first.status.IsIOError());
  EXPECT_TRUE(first.reports.empty());
}

}  // namespace
}  // namespace lsmdb::log
