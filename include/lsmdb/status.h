// Status: the result of every operation that can fail.
//
// An OK status holds no allocation. A non-OK status holds a code and a message that
// names what went wrong (for data on disk: the file and the offset). Status is
// [[nodiscard]]: ignoring one is a compile warning.
//
// Thread-safety: a Status is a value; distinct objects may be used from distinct threads
// without synchronisation, and const methods may be called concurrently.
#ifndef LSMDB_STATUS_H_
#define LSMDB_STATUS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsmdb/export.h"

namespace lsmdb {

class [[nodiscard]] LSMDB_EXPORT Status {
 public:
  // Persisted in no file; values may change between releases.
  enum class Code : uint8_t {
    kOk = 0,
    kNotFound = 1,
    kCorruption = 2,
    kNotSupported = 3,
    kInvalidArgument = 4,
    kIOError = 5,
    kBusy = 6,
    kNoSpace = 7,  // an IOError caused by a full device (ENOSPC); IsIOError() is true too
    kAborted = 8,
  };

  Status() noexcept = default;
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&& other) noexcept = default;
  Status& operator=(Status&& other) noexcept = default;
  ~Status() = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kNotFound, msg, msg2);
  }
  static Status Corruption(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kCorruption, msg, msg2);
  }
  static Status NotSupported(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kNotSupported, msg, msg2);
  }
  static Status InvalidArgument(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kInvalidArgument, msg, msg2);
  }
  static Status IOError(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kIOError, msg, msg2);
  }
  static Status Busy(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kBusy, msg, msg2);
  }
  static Status NoSpace(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kNoSpace, msg, msg2);
  }
  static Status Aborted(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kAborted, msg, msg2);
  }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsNotSupported() const { return code_ == Code::kNotSupported; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  // True for every I/O failure, including a full device.
  bool IsIOError() const { return code_ == Code::kIOError || code_ == Code::kNoSpace; }
  bool IsNoSpace() const { return code_ == Code::kNoSpace; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsAborted() const { return code_ == Code::kAborted; }

  Code code() const { return code_; }
  // The message alone, without the code's name. Empty for OK.
  std::string_view message() const { return msg_ ? std::string_view(*msg_) : std::string_view(); }
  // "OK", or the code's name, ": ", and the message.
  std::string ToString() const;
  // The same code with "<prefix>: " before the message (what was being done when the
  // error happened). OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

  // Explicitly discards a status that the caller has decided not to act on.
  void PermitUncheckedError() const {}

 private:
  Status(Code code, std::string_view msg, std::string_view msg2);

  Code code_ = Code::kOk;
  std::unique_ptr<std::string> msg_;  // null when ok()
};

}  // namespace lsmdb

#endif  // LSMDB_STATUS_H_
