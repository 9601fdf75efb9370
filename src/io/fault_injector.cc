#include "io/fault_injector.h"

#include <string>

namespace lsmdb {
namespace {

const char* OpName(FileOp op) {
  switch (op) {
    case FileOp::kOpen:
      return "open";
    case FileOp::kRead:
      return "read";
    case FileOp::kAppend:
      return "append";
    case FileOp::kSync:
      return "sync";
    case FileOp::kRename:
      return "rename";
    case FileOp::kRemove:
      return "remove";
    case FileOp::kSyncDir:
      return "directory sync";
    case FileOp::kCreate:
      return "create";
  }
  return "?";
}

}  // namespace

uint32_t FileKindOf(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.ends_with(".log")) return kLogFiles;
  if (name.ends_with(".sst") || name.ends_with(".ldb")) return kTableFiles;
  if (name.starts_with("MANIFEST")) return kManifestFiles;
  if (name == "CURRENT" || name.ends_with(".dbtmp")) return kCurrentFiles;
  return kOtherFiles;
}

Status FaultInjector::Add(const Fault& fault) {
  if (fault.kind == FaultKind::kShortWrite && fault.op != FileOp::kAppend) {
    return Status::InvalidArgument("Fault: a short write applies to kAppend only");
  }
  if (fault.kind == FaultKind::kBitFlip && fault.op != FileOp::kRead) {
    return Status::InvalidArgument("Fault: a bit flip applies to kRead only");
  }
  if ((fault.files & kAnyFile) == 0) {
    return Status::InvalidArgument("Fault: the file mask selects no file");
  }
  faults_.push_back(Armed{fault});
  return Status::OK();
}

void FaultInjector::Clear() { faults_.clear(); }

std::optional<FaultKind> FaultInjector::Next(FileOp op, std::string_view path) {
  if (faults_.empty()) return std::nullopt;
  const uint32_t kind = FileKindOf(path);
  for (Armed& a : faults_) {
    if (a.fault.op != op || (a.fault.files & kind) == 0) continue;
    a.seen++;
    if (a.seen <= a.fault.after) continue;
    if (a.fault.once && a.fired > 0) continue;
    a.fired++;
    injected_++;
    return a.fault.kind;
  }
  return std::nullopt;
}

Status FaultInjector::ErrorFor(FaultKind kind, FileOp op, std::string_view path) {
  const std::string what = std::string("injected fault on ") + OpName(op);
  switch (kind) {
    case FaultKind::kNoSpace:
      return Status::NoSpace(path, what + ": no space left on device (ENOSPC)");
    case FaultKind::kShortWrite:
      return Status::IOError(path, what + ": short write (EIO after a part was written)");
    case FaultKind::kIOError:
    case FaultKind::kBitFlip:
      break;
  }
  return Status::IOError(path, what + ": input/output error (EIO)");
}

void FaultInjector::FlipBit(char* data, size_t n) const {
  if (n == 0) return;
  // A spread-out but reproducible position: a multiplicative hash of the fault count.
  const uint64_t h = (injected_ + 1) * 0x9E3779B97F4A7C15ull;
  const size_t byte = static_cast<size_t>((h >> 16) % n);
  data[byte] = static_cast<char>(data[byte] ^ (1u << ((h >> 8) % 8)));
}

}  // namespace lsmdb
