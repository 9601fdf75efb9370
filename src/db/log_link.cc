#include "db/log_link.h"

#include "db/write_batch_internal.h"
#include "util/coding.h"

namespace lsmdb {

namespace {
constexpr char kLinkTag = 'L';
constexpr char kSyncMarkTag = 'S';
}  // namespace

std::string EncodeLogLink(const LogLink& link) {
  std::string rep;
  PutFixed64(&rep, link.prev_last_sequence);
  PutFixed32(&rep, 0);
  rep.push_back(kLinkTag);
  PutVarint64(&rep, link.prev_log_number);
  return rep;
}

std::string EncodeLogSyncMark() {
  std::string rep;
  PutFixed64(&rep, 0);
  PutFixed32(&rep, 0);
  rep.push_back(kSyncMarkTag);
  return rep;
}

Status DecodeLogLink(std::string_view record, bool* is_link, LogLink* link) {
  *is_link = false;
  if (record.size() < kWriteBatchHeader) {
    return Status::Corruption("WAL record of " + std::to_string(record.size()) +
                              " bytes, shorter than a batch header");
  }
  if (DecodeFixed32(record.data() + 8) != 0) return Status::OK();  // a batch
  const SequenceNumber seq = DecodeFixed64(record.data());
  std::string_view rest = record.substr(kWriteBatchHeader);
  uint64_t number = 0;
  if (rest.size() == 1 && rest[0] == kSyncMarkTag && seq == 0) {
    *is_link = true;
    *link = LogLink{};
    link->kind = LogLink::Kind::kSyncMark;
    return Status::OK();
  }
  if (rest.empty() || rest[0] != kLinkTag) {
    return Status::Corruption("WAL record with no entries that is not a log link");
  }
  rest.remove_prefix(1);
  if (!GetVarint64(&rest, &number) || !rest.empty()) {
    return Status::Corruption("malformed log link record");
  }
  *is_link = true;
  link->kind = LogLink::Kind::kLink;
  link->prev_log_number = number;
  link->prev_last_sequence = seq;
  return Status::OK();
}

}  // namespace lsmdb
