#include "lsmdb/status.h"

namespace lsmdb {

Status::Status(Code code, std::string_view msg, std::string_view msg2) : code_(code) {
  if (msg.empty() && msg2.empty()) return;  // no allocation for a bare code (NotFound)
  std::string m(msg);
  if (!msg2.empty()) {
    m.append(": ");
    m.append(msg2);
  }
  msg_ = std::make_unique<std::string>(std::move(m));
}

Status::Status(const Status& other) : code_(other.code_) {
  if (other.msg_) msg_ = std::make_unique<std::string>(*other.msg_);
}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    code_ = other.code_;
    msg_ = other.msg_ ? std::make_unique<std::string>(*other.msg_) : nullptr;
  }
  return *this;
}

Status Status::WithPrefix(std::string_view prefix) const {
  if (ok()) return Status();
  return Status(code_, prefix, message());
}

std::string Status::ToString() const {
  const char* name = "";
  switch (code_) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      name = "NotFound";
      break;
    case Status::Code::kCorruption:
      name = "Corruption";
      break;
    case Status::Code::kNotSupported:
      name = "Not supported";
      break;
    case Status::Code::kInvalidArgument:
      name = "Invalid argument";
      break;
    case Status::Code::kIOError:
      name = "IO error";
      break;
    case Status::Code::kBusy:
      name = "Busy";
      break;
    case Status::Code::kNoSpace:
      name = "IO error (no space left)";
      break;
    case Status::Code::kAborted:
      name = "Aborted";
      break;
  }
  std::string out(name);
  if (msg_ && !msg_->empty()) {
    out.append(": ");
    out.append(*msg_);
  }
  return out;
}

}  // namespace lsmdb
