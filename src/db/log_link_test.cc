// LogLink encoding: round trips, and every malformed count-0 record is Corruption.
#include "db/log_link.h"

#include <gtest/gtest.h>

#include <string>

#include "db/write_batch_internal.h"
#include "lsmdb/write_batch.h"

namespace lsmdb {
namespace {

TEST(LogLinkTest, RoundTrips) {
  for (const LogLink& in : {LogLink{0, 0}, LogLink{5, 3}, LogLink{~uint64_t{0}, kMaxSequenceNumber},
                            LogLink{300, uint64_t{1} << 40}}) {
    const std::string rep = EncodeLogLink(in);
    bool is_link = false;
    LogLink out;
    ASSERT_TRUE(DecodeLogLink(rep, &is_link, &out).ok());
    EXPECT_TRUE(is_link);
    EXPECT_EQ(out.prev_log_number, in.prev_log_number);
    EXPECT_EQ(out.prev_last_sequence, in.prev_last_sequence);
  }
}

TEST(LogLinkTest, SyncMarkRoundTripsAndIsNotALink) {
  const std::string rep = EncodeLogSyncMark();
  EXPECT_EQ(rep.size(), kWriteBatchHeader + 1);
  bool is_link = false;
  LogLink out{4, 5};
  ASSERT_TRUE(DecodeLogLink(rep, &is_link, &out).ok());
  EXPECT_TRUE(is_link);
  EXPECT_EQ(out.kind, LogLink::Kind::kSyncMark);
  EXPECT_EQ(out.prev_log_number, 0u);
  bool link_is_link = false;
  LogLink link;
  ASSERT_TRUE(DecodeLogLink(EncodeLogLink(LogLink{3, 9}), &link_is_link, &link).ok());
  EXPECT_EQ(link.kind, LogLink::Kind::kLink);
  // Anything after the tag, or a sequence, makes it malformed.
  EXPECT_TRUE(DecodeLogLink(rep + "x", &is_link, &out).IsCorruption());
  std::string with_seq = rep;
  with_seq[0] = 1;
  EXPECT_TRUE(DecodeLogLink(with_seq, &is_link, &out).IsCorruption());
}

TEST(LogLinkTest, ABatchIsNotALink) {
  WriteBatch batch;
  batch.Put("k", "v");
  WriteBatchInternal::SetSequence(&batch, 7);
  bool is_link = true;
  LogLink link{1, 2};
  ASSERT_TRUE(DecodeLogLink(WriteBatchInternal::Contents(&batch), &is_link, &link).ok());
  EXPECT_FALSE(is_link);
  EXPECT_EQ(link.prev_log_number, 1u);  // untouched
}

TEST(LogLinkTest, MalformedRecordsAreCorruption) {
  const std::string good = EncodeLogLink(LogLink{300, 9});
  WriteBatch empty;  // header only: count 0, no tag
  const std::string cases[] = {
      "",
      good.substr(0, kWriteBatchHeader - 1),                      // short header
      std::string(WriteBatchInternal::Contents(&empty)),          // no tag
      good.substr(0, kWriteBatchHeader) + "X" + good.substr(13),  // wrong tag
      good.substr(0, good.size() - 1),                            // varint cut short
      good + "x",                                                 // trailing byte
  };
  for (size_t i = 0; i < std::size(cases); i++) {
    const std::string& rec = cases[i];
    bool is_link = true;
    LogLink link;
    Status s = DecodeLogLink(rec, &is_link, &link);
    EXPECT_TRUE(s.IsCorruption()) << i << ": " << s.ToString();
    EXPECT_FALSE(is_link) << i;
  }
}

}  // namespace
}  // namespace lsmdb
